//! The "New Account" and "Rename Account" dialogs: one text field, its
//! message from the server next to it.

use super::state::{AccountsState, Naming};
use crate::{
    error::AppError,
    ui::{modal::Modal, outcome::on_outcome, toasts::Toasts},
};
use leptos::prelude::*;

#[component]
pub fn NameDialog() -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let toasts = expect_context::<Toasts>();
    let open = Signal::derive(move || state.naming.read().is_some());
    let close = Callback::new(move |_| state.naming.set(None));
    let title = Signal::derive(move || match *state.naming.read() {
        Some(Naming::Rename(_)) => "Rename Account".to_string(),
        _ => "New Account".to_string(),
    });
    // The server's message for the name field, shown in the open form.
    let error = RwSignal::new(None::<String>);
    let done = move |outcome: Result<(), AppError>, success: &'static str| match outcome {
        Ok(()) => {
            toasts.success(success);
            state.naming.set(None);
        }
        // A field message stays in the form.
        Err(AppError::Invalid(errors)) => {
            error.set(Some(errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ")));
        }
        // Anything else is a message; an account deleted or changed elsewhere closes the dialog.
        Err(err) => {
            if matches!(err, AppError::NotFound(_) | AppError::Conflict(_)) {
                state.naming.set(None);
            }
            state.report(&err);
        }
    };
    // Each opening starts without the last form's message.
    Effect::new(move |_| {
        state.naming.track();
        error.set(None);
    });
    on_outcome(state.create, move |outcome| done(outcome.map(drop), "Account created"));
    on_outcome(state.rename, move |outcome| done(outcome.map(drop), "Account renamed"));
    view! {
        <Modal open on_close=close title>
            {move || state.naming.get().map(|naming| view! { <NameForm naming error on_cancel=close /> })}
        </Modal>
    }
}

#[component]
fn NameForm(naming: Naming, error: RwSignal<Option<String>>, on_cancel: Callback<()>) -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let fields = move |initial: String, submit_label: &'static str, pending: Memo<bool>| {
        view! {
            <div class="field">
                <label class="label" for="account-name">"Name"</label>
                <input
                    id="account-name"
                    name="name"
                    type="text"
                    autocomplete="off"
                    autofocus
                    aria-required="true"
                    maxlength="200"
                    value=initial
                    aria-invalid=move || error.read().is_some().to_string()
                    aria-describedby="account-name-error"
                />
                <p class="field-error" id="account-name-error">{move || error.get()}</p>
            </div>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    {submit_label}
                </button>
            </div>
        }
    };
    match naming {
        Naming::Create => view! {
            <ActionForm action=state.create attr:class="modal-form" attr:novalidate=true>
                {fields(String::new(), "Create", state.create.pending())}
            </ActionForm>
        }
        .into_any(),
        Naming::Rename(account) => view! {
            <ActionForm action=state.rename attr:class="modal-form" attr:novalidate=true>
                <input type="hidden" name="id" value=account.id.to_string() />
                {fields(account.name.clone(), "Rename", state.rename.pending())}
            </ActionForm>
        }
        .into_any(),
    }
}
