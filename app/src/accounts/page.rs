//! `/accounts`: the accounts keys grant, with how many keys use each.

use super::{
    api::list_account_usage,
    delete_dialog::DeleteDialog,
    list::AccountList,
    name_dialog::NameDialog,
    state::{AccountsState, Naming},
};
use crate::topbar::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let state = AccountsState::provide();
    let accounts = Resource::new(move || state.changes(), |_| list_account_usage());
    view! {
        <Title text="Accounts · Keyhold" />
        <TopBar />
        <main class="page">
            <div class="page-head">
                <div>
                    <h1>"Accounts"</h1>
                    <p class="lede">"What a key grants access to. A key verifies only while it has an account."</p>
                </div>
                <button type="button" class="button primary" on:click=move |_| state.naming.set(Some(Naming::Create))>
                    "Create account"
                </button>
            </div>
            <AccountList accounts />
        </main>
        <NameDialog />
        <DeleteDialog />
    }
}
