//! One account in the list: its name, how many keys use it, and its actions.

use super::state::{AccountsState, Naming};
use crate::domain::account::AccountUsage;
use leptos::prelude::*;

#[component]
pub fn AccountRow(account: AccountUsage) -> impl IntoView {
    let state = expect_context::<AccountsState>();
    let keys = account.keys_text();
    let unused = account.key_count == 0;
    let name = account.name.clone();
    let rename = account.clone();
    view! {
        <li class="account-row">
            <div class="account-main">
                <span class="account-name">{name}</span>
                <span class="account-keys" class:unused=unused>{keys}</span>
            </div>
            <div class="account-actions">
                <button
                    type="button"
                    class="button secondary small"
                    on:click=move |_| state.naming.set(Some(Naming::Rename(rename.clone())))
                >
                    "Rename"
                </button>
                <button
                    type="button"
                    class="button danger-outline small"
                    on:click=move |_| state.deleting.set(Some(account.clone()))
                >
                    "Delete"
                </button>
            </div>
        </li>
    }
}
