//! The list of keys, or a line saying there are none.

use super::row::KeyRow;
use crate::{
    domain::key::{ApiKey, LIST_LIMIT},
    error::AppError,
};
use leptos::prelude::*;

#[component]
pub fn KeyList(keys: Resource<Result<Vec<ApiKey>, AppError>>, q: Memo<String>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="empty">"Loading API keys…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) if list.is_empty() => {
                        let text = if q.get_untracked().is_empty() {
                            "No API keys yet. Create the first one with “Create API Key”.".to_string()
                        } else {
                            format!("No API keys match “{}”.", q.get_untracked())
                        };
                        view! { <p class="empty">{text}</p> }.into_any()
                    }
                    Ok(list) => {
                        let capped = list.len() as i64 >= LIST_LIMIT;
                        view! {
                            <ul class="key-list" aria-label="API keys">
                                <For each=move || list.clone() key=|k| (k.id, k.version, k.blocked) let:key>
                                    <KeyRow key />
                                </For>
                            </ul>
                            {capped.then(|| view! {
                                <p class="empty">{format!("Showing the newest {LIST_LIMIT} keys. Search to find others.")}</p>
                            })}
                        }
                            .into_any()
                    }
                    Err(err) => view! { <p class="empty error-text">{format!("The keys could not be loaded: {err}")}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
