//! The search field. Typing narrows the list (debounced, searched in the
//! database); the query lives in the URL as `?q=`, so back, forward and
//! reload keep it. Matching keys are offered as suggestions; picking one
//! shows that key.
//!
//! The field is a plain `<input name="q">` of the list's GET form, its
//! value written into the HTML: without the wasm, Enter searches. The wasm
//! never writes over it while hydrating (no `prop:value`): whatever was
//! typed before is kept, and searched for as soon as the page is hydrated.

use super::state::KeysState;
use crate::{
    domain::{
        key::ApiKey,
        key_query::{KeyPage, ListParams},
    },
    error::AppError,
    ui::icons::SearchIcon,
};
use leptos::{ev, html, prelude::*};
use leptos_router::{hooks::use_navigate, NavigateOptions};
use std::time::Duration;

const DEBOUNCE: Duration = Duration::from_millis(250);
const MAX_SUGGESTIONS: usize = 8;

#[component]
pub fn SearchBox(params: Memo<ListParams>, keys: Resource<Result<KeyPage, AppError>>) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let q = Memo::new(move |_| params.read().q.trim().to_owned());
    let text = RwSignal::new(q.get_untracked());
    let focused = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let input = NodeRef::<html::Input>::new();

    // What the field shows, in the signal and in the page.
    let show = move |value: &str| {
        text.set(value.to_owned());
        if let Some(el) = input.get_untracked() {
            if el.value() != value {
                el.set_value(value);
            }
        }
    };

    // A new search starts at the first page, with the same filters.
    let go = move |value: String| {
        let navigate = use_navigate();
        let href = ListParams { q: value, ..params.get_untracked().first_page() }.href();
        navigate(&href, NavigateOptions { scroll: false, ..Default::default() });
    };

    // Searches for `value` once typing pauses.
    let search_soon = move |value: String| {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let trimmed = value.trim().to_string();
                if trimmed != q.get_untracked() {
                    go(trimmed);
                }
            },
            DEBOUNCE,
        )
        .ok();
        pending.set_value(handle);
    };

    Effect::new(move |hydrated: Option<()>| {
        let from_url = q.get();
        let Some(el) = input.get() else { return };
        if hydrated.is_none() {
            // Just hydrated: the field holds what was typed before.
            let typed = el.value();
            if typed.trim() != from_url {
                text.set(typed.clone());
                search_soon(typed);
                return;
            }
        }
        // Back/forward changed the URL: show its query in the field.
        if text.get_untracked().trim() != from_url {
            show(&from_url);
        }
    });

    let on_input = move |e: ev::Event| {
        let value = event_target_value(&e);
        text.set(value.clone());
        focused.set(true);
        active.set(None);
        state.highlighted.set(None);
        search_soon(value);
    };

    let suggestions = move || -> Vec<ApiKey> {
        let typed = text.get().trim().to_lowercase();
        if typed.is_empty() || !focused.get() {
            return Vec::new();
        }
        // The list may still hold the results of an earlier, shorter query
        // while the new one is on its way: offer only what matches now.
        keys.get()
            .and_then(Result::ok)
            .map(|page| page.keys.into_iter().filter(|k| k.name.to_lowercase().contains(&typed)).take(MAX_SUGGESTIONS).collect())
            .unwrap_or_default()
    };

    let choose = move |key: ApiKey| {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        show(&key.name);
        focused.set(false);
        active.set(None);
        state.highlighted.set(Some(key.id));
        go(key.name);
    };

    let on_keydown = move |e: ev::KeyboardEvent| {
        let list = suggestions();
        match e.key().as_str() {
            "ArrowDown" if !list.is_empty() => {
                e.prevent_default();
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % list.len())));
            }
            "ArrowUp" if !list.is_empty() => {
                e.prevent_default();
                active.update(|a| *a = Some(a.map_or(list.len() - 1, |i| (i + list.len() - 1) % list.len())));
            }
            "Enter" => {
                if let Some(key) = active.get_untracked().and_then(|i| list.get(i).cloned()) {
                    e.prevent_default();
                    choose(key);
                }
            }
            "Escape" if !list.is_empty() => {
                e.prevent_default();
                focused.set(false)
            }
            _ => {}
        }
    };

    view! {
        <div class="search">
            <SearchIcon />
            <input
                node_ref=input
                type="search"
                name="q"
                value=q.get_untracked()
                class="search-input"
                placeholder="Search keys by name"
                aria-label="Search"
                autocomplete="off"
                aria-controls=move || (!suggestions().is_empty()).then_some("key-suggestions")
                aria-activedescendant=move || active.get().map(|i| format!("key-suggestion-{i}"))
                on:input=on_input
                on:keydown=on_keydown
                on:focus=move |_| focused.set(true)
                // Let a click on a suggestion land before the list closes.
                on:blur=move |_| { set_timeout(move || focused.set(false), Duration::from_millis(150)); }
            />
            <Show when=move || !suggestions().is_empty()>
                <ul class="suggestions" id="key-suggestions" role="listbox" aria-label="Matching keys">
                    {move || {
                        suggestions()
                            .into_iter()
                            .enumerate()
                            .map(|(i, key)| {
                                let name = key.name.clone();
                                view! {
                                    <li
                                        id=format!("key-suggestion-{i}")
                                        role="option"
                                        class="suggestion"
                                        aria-selected=move || (active.get() == Some(i)).to_string()
                                        on:mousedown=|e| e.prevent_default()
                                        on:click=move |_| choose(key.clone())
                                    >
                                        {name}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </div>
    }
}
