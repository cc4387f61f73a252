//! `/keys`: the list of API keys and everything done to them.

use super::{
    api::list_keys, confirm_dialog::ConfirmDialog, create_dialog::CreateDialog, deliveries_dialog::DeliveriesDialog, list::KeyList,
    list_controls::ListControls, modify_dialog::ModifyDialog, roll_dialog::RollDialog, state::KeysState,
};
use crate::{domain::key_query::ListParams, topbar::TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn KeysPage() -> impl IntoView {
    let state = KeysState::provide();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let query = query.read();
        let get = |name: &str| query.get(name).unwrap_or_default();
        ListParams {
            q: get("q"),
            status: get("status"),
            account: get("account"),
            sort: get("sort"),
            after: get("after"),
            before: get("before"),
        }
    });
    let keys =
        Resource::new(move || (params.get(), state.refresh.get()), |(p, _)| list_keys(p.q, p.status, p.account, p.sort, p.after, p.before));
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
            <ListControls params keys />
            <KeyList keys params />
        </main>
        <CreateDialog />
        <ModifyDialog />
        <ConfirmDialog />
        <RollDialog />
        <DeliveriesDialog />
    }
}
