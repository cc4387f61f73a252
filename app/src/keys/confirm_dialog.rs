//! The "Block API Key" and "Delete API Key" confirmations.

use super::state::{Confirm, KeysState};
use crate::{
    keys::api::{BlockKey, DeleteKey},
    ui::{modal::Modal, outcome::on_outcome, toasts::Toasts},
};
use leptos::prelude::*;

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let block = ServerAction::<BlockKey>::new();
    let delete = ServerAction::<DeleteKey>::new();
    let done = move |outcome: Result<(), crate::error::AppError>, message: &'static str| {
        state.confirm.set(None);
        match outcome {
            Ok(()) => {
                toasts.success(message);
                state.reload();
            }
            Err(err) => state.report(&err),
        }
    };
    on_outcome(block, move |outcome| done(outcome.map(drop), "API key blocked"));
    on_outcome(delete, move |outcome| done(outcome, "API key deleted"));
    let open = Signal::derive(move || state.confirm.read().is_some());
    let title = Signal::derive(move || match state.confirm.get() {
        Some(Confirm::Block(_)) => "Block API Key".to_string(),
        Some(Confirm::Delete(_)) => "Delete API Key".to_string(),
        None => String::new(),
    });
    view! {
        <Modal open on_close=Callback::new(move |_| state.confirm.set(None)) title>
            {move || {
                state.confirm.get().map(|confirm| {
                    let (key, verb) = match &confirm {
                        Confirm::Block(key) => (key.clone(), "Block"),
                        Confirm::Delete(key) => (key.clone(), "Delete"),
                    };
                    let (id, name) = (key.id.to_string(), key.name);
                    let body = move |pending| view! { <ConfirmBody id name verb pending /> };
                    match confirm {
                        Confirm::Block(_) => view! { <ActionForm action=block>{body(block.pending())}</ActionForm> }.into_any(),
                        Confirm::Delete(_) => view! { <ActionForm action=delete>{body(delete.pending())}</ActionForm> }.into_any(),
                    }
                })
            }}
        </Modal>
    }
}

/// The question and its two buttons, inside the action's form.
#[component]
fn ConfirmBody(id: String, name: String, verb: &'static str, pending: Memo<bool>) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let question = match verb {
        "Block" => "Services using it are refused at once, until you unblock it.",
        _ => "The key and its token are removed for good. This cannot be undone.",
    };
    view! {
        <input type="hidden" name="id" value=id />
        <p class="confirm-text">{format!("{verb} “")}<strong>{name}</strong>"”? "{question}</p>
        <div class="modal-actions">
            <button type="button" class="button secondary" autofocus on:click=move |_| state.confirm.set(None)>
                "Cancel"
            </button>
            <button type="submit" class="button danger" disabled=move || pending.get()>
                {verb}
            </button>
        </div>
    }
}
