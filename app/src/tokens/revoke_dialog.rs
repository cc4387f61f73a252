//! The "Revoke management token" confirmation.

use super::{api::revoke_management_token, state::TokensState};
use crate::{
    domain::management_token::ManagementTokenListing,
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn RevokeDialog() -> impl IntoView {
    let state = expect_context::<TokensState>();
    let open = Signal::derive(move || state.revoking.read().is_some());
    let close = Callback::new(move |_| state.revoking.set(None));
    view! {
        <Modal open on_close=close title="Revoke management token">
            {move || state.revoking.get().map(|token| view! { <RevokeBody token /> })}
        </Modal>
    }
}

#[component]
fn RevokeBody(token: ManagementTokenListing) -> impl IntoView {
    let state = expect_context::<TokensState>();
    let toasts = expect_context::<Toasts>();
    let busy = RwSignal::new(false);
    let id = token.id;
    let run = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let outcome = revoke_management_token(id).await;
            state.revoking.set(None);
            match outcome {
                Ok(()) => {
                    toasts.success("Management token revoked");
                    state.reload();
                }
                Err(err) => state.report(&err),
            }
            busy.try_set(false);
        });
    };
    view! {
        <p class="confirm-text">
            "Revoke “"<strong>{token.name.clone()}</strong>"”? Requests with it are refused at once, on every server. This cannot be undone."
        </p>
        <div class="modal-actions">
            <button type="button" class="button secondary" autofocus on:click=move |_| state.revoking.set(None)>
                "Cancel"
            </button>
            <button type="button" class="button danger" disabled=move || busy.get() on:click=run>
                "Revoke"
            </button>
        </div>
    }
}
