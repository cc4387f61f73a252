//! The list of accounts, or a line saying there are none.

use super::row::AccountRow;
use crate::{domain::account::AccountUsage, error::AppError};
use leptos::prelude::*;

#[component]
pub fn AccountList(accounts: Resource<Result<Vec<AccountUsage>, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="empty">"Loading accounts…"</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"No accounts yet. Create the first one with “Create account”."</p> }.into_any()
                    }
                    Ok(list) => view! {
                        <ul class="account-list" aria-label="Accounts">
                            <For each=move || list.clone() key=|a| (a.id, a.name.clone(), a.key_count) let:account>
                                <AccountRow account />
                            </For>
                        </ul>
                    }
                        .into_any(),
                    Err(err) => {
                        view! { <p class="empty error-text">{format!("The accounts could not be loaded: {err}")}</p> }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
