//! "Management token created": the new token, shown this once, with a copy
//! button. Only its hash is stored, so it cannot be copied later.

use super::state::TokensState;
use crate::{
    keys::clipboard,
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn CreatedDialog() -> impl IntoView {
    let state = expect_context::<TokensState>();
    let open = Signal::derive(move || state.created.read().is_some());
    let close = Callback::new(move |_| state.created.set(None));
    view! {
        <Modal open on_close=close title="Management token created">
            {move || state.created.get().map(|token| view! { <CreatedBody token close /> })}
        </Modal>
    }
}

#[component]
fn CreatedBody(token: String, close: Callback<()>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let to_copy = token.clone();
    let copy = move |_| {
        let token = to_copy.clone();
        spawn_local(async move {
            match clipboard::write(&token).await {
                Ok(()) => toasts.success("Management token copied"),
                Err(message) => toasts.failure(message),
            }
        });
    };
    view! {
        <p class="confirm-text">
            "Copy the token now: it will not be shown again. Keyhold keeps only its hash, so it cannot be copied later."
        </p>
        <div class="field">
            <label class="label" for="created-token">"Token"</label>
            <input id="created-token" class="token-field" type="text" readonly value=token />
        </div>
        <div class="modal-actions">
            <button type="button" class="button secondary" on:click=copy>
                "Copy token"
            </button>
            <button type="button" class="button primary" autofocus on:click=move |_| close.run(())>
                "Done"
            </button>
        </div>
    }
}
