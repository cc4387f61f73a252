//! `/tokens`: the management tokens a backend presents to the management API.

use super::{
    api::list_management_tokens, create_dialog::CreateDialog, created_dialog::CreatedDialog, list::TokenList, revoke_dialog::RevokeDialog,
    state::TokensState,
};
use crate::topbar::TopBar;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TokensPage() -> impl IntoView {
    let state = TokensState::provide();
    let tokens = Resource::new(move || state.refresh.get(), |_| list_management_tokens());
    view! {
        <Title text="Management tokens · Keyhold" />
        <TopBar />
        <main class="page">
            <div class="page-head">
                <div>
                    <h1>"Management tokens"</h1>
                    <p class="lede">
                        "What your own backend sends to the management API (Authorization: Bearer khm_…) to issue, block and delete keys."
                    </p>
                </div>
                <button type="button" class="button primary" on:click=move |_| state.creating.set(true)>
                    "Create management token"
                </button>
            </div>
            <TokenList tokens />
        </main>
        <CreateDialog />
        <CreatedDialog />
        <RevokeDialog />
    }
}
