//! The "Modify API Key" dialog. The form carries the version of the key it
//! was opened with; if another tab changed the key meanwhile, the server
//! refuses and the page says so.

use super::{key_form::{ready, KeyFields}, state::KeysState};
use crate::{error::AppError, keys::api::modify_key, model::ApiKey, ui::{modal::Modal, toasts::Toasts}};
use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement};

#[component]
pub fn ModifyDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    // The dialog is open exactly while a key is being edited.
    let open = Signal::derive(move || state.editing.read().is_some());
    view! {
        <Modal open on_close=Callback::new(move |_| state.editing.set(None)) title="Modify API Key">
            {move || state.editing.get().map(|key| view! { <ModifyForm key /> })}
        </Modal>
    }
}

#[component]
fn ModifyForm(key: ApiKey) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let action = Action::new_local(|data: &FormData| modify_key(data.clone().into()));
    let file_error = RwSignal::new(None::<String>);
    let errors = Signal::derive(move || action.value().get().and_then(Result::err));

    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => {
            toasts.success("API key modified");
            state.editing.set(None);
            state.reload();
        }
        Some(Err(err)) if !matches!(err, AppError::Invalid(_)) => {
            state.editing.set(None);
            state.report(&err);
        }
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

    let id = key.id.to_string();
    let version = key.version.to_string();
    view! {
        <form class="modal-form" novalidate on:submit=submit>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=version />
            <Suspense fallback=|| view! { <p class="empty">"Loading accounts…"</p> }>
                {
                    let key = key.clone();
                    move || {
                        let key = key.clone();
                        Suspend::new(async move {
                            match state.accounts.await {
                                Ok(accounts) => view! { <KeyFields prefix="modify" key=Some(key) accounts errors file_error /> }.into_any(),
                                Err(err) => view! { <p class="field-error">{format!("The accounts could not be loaded: {err}")}</p> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| state.editing.set(None)>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    "Modify"
                </button>
            </div>
        </form>
    }
}
