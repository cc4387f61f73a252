//! The form inside both key dialogs: sends the fields as multipart (for the
//! avatar), shows field errors next to their fields, and on success closes
//! the dialog with a message.

use super::{
    key_form::{ready, KeyFields},
    state::KeysState,
};
use crate::{domain::key::ApiKey, error::AppError, ui::toasts::Toasts};
use leptos::{ev, prelude::*};
use std::future::Future;
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement};

#[component]
pub fn KeyDialogForm<F, Fut>(
    /// Prefix for element ids, unique per dialog.
    prefix: &'static str,
    /// The key being modified, or `None` when creating.
    key: Option<ApiKey>,
    /// Sends the form to its server function.
    send: F,
    submit_label: &'static str,
    success_message: &'static str,
    /// Closes the dialog.
    on_done: Callback<()>,
) -> impl IntoView
where
    F: Fn(FormData) -> Fut + 'static,
    Fut: Future<Output = Result<ApiKey, AppError>> + 'static,
{
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let action = Action::new_local(move |data: &FormData| send(data.clone()));
    let file_error = RwSignal::new(None::<String>);
    let errors = Signal::derive(move || action.value().get().and_then(Result::err));

    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => {
            toasts.success(success_message);
            on_done.run(());
            state.reload();
        }
        // Field errors stay in the form; anything else is a message, and a
        // key changed or deleted elsewhere closes the dialog.
        Some(Err(AppError::Invalid(_))) | None => {}
        Some(Err(err)) => {
            if matches!(err, AppError::NotFound(_) | AppError::Conflict(_)) {
                on_done.run(());
            }
            state.report(&err);
        }
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

    let identity = key.as_ref().map(|k| {
        view! {
            <input type="hidden" name="id" value=k.id.to_string() />
            <input type="hidden" name="version" value=k.version.to_string() />
        }
    });
    let key = StoredValue::new(key);
    view! {
        <form class="modal-form" novalidate on:submit=submit>
            {identity}
            <Suspense fallback=|| view! { <p class="empty">"Loading accounts…"</p> }>
                {move || Suspend::new(async move {
                    match state.accounts.await {
                        Ok(accounts) => view! { <KeyFields prefix key=key.get_value() accounts errors file_error /> }.into_any(),
                        Err(err) => view! { <p class="field-error">{format!("The accounts could not be loaded: {err}")}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| on_done.run(())>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    {submit_label}
                </button>
            </div>
        </form>
    }
}
