//! The "Block API Key" and "Delete API Key" confirmations.

use super::state::{Confirm, KeysState};
use crate::{
    keys::api::{block_key, delete_key},
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let open = Signal::derive(move || state.confirm.read().is_some());
    let title = Signal::derive(move || match state.confirm.get() {
        Some(Confirm::Block(_)) => "Block API Key".to_string(),
        Some(Confirm::Delete(_)) => "Delete API Key".to_string(),
        None => String::new(),
    });
    view! {
        <Modal open on_close=Callback::new(move |_| state.confirm.set(None)) title>
            {move || state.confirm.get().map(|c| view! { <ConfirmBody confirm=c /> })}
        </Modal>
    }
}

#[component]
fn ConfirmBody(confirm: Confirm) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let busy = RwSignal::new(false);
    let (key, question, verb) = match &confirm {
        Confirm::Block(k) => (k.clone(), "Services using it are refused at once, until you unblock it.", "Block"),
        Confirm::Delete(k) => (k.clone(), "The key and its token are removed for good. This cannot be undone.", "Delete"),
    };
    let is_delete = matches!(confirm, Confirm::Delete(_));
    let id = key.id;
    let run = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let outcome =
                if is_delete { delete_key(id).await.map(|_| "API key deleted") } else { block_key(id).await.map(|_| "API key blocked") };
            state.confirm.set(None);
            match outcome {
                Ok(message) => {
                    toasts.success(message);
                    state.reload();
                }
                Err(err) => state.report(&err),
            }
            busy.try_set(false);
        });
    };
    view! {
        <p class="confirm-text">
            {format!("{verb} “")}<strong>{key.name.clone()}</strong>"”? "{question}
        </p>
        <div class="modal-actions">
            <button type="button" class="button secondary" autofocus on:click=move |_| state.confirm.set(None)>
                "Cancel"
            </button>
            <button type="button" class="button danger" disabled=move || busy.get() on:click=run>
                {verb}
            </button>
        </div>
    }
}
