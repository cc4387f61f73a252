//! `/activity?key=<id>&before=<entry>`: who did what, newest first, a page
//! at a time; older pages are plain links, so they work without JavaScript.

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
    let before = Memo::new(move |_| query.read().get("before").and_then(|b| b.parse::<i64>().ok()));
    let activity = Resource::new(move || (key.get(), before.get()), |(key, before)| list_activity(key, before));
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
                                {if entries.is_empty() && before.get_untracked().is_some() {
                                    view! { <p class="empty">"No older entries."</p> }.into_any()
                                } else if entries.is_empty() {
                                    view! { <p class="empty">"Nothing recorded yet."</p> }.into_any()
                                } else {
                                    view! {
                                        <ol class="activity-list" aria-label="Activity">
                                            {entries.into_iter().map(|entry| view! { <EntryRow entry /> }).collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                }}
                                <Pages key=key.get_untracked() before=before.get_untracked() older=activity.older />
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

/// The address of a page of the Activity page.
fn page_href(key: Option<Uuid>, before: Option<i64>) -> String {
    match (key, before) {
        (None, None) => "/activity".to_string(),
        (Some(key), None) => format!("/activity?key={key}"),
        (None, Some(before)) => format!("/activity?before={before}"),
        (Some(key), Some(before)) => format!("/activity?key={key}&before={before}"),
    }
}

/// "Newest entries" (on an older page) and "Older entries" (when there are).
#[component]
fn Pages(key: Option<Uuid>, before: Option<i64>, older: Option<i64>) -> impl IntoView {
    (before.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="activity-pages" aria-label="Activity pages">
                {before.map(|_| view! { <a href=page_href(key, None)>"Newest entries"</a> })}
                {older.map(|older| view! { <a href=page_href(key, Some(older))>"Older entries"</a> })}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::page_href;
    use uuid::Uuid;

    #[test]
    fn page_addresses_keep_the_chosen_key_and_name_the_entry_to_start_before() {
        let key = Uuid::nil();
        assert_eq!(page_href(None, None), "/activity");
        assert_eq!(page_href(None, Some(42)), "/activity?before=42");
        assert_eq!(page_href(Some(key), None), format!("/activity?key={key}"));
        assert_eq!(page_href(Some(key), Some(42)), format!("/activity?key={key}&before=42"));
    }
}
