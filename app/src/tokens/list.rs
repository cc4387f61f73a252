//! The list of management tokens, or a line saying there are none.

use super::row::TokenRow;
use crate::{domain::management_token::ManagementTokenListing, error::AppError};
use leptos::prelude::*;

#[component]
pub fn TokenList(tokens: Resource<Result<Vec<ManagementTokenListing>, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="empty">"Loading management tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"No management tokens yet. Create one with “Create management token”."</p> }
                            .into_any()
                    }
                    Ok(list) => view! {
                        <ul class="account-list" aria-label="Management tokens">
                            <For each=move || list.clone() key=|t| (t.id, t.last_used_at) let:token>
                                <TokenRow token />
                            </For>
                        </ul>
                    }
                        .into_any(),
                    Err(err) => {
                        view! { <p class="empty error-text">{format!("The management tokens could not be loaded: {err}")}</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
