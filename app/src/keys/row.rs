//! One key in the list. Its action icons show on hover, on keyboard focus,
//! and always on touch screens (see `style/main.css`).

use super::{avatar::KeyAvatar, clipboard, options_menu::OptionsMenu, state::KeysState};
use crate::{
    domain::key::ApiKey,
    domain::{key_status::KeyStatus, relative_time},
    keys::api::key_token,
    ui::{
        icons::{CopyIcon, PencilIcon},
        toasts::Toasts,
    },
};
use leptos::{html, prelude::*, task::spawn_local};

#[component]
pub fn KeyRow(key: ApiKey) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let copying = RwSignal::new(false);
    let row = NodeRef::<html::Li>::new();
    let id = key.id;

    // Scroll to the key picked from the search suggestions.
    Effect::new(move |_| {
        if state.highlighted.get() == Some(id) {
            if let Some(el) = row.get() {
                el.scroll_into_view();
            }
        }
    });

    let copy = move |_| {
        if copying.get_untracked() {
            return;
        }
        copying.set(true);
        spawn_local(async move {
            let outcome = match key_token(id).await {
                Ok(token) => clipboard::write(&token).await.map_err(|m| m.to_string()),
                Err(err) => {
                    state.report(&err);
                    copying.try_set(false);
                    return;
                }
            };
            match outcome {
                Ok(()) => toasts.success("API key token copied"),
                Err(message) => toasts.failure(message),
            }
            copying.try_set(false);
        });
    };

    let edit_key = key.clone();
    let created = key.created_at.format("%b %-d, %Y").to_string();
    let now = chrono::Utc::now();
    let last_used = relative_time::last_used(now, key.last_used_at);
    let expiry = relative_time::expiry(now, key.expires_at);
    let expired = key.has_expired(now);
    let blocked = key.status(now) == KeyStatus::Blocked;
    let created_iso = key.created_at.to_rfc3339();
    let accounts = key.accounts.clone();
    view! {
        <li
            node_ref=row
            class="key-row"
            class:highlighted=move || state.highlighted.get() == Some(id)
            class:blocked=blocked
        >
            <KeyAvatar key=key.clone() />
            <div class="key-main">
                <div class="key-title">
                    <span class="key-name">{key.name.clone()}</span>
                    {blocked.then(|| view! { <span class="badge danger">"Blocked"</span> })}
                    {key.accounts.is_empty().then(|| view! { <span class="badge warning">"No account"</span> })}
                    {key.webhook_failing.then(|| view! {
                        <span
                            class="badge danger"
                            title="The latest webhook delivery failed, or one is still failing after 3 attempts. See Options → Deliveries."
                        >
                            "Webhook failing"
                        </span>
                    })}
                </div>
                <span class="key-url" title=key.webhook_url.clone()>{key.webhook_url.clone()}</span>
                <ul class="chips" aria-label="Accounts">
                    {accounts.into_iter().map(|a| view! { <li class="chip">{a.name}</li> }).collect_view()}
                </ul>
            </div>
            <div class="key-dates">
                <time datetime=created_iso>{format!("Created {created}")}</time>
                <span>{last_used}</span>
                {expiry.map(|text| view! { <span class:expired=expired>{text}</span> })}
            </div>
            <div class="key-actions">
                <button
                    type="button"
                    class="icon-button"
                    aria-label="Edit"
                    title="Edit"
                    on:click=move |_| state.editing.set(Some(edit_key.clone()))
                >
                    <PencilIcon />
                </button>
                <button
                    type="button"
                    class="icon-button"
                    aria-label="Copy token"
                    title="Copy token"
                    disabled=move || copying.get()
                    on:click=copy
                >
                    <CopyIcon />
                </button>
                <OptionsMenu key=key.clone() />
            </div>
        </li>
    }
}
