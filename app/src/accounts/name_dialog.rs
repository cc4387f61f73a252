//! The "New Account" and "Rename Account" dialogs: one text field, its
//! message from the server next to it.

use super::{
    api::{create_account, rename_account},
    state::{AccountsState, Naming},
};
use crate::{
    error::AppError,
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{ev, prelude::*, task::spawn_local};

#[component]
pub fn NameDialog() -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let open = Signal::derive(move || state.naming.read().is_some());
    let close = Callback::new(move |_| state.naming.set(None));
    let title = Signal::derive(move || match *state.naming.read() {
        Some(Naming::Rename(_)) => "Rename Account".to_string(),
        _ => "New Account".to_string(),
    });
    view! {
        <Modal open on_close=close title>
            {move || state.naming.get().map(|naming| view! { <NameForm naming on_done=close /> })}
        </Modal>
    }
}

#[component]
fn NameForm(naming: Naming, on_done: Callback<()>) -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let toasts = expect_context::<Toasts>();
    let (initial, submit_label, success) = match &naming {
        Naming::Create => (String::new(), "Create", "Account created"),
        Naming::Rename(a) => (a.name.clone(), "Rename", "Account renamed"),
    };
    let name = RwSignal::new(initial);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let naming = StoredValue::new(naming);

    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let value = name.get_untracked();
        let naming = naming.get_value();
        spawn_local(async move {
            let outcome = match naming {
                Naming::Create => create_account(value).await,
                Naming::Rename(a) => rename_account(a.id, value).await,
            };
            match outcome {
                Ok(_) => {
                    toasts.success(success);
                    on_done.run(());
                    state.reload();
                }
                // A field message stays in the form.
                Err(AppError::Invalid(errors)) => {
                    let message = errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ");
                    error.try_set(Some(message));
                }
                // Anything else is a message; an account deleted elsewhere
                // closes the dialog.
                Err(err) => {
                    if matches!(err, AppError::NotFound(_) | AppError::Conflict(_)) {
                        on_done.run(());
                    }
                    state.report(&err);
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <form class="modal-form" novalidate on:submit=submit>
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
                    bind:value=name
                    aria-invalid=move || error.read().is_some().to_string()
                    aria-describedby="account-name-error"
                />
                <p class="field-error" id="account-name-error">{move || error.get()}</p>
            </div>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| on_done.run(())>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    {submit_label}
                </button>
            </div>
        </form>
    }
}
