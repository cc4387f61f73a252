//! `/activity?key=<id>`: who did what, newest first.

use super::{api::list_activity, entry::EntryRow};
use crate::{domain::activity::ActivityKey, topbar::TopBar};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let query = use_query_map();
    let key = Memo::new(move |_| query.read().get("key").and_then(|k| Uuid::parse_str(&k).ok()));
    let activity = Resource::new(move || key.get(), list_activity);
    view! {
        <Title text="Activity · Keyhold" />
        <TopBar />
        <main class="page">
            <div class="page-head">
                <div>
                    <h1>"Activity"</h1>
                    <p class="lede">"Every change, who made it and from where, newest first."</p>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="empty">"Loading activity…"</p> }>
                {move || Suspend::new(async move {
                    match activity.await {
                        Ok(activity) => {
                            let entries = activity.entries;
                            view! {
                                <KeyFilter keys=activity.keys selected=key />
                                {if entries.is_empty() {
                                    view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="activity-list" aria-label="Activity">
                                            {entries.into_iter().map(|entry| view! { <EntryRow entry /> }).collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                }}
                            }
                                .into_any()
                        }
                        Err(err) => {
                            view! { <p class="empty error-text">{format!("The activity could not be loaded: {err}")}</p> }
                                .into_any()
                        }
                    }
                })}
            </Transition>
        </main>
    }
}

/// "Key": all keys, or one of the keys the log mentions.
#[component]
fn KeyFilter(keys: Vec<ActivityKey>, selected: Memo<Option<Uuid>>) -> impl IntoView {
    let navigate = use_navigate();
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        let href = if value.is_empty() { "/activity".to_string() } else { format!("/activity?key={value}") };
        navigate(&href, Default::default());
    };
    let current = selected.get_untracked().map(|id| id.to_string()).unwrap_or_default();
    view! {
        <div class="field activity-filter">
            <label class="label" for="activity-key">"Key"</label>
            <select id="activity-key" on:change=on_change prop:value=current.clone()>
                <option value="" selected=current.is_empty()>"All keys"</option>
                {keys
                    .into_iter()
                    .map(|k| {
                        let id = k.id.to_string();
                        let is_selected = id == current;
                        view! { <option value=id selected=is_selected>{k.name}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
