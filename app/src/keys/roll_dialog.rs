//! The "Roll API Key Token" dialog: choose how long the old token keeps
//! working, issue a new one, and show it once with a copy button.

use super::{clipboard, state::KeysState};
use crate::{
    domain::grace::GracePeriod,
    domain::key::ApiKey,
    keys::api::RollToken,
    ui::{modal::Modal, outcome::on_outcome, toasts::Toasts},
};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn RollDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let roll = ServerAction::<RollToken>::new();
    // The token just issued, shown once until the dialog closes.
    let issued = RwSignal::new(None::<String>);
    let open = Signal::derive(move || state.rolling.read().is_some());
    let close = Callback::new(move |_| state.rolling.set(None));
    Effect::new(move |_| {
        state.rolling.track();
        issued.set(None);
    });
    on_outcome(roll, move |outcome| match outcome {
        Ok(token) => {
            issued.set(Some(token));
            toasts.success("API key token rolled");
            state.reload();
        }
        Err(err) => {
            state.rolling.set(None);
            state.report(&err);
        }
    });
    view! {
        <Modal open on_close=close title="Roll API Key Token">
            {move || state.rolling.get().map(|key| view! { <RollBody key roll issued close /> })}
        </Modal>
    }
}

#[component]
fn RollBody(key: ApiKey, roll: ServerAction<RollToken>, issued: RwSignal<Option<String>>, close: Callback<()>) -> impl IntoView {
    view! {
        <Show
            when=move || issued.get().is_none()
            fallback=move || view! { <NewToken token=issued.get().unwrap_or_default() close /> }
        >
            <RollForm id=key.id.to_string() name=key.name.clone() roll close />
        </Show>
    }
}

/// The grace period to choose, posted through the action's form.
#[component]
fn RollForm(id: String, name: String, roll: ServerAction<RollToken>, close: Callback<()>) -> impl IntoView {
    view! {
        <ActionForm action=roll>
            <input type="hidden" name="id" value=id />
            <p class="confirm-text">"Issue a new token for “" <strong>{name}</strong> "”. Services must switch to it."</p>
            <fieldset class="field">
                <legend class="label">"Keep the old token working"</legend>
                {GracePeriod::ALL
                    .into_iter()
                    .map(|g| {
                        view! {
                            <label class="check">
                                <input type="radio" name="grace" value=g.value() checked=g == GracePeriod::None />
                                {g.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || roll.pending().get()>
                    "Roll token"
                </button>
            </div>
        </ActionForm>
    }
}

#[component]
fn NewToken(token: String, close: Callback<()>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let to_copy = token.clone();
    let copy = move |_| {
        let token = to_copy.clone();
        spawn_local(async move {
            match clipboard::write(&token).await {
                Ok(()) => toasts.success("API key token copied"),
                Err(message) => toasts.failure(message),
            }
        });
    };
    view! {
        <p class="confirm-text">"This is the only time the new token is shown here; “Copy token” in the list copies it later."</p>
        <div class="field">
            <label class="label" for="rolled-token">"New token"</label>
            <input id="rolled-token" class="token-field" type="text" readonly value=token />
        </div>
        <div class="modal-actions">
            <button type="button" class="button secondary" on:click=copy>
                "Copy new token"
            </button>
            <button type="button" class="button primary" autofocus on:click=move |_| close.run(())>
                "Done"
            </button>
        </div>
    }
}
