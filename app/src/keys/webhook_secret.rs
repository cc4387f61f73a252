//! The Modify dialog's "Signing secret" section: the key's webhook signing
//! secret, masked, with "Copy signing secret" and "Regenerate" (asked
//! twice, since receivers using the old secret fail at once).

use super::{clipboard, state::KeysState};
use crate::{
    keys::api::{regenerate_webhook_secret, webhook_secret},
    ui::toasts::Toasts,
};
use leptos::{prelude::*, task::spawn_local};
use uuid::Uuid;

const MASKED: &str = "whsec_••••••••••••••••••••••••";

#[component]
pub fn WebhookSecretSection(key_id: Uuid) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let copy = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match webhook_secret(key_id).await {
                Ok(secret) => match clipboard::write(&secret).await {
                    Ok(()) => toasts.success("Signing secret copied"),
                    Err(message) => toasts.failure(message),
                },
                Err(err) => state.report(&err),
            }
            busy.try_set(false);
        });
    };
    let regenerate = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match regenerate_webhook_secret(key_id).await {
                Ok(_) => toasts.success("Signing secret regenerated"),
                Err(err) => state.report(&err),
            }
            confirming.try_set(false);
            busy.try_set(false);
        });
    };
    view! {
        <section class="secret-section" aria-label="Webhook signing secret">
            <label class="label" for="webhook-secret">"Signing secret"</label>
            <p class="help">"Receivers check each webhook's signature with it (Standard Webhooks)."</p>
            <div class="secret-row">
                <input id="webhook-secret" class="token-field" type="text" readonly value=MASKED />
                <button type="button" class="button secondary small" disabled=move || busy.get() on:click=copy>
                    "Copy signing secret"
                </button>
                <Show when=move || !confirming.get()>
                    <button type="button" class="button secondary small" on:click=move |_| confirming.set(true)>
                        "Regenerate"
                    </button>
                </Show>
            </div>
            <Show when=move || confirming.get()>
                <div class="secret-confirm" role="group" aria-label="Regenerate the signing secret">
                    <p class="confirm-text">"The current secret stops signing at once: receivers must switch to the new one."</p>
                    <button type="button" class="button secondary small" on:click=move |_| confirming.set(false)>
                        "Keep the current secret"
                    </button>
                    <button type="button" class="button danger small" disabled=move || busy.get() on:click=regenerate>
                        "Regenerate signing secret"
                    </button>
                </div>
            </Show>
        </section>
    }
}
