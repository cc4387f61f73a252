//! One line of the audit log.

use crate::domain::activity::ActivityEntry;
use leptos::prelude::*;

#[component]
pub fn EntryRow(entry: ActivityEntry) -> impl IntoView {
    let when = entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let iso = entry.at.to_rfc3339();
    let subject = entry.key_name.clone().or_else(|| entry.account_name.clone()).or_else(|| entry.token_name.clone());
    let who = entry.actor.clone().unwrap_or_else(|| "Unknown".into());
    let changes = entry.changes.clone();
    view! {
        <li class="activity-row">
            <div class="activity-main">
                <p class="activity-what">
                    <span class="activity-action">{entry.action.label()}</span>
                    {subject.map(|s| view! { <span class="activity-subject">{s}</span> })}
                </p>
                <p class="activity-who">
                    {who}
                    {entry.address.map(|a| view! { <span class="activity-address">{format!(" from {a}")}</span> })}
                </p>
                {(!changes.is_empty())
                    .then(|| {
                        view! {
                            <ul class="activity-changes" aria-label="Changes">
                                {changes
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <li>
                                                <span class="activity-field">{c.field}</span>": "
                                                <span class="activity-before">{c.before}</span>" → "
                                                <span class="activity-after">{c.after}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
            </div>
            <time class="activity-time" datetime=iso>{when}</time>
        </li>
    }
}
