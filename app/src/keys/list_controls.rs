//! What narrows and orders the list: the search field and the selects
//! "Status", "Account" and "Sort", in one GET form to `/keys`. Without the
//! wasm the form itself is the search ("Search" or Enter loads the page
//! with the choices in the URL); once hydrated, each change is applied at
//! once and the URL keeps it, without empty parameters.

use super::{search::SearchBox, state::KeysState};
use crate::{
    domain::key_query::{KeyPage, KeySort, ListParams, StatusFilter},
    error::AppError,
};
use leptos::{ev, html, prelude::*};
use leptos_router::{hooks::use_navigate, NavigateOptions};

/// Shows the list `params` describe, from its first page.
fn show_list(params: ListParams) {
    let navigate = use_navigate();
    navigate(&params.first_page().href(), NavigateOptions { scroll: false, ..Default::default() });
}

#[component]
pub fn ListControls(params: Memo<ListParams>, keys: Resource<Result<KeyPage, AppError>>) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    let on_submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let Some(data) = form.get_untracked().and_then(|f| web_sys::FormData::new_with_form(&f).ok()) else { return };
        let field = |name: &str| data.get(name).as_string().unwrap_or_default();
        show_list(ListParams {
            q: field("q").trim().to_owned(),
            status: field("status"),
            account: field("account"),
            sort: field("sort"),
            ..ListParams::default()
        });
    };
    let pick = |set: fn(&mut ListParams, String)| {
        Callback::new(move |value: String| {
            let mut next = params.get_untracked();
            set(&mut next, value);
            show_list(next);
        })
    };
    let status_options = StatusFilter::EVERY.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect::<Vec<_>>();
    let sort_options = KeySort::EVERY.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect::<Vec<_>>();
    view! {
        <form node_ref=form class="list-controls" method="get" action="/keys" role="search" aria-label="Find keys" on:submit=on_submit>
            <SearchBox params keys />
            <Choice
                label="Status"
                name="status"
                options=status_options
                current=Signal::derive(move || params.read().status.clone())
                on_pick=pick(|p, v| p.status = v)
            />
            <AccountChoice current=Signal::derive(move || params.read().account.clone()) on_pick=pick(|p, v| p.account = v) />
            <Choice
                label="Sort"
                name="sort"
                options=sort_options
                current=Signal::derive(move || params.read().sort.clone())
                on_pick=pick(|p, v| p.sort = v)
            />
            <button type="submit" class="button secondary">"Search"</button>
        </form>
    }
}

/// "All", then each account by name.
#[component]
fn AccountChoice(current: Signal<String>, on_pick: Callback<String>) -> impl IntoView {
    let state = expect_context::<KeysState>();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let accounts = state.accounts.await.unwrap_or_default();
                let options = std::iter::once((String::new(), "All".to_owned()))
                    .chain(accounts.into_iter().map(|a| (a.id.to_string(), a.name)))
                    .collect::<Vec<_>>();
                view! { <Choice label="Account" name="account" options current on_pick /> }
            })}
        </Transition>
    }
}

/// A labelled select of `(value, text)` options showing `current`.
#[component]
fn Choice(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    current: Signal<String>,
    on_pick: Callback<String>,
) -> impl IntoView {
    let select = NodeRef::<html::Select>::new();
    // Back, forward or a link changed the URL: show its choice.
    Effect::new(move |_| {
        let value = current.get();
        if let Some(el) = select.get() {
            if el.value() != value {
                el.set_value(&value);
            }
        }
    });
    let initial = current.get_untracked();
    view! {
        <label class="filter">
            <span class="filter-label">{label}</span>
            <select node_ref=select name=name class="filter-select" on:change=move |e| on_pick.run(event_target_value(&e))>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = value == initial;
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
