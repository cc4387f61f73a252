//! The "Deliveries for <key>" dialog: the key's webhook deliveries, newest
//! first, with a Resend button on each and "Send test event". The list
//! refreshes itself every 2 seconds while the dialog is open, so a pending
//! delivery is seen to go out.

use super::state::KeysState;
use crate::{
    domain::delivery::{Delivery, DeliveryState},
    domain::key::ApiKey,
    keys::api::{list_deliveries, resend_delivery, send_test_event},
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{prelude::*, task::spawn_local};
use std::time::Duration;

const REFRESH: Duration = Duration::from_secs(2);

#[component]
pub fn DeliveriesDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let open = Signal::derive(move || state.deliveries.read().is_some());
    let close = Callback::new(move |_| state.deliveries.set(None));
    let title = Signal::derive(move || state.deliveries.get().map(|k| format!("Deliveries for {}", k.name)).unwrap_or_default());
    view! {
        <Modal open on_close=close title>
            {move || state.deliveries.get().map(|key| view! { <DeliveriesBody key close /> })}
        </Modal>
    }
}

#[component]
fn DeliveriesBody(key: ApiKey, close: Callback<()>) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let id = key.id;
    let refresh = RwSignal::new(0u64);
    let list = LocalResource::new(move || {
        refresh.track();
        list_deliveries(id)
    });
    if let Ok(handle) = set_interval_with_handle(move || refresh.update(|n| *n += 1), REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let busy = RwSignal::new(false);
    let send_test = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match send_test_event(id).await {
                Ok(_) => {
                    toasts.success("Test event queued");
                    refresh.update(|n| *n += 1);
                }
                Err(err) => {
                    close.run(());
                    state.report(&err);
                }
            }
            busy.try_set(false);
        });
    };
    let resend = Callback::new(move |delivery: Delivery| {
        spawn_local(async move {
            match resend_delivery(delivery.id).await {
                Ok(_) => {
                    toasts.success(format!("{} queued again", delivery.event_type));
                    refresh.update(|n| *n += 1);
                }
                Err(err) => state.report(&err),
            }
        });
    });
    view! {
        <p class="confirm-text">
            "Events about this key are sent to " <span class="key-url">{key.webhook_url.clone()}</span>
            ", signed with its signing secret (see Edit). A failed delivery is retried for about a day."
        </p>
        <Transition fallback=|| view! { <p class="empty">"Loading deliveries…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(deliveries) if deliveries.is_empty() => {
                        view! { <p class="empty">"No deliveries yet."</p> }.into_any()
                    }
                    Ok(deliveries) => view! { <DeliveryTable deliveries resend /> }.into_any(),
                    Err(err) => {
                        view! { <p class="field-error">{format!("The deliveries could not be loaded: {err}")}</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
        <div class="modal-actions">
            <button type="button" class="button secondary" disabled=move || busy.get() on:click=send_test>
                "Send test event"
            </button>
            <button type="button" class="button primary" autofocus on:click=move |_| close.run(())>
                "Close"
            </button>
        </div>
    }
}

#[component]
fn DeliveryTable(deliveries: Vec<Delivery>, resend: Callback<Delivery>) -> impl IntoView {
    let now = chrono::Utc::now();
    view! {
        <div class="deliveries-scroll">
            <table class="deliveries" aria-label="Deliveries">
                <thead>
                    <tr>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Last result"</th>
                        <th scope="col">"Next retry"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {deliveries
                        .into_iter()
                        .map(|d| {
                            let state_class = match d.state {
                                DeliveryState::Delivered => "badge success",
                                DeliveryState::Failed => "badge danger",
                                DeliveryState::Pending | DeliveryState::Sending => "badge warning",
                            };
                            let next = d.next_attempt_at.map(|t| retry_text(now, t)).unwrap_or_else(|| "—".into());
                            let created = d.created_at.format("%b %-d, %H:%M:%S UTC").to_string();
                            let created_iso = d.created_at.to_rfc3339();
                            let outcome = d.outcome();
                            let row = d.clone();
                            view! {
                                <tr>
                                    <td><code>{d.event_type.as_str()}</code></td>
                                    <td><time datetime=created_iso>{created}</time></td>
                                    <td><span class=state_class>{d.state.label()}</span></td>
                                    <td>{d.attempts}</td>
                                    <td class="delivery-outcome">{outcome}</td>
                                    <td>{next}</td>
                                    <td>
                                        <button type="button" class="button secondary small" on:click=move |_| resend.run(row.clone())>
                                            "Resend"
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// "now", "in 12 s", "in 5 min", "in 2 h".
fn retry_text(now: chrono::DateTime<chrono::Utc>, at: chrono::DateTime<chrono::Utc>) -> String {
    let secs = (at - now).num_seconds();
    match secs {
        s if s <= 0 => "now".into(),
        s if s < 60 => format!("in {s} s"),
        s if s < 3600 => format!("in {} min", s / 60),
        s => format!("in {} h", s / 3600),
    }
}
