//! Reacting to what a server action answers: the one place dialogs learn
//! that their form's submission finished, instead of each keeping a busy
//! flag around its own `spawn_local`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Runs `on_outcome` with every result `action` gets from now on (not one
/// it already had when this was called). Register it in a component that
/// outlives the form (the dialog, not its body): handling an outcome often
/// closes the form.
pub fn on_outcome<S>(action: ServerAction<S>, on_outcome: impl Fn(Result<S::Output, S::Error>) + 'static)
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let seen = StoredValue::new(action.version().get_untracked());
    Effect::new(move |_| {
        let version = action.version().get();
        if version == seen.get_value() {
            return;
        }
        seen.set_value(version);
        if let Some(outcome) = action.value().get_untracked() {
            on_outcome(outcome);
        }
    });
}
