//! The "Delete Account" confirmation: says how many keys lose the account.

use super::state::AccountsState;
use crate::{
    domain::account::AccountUsage,
    ui::{modal::Modal, outcome::on_outcome, toasts::Toasts},
};
use leptos::prelude::*;

/// What deleting does to the keys that grant the account.
fn consequence(account: &AccountUsage) -> String {
    let lose = match account.key_count {
        0 => return "No key uses this account.".into(),
        1 => "1 key loses".to_string(),
        n => format!("{n} keys lose"),
    };
    format!("{lose} access to this account. A key left with no account stops verifying until it gets one.")
}

#[component]
pub fn DeleteDialog() -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let toasts = expect_context::<Toasts>();
    let open = Signal::derive(move || state.deleting.read().is_some());
    let close = Callback::new(move |_| state.deleting.set(None));
    on_outcome(state.delete, move |outcome| {
        state.deleting.set(None);
        match outcome {
            Ok(_) => toasts.success("Account deleted"),
            Err(err) => state.report(&err),
        }
    });
    view! {
        <Modal open on_close=close title="Delete Account">
            {move || state.deleting.get().map(|account| view! { <DeleteBody account /> })}
        </Modal>
    }
}

#[component]
fn DeleteBody(account: AccountUsage) -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let delete = state.delete;
    view! {
        <ActionForm action=delete>
            <input type="hidden" name="id" value=account.id.to_string() />
            <p class="confirm-text">
                "Delete “"<strong>{account.name.clone()}</strong>"”? "{consequence(&account)}" This cannot be undone."
            </p>
            <div class="modal-actions">
                <button type="button" class="button secondary" autofocus on:click=move |_| state.deleting.set(None)>
                    "Cancel"
                </button>
                <button type="submit" class="button danger" disabled=move || delete.pending().get()>
                    "Delete"
                </button>
            </div>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn account(key_count: i64) -> AccountUsage {
        AccountUsage { id: Uuid::nil(), name: "Acme".into(), key_count }
    }

    #[test]
    fn the_confirmation_counts_the_keys_that_lose_the_account() {
        assert_eq!(consequence(&account(0)), "No key uses this account.");
        assert!(consequence(&account(1)).starts_with("1 key loses access to this account."));
        assert_eq!(
            consequence(&account(2)),
            "2 keys lose access to this account. A key left with no account stops verifying until it gets one."
        );
    }
}
