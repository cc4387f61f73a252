//! One management token in the list: name, access, dates, creator, Revoke.

use super::state::TokensState;
use crate::domain::management_token::ManagementTokenListing;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

fn day(at: Option<DateTime<Utc>>, none: &str) -> String {
    at.map_or_else(|| none.to_owned(), |at| at.format("%Y-%m-%d").to_string())
}

#[component]
pub fn TokenRow(token: ManagementTokenListing) -> impl IntoView {
    let state = expect_context::<TokensState>();
    let details = format!(
        "{} · created {} by {} · last used {} · expires {}",
        token.access.label(),
        day(Some(token.created_at), ""),
        token.created_by,
        day(token.last_used_at, "never"),
        day(token.expires_at, "never"),
    );
    let name = token.name.clone();
    view! {
        <li class="account-row">
            <div class="account-main">
                <span class="account-name">{name}</span>
                <span class="account-keys">{details}</span>
            </div>
            <div class="account-actions">
                <button
                    type="button"
                    class="button danger-outline small"
                    on:click=move |_| state.revoking.set(Some(token.clone()))
                >
                    "Revoke"
                </button>
            </div>
        </li>
    }
}
