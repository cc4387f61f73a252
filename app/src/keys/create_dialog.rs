//! The "New API Key" dialog.

use super::{key_form::{ready, KeyFields}, state::KeysState};
use crate::{error::AppError, keys::api::create_key, ui::{modal::Modal, toasts::Toasts}};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement};

#[component]
pub fn CreateDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    view! {
        <Modal open=state.creating on_close=Callback::new(move |_| state.creating.set(false)) title="New API Key">
            <CreateForm />
        </Modal>
    }
}

#[component]
fn CreateForm() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let action = Action::new_local(|data: &FormData| create_key(data.clone().into()));
    let file_error = RwSignal::new(None::<String>);
    let errors = Signal::derive(move || action.value().get().and_then(Result::err));

    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => {
            toasts.success("API key created");
            state.creating.set(false);
            state.reload();
        }
        Some(Err(err)) if !matches!(err, AppError::Invalid(_)) => state.report(&err),
        _ => {}
    });

    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if action.pending().get_untracked() || !ready(file_error) {
            return;
        }
        let form: HtmlFormElement = e.target().expect("submit has a target").unchecked_into();
        if let Ok(data) = FormData::new_with_form(&form) {
            action.dispatch_local(data);
        }
    };

    view! {
        <form class="modal-form" novalidate on:submit=submit>
            <Suspense fallback=|| view! { <p class="empty">"Loading accounts…"</p> }>
                {move || Suspend::new(async move {
                    match state.accounts.await {
                        Ok(accounts) => view! { <KeyFields prefix="create" key=None accounts errors file_error /> }.into_any(),
                        Err(err) => view! { <p class="field-error">{format!("The accounts could not be loaded: {err}")}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| state.creating.set(false)>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    "Create"
                </button>
            </div>
        </form>
    }
}
