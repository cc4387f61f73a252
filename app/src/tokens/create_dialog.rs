//! The "New management token" dialog: name, access and an optional expiry,
//! each with its message from the server next to it.

use super::{api::create_management_token, state::TokensState};
use crate::{
    domain::management_token::{field, Access},
    error::AppError,
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{ev, prelude::*, task::spawn_local};

#[component]
pub fn CreateDialog() -> impl IntoView {
    let state = expect_context::<TokensState>();
    let open = Signal::derive(move || state.creating.get());
    let close = Callback::new(move |_| state.creating.set(false));
    view! {
        <Modal open on_close=close title="New management token">
            <CreateForm on_done=close />
        </Modal>
    }
}

#[component]
fn CreateForm(on_done: Callback<()>) -> impl IntoView {
    let state = expect_context::<TokensState>();
    let toasts = expect_context::<Toasts>();
    let name = RwSignal::new(String::new());
    let access = RwSignal::new(Access::ReadOnly);
    let expires = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<crate::error::FieldError>::new());
    let message = move |f: &'static str| move || errors.read().iter().find(|e| e.field == f).map(|e| e.message.clone());
    let invalid = move |f: &'static str| move || errors.read().iter().any(|e| e.field == f).to_string();

    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (n, a, x) = (name.get_untracked(), access.get_untracked().as_str().to_owned(), expires.get_untracked());
        spawn_local(async move {
            match create_management_token(n, a, x).await {
                Ok(token) => {
                    toasts.success("Management token created");
                    on_done.run(());
                    state.created.set(Some(token));
                    state.reload();
                }
                Err(AppError::Invalid(list)) => {
                    errors.try_set(list);
                }
                Err(err) => {
                    on_done.run(());
                    state.report(&err);
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <form class="modal-form" novalidate on:submit=submit>
            <div class="field">
                <label class="label" for="token-name">"Name"</label>
                <input
                    id="token-name"
                    name="name"
                    type="text"
                    autocomplete="off"
                    autofocus
                    aria-required="true"
                    maxlength="200"
                    bind:value=name
                    aria-invalid=invalid(field::NAME)
                    aria-describedby="token-name-error"
                />
                <p class="field-error" id="token-name-error">{message(field::NAME)}</p>
            </div>
            <fieldset class="field" role="radiogroup" aria-labelledby="token-access-legend">
                <legend class="label" id="token-access-legend">"Access"</legend>
                {[Access::ReadOnly, Access::ReadWrite]
                    .into_iter()
                    .map(|a| {
                        view! {
                            <label class="check">
                                <input
                                    type="radio"
                                    name="access"
                                    value=a.as_str()
                                    checked=a == Access::ReadOnly
                                    on:change=move |_| access.set(a)
                                />
                                {a.label()}
                            </label>
                        }
                    })
                    .collect_view()}
                <p class="field-error">{message(field::ACCESS)}</p>
            </fieldset>
            <div class="field">
                <label class="label" for="token-expires">"Expires"</label>
                <input
                    id="token-expires"
                    name="expires"
                    type="date"
                    bind:value=expires
                    aria-invalid=invalid(field::EXPIRES)
                    aria-describedby="token-expires-error"
                />
                <p class="field-error" id="token-expires-error">{message(field::EXPIRES)}</p>
            </div>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| on_done.run(())>
                    "Cancel"
                </button>
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    "Create"
                </button>
            </div>
        </form>
    }
}
