//! `/keys`: the list of API keys and everything done to them.

use super::{
    api::list_keys, confirm_dialog::ConfirmDialog, create_dialog::CreateDialog, deliveries_dialog::DeliveriesDialog, list::KeyList,
    modify_dialog::ModifyDialog, roll_dialog::RollDialog, search::SearchBox, state::KeysState,
};
use crate::topbar::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn KeysPage() -> impl IntoView {
    let state = KeysState::provide();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let keys = Resource::new(move || (q.get(), state.refresh.get()), |(q, _)| list_keys(q));
    view! {
        <Title text="Keys · Keyhold" />
        <TopBar />
        <main class="page">
            <div class="page-head">
                <div>
                    <h1>"Keys"</h1>
                    <p class="lede">"API keys your customers' services use to reach you."</p>
                </div>
                <button type="button" class="button primary" on:click=move |_| state.creating.set(true)>
                    "Create API Key"
                </button>
            </div>
            <SearchBox q keys />
            <KeyList keys q />
        </main>
        <CreateDialog />
        <ModifyDialog />
        <ConfirmDialog />
        <RollDialog />
        <DeliveriesDialog />
    }
}
