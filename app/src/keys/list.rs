//! The list of keys, its total and the links to the pages before and
//! after it, or a line saying there are none.

use super::row::KeyRow;
use crate::{
    domain::key_query::{KeyPage, ListParams},
    error::AppError,
};
use leptos::prelude::*;

#[component]
pub fn KeyList(keys: Resource<Result<KeyPage, AppError>>, params: Memo<ListParams>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="empty">"Loading API keys…"</p> }>
            {move || Suspend::new(async move {
                let params = params.get_untracked();
                match keys.await {
                    Ok(page) => view! { <KeyPageView page params /> }.into_any(),
                    Err(err) => view! {
                        <p class="empty error-text">{format!("The keys could not be loaded: {err}")}</p>
                        <p class="empty"><a href=params.first_page().href()>"First page"</a></p>
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
}

/// What the list says when it has no key to show.
fn nothing_text(params: &ListParams) -> String {
    let q = params.q.trim();
    let filtered = !params.status.is_empty() || !params.account.is_empty();
    match (q.is_empty(), filtered) {
        (true, false) => "No API keys yet. Create the first one with “Create API Key”.".into(),
        (false, false) => format!("No API keys match “{q}”."),
        (true, true) => "No API keys match these filters.".into(),
        (false, true) => format!("No API keys match “{q}” with these filters."),
    }
}

#[component]
fn KeyPageView(page: KeyPage, params: ListParams) -> impl IntoView {
    let KeyPage { keys, previous, next, total } = page;
    let links = (previous.is_some() || next.is_some()).then(|| {
        let previous = previous.map(|link| params.at(&link).href());
        let next = next.map(|link| params.at(&link).href());
        view! {
            <nav class="pager" aria-label="Key pages">
                {previous.map(|href| view! { <a class="button secondary" href=href rel="prev">"Previous page"</a> })}
                {next.map(|href| view! { <a class="button secondary" href=href rel="next">"Next page"</a> })}
            </nav>
        }
    });
    if keys.is_empty() {
        return view! {
            <p class="empty">{nothing_text(&params)}</p>
            {links}
        }
        .into_any();
    }
    view! {
        <p class="key-count">{total.text()}</p>
        <ul class="key-list" aria-label="API keys">
            // Keyed by the whole key: a row is rebuilt whenever anything it
            // shows changed (its last use, its webhook badge, ...).
            <For each=move || keys.clone() key=|k| k.clone() let:key>
                <KeyRow key />
            </For>
        </ul>
        {links}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::nothing_text;
    use crate::domain::key_query::ListParams;

    #[test]
    fn an_empty_list_says_why() {
        let p = |q: &str, status: &str| ListParams { q: q.into(), status: status.into(), ..Default::default() };
        assert_eq!(nothing_text(&p("", "")), "No API keys yet. Create the first one with “Create API Key”.");
        assert_eq!(nothing_text(&p(" zz ", "")), "No API keys match “zz”.");
        assert_eq!(nothing_text(&p("", "blocked")), "No API keys match these filters.");
        assert_eq!(nothing_text(&p("zz", "blocked")), "No API keys match “zz” with these filters.");
    }
}
