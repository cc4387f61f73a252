//! The "Roll API Key Token" dialog: choose how long the old token keeps
//! working, issue a new one, and show it once with a copy button.

use super::{clipboard, state::KeysState};
use crate::{
    domain::grace::GracePeriod,
    domain::key::ApiKey,
    keys::api::roll_token,
    ui::{modal::Modal, toasts::Toasts},
};
use leptos::{prelude::*, task::spawn_local};

#[component]
pub fn RollDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let open = Signal::derive(move || state.rolling.read().is_some());
    let close = Callback::new(move |_| state.rolling.set(None));
    view! {
        <Modal open on_close=close title="Roll API Key Token">
            {move || state.rolling.get().map(|key| view! { <RollBody key close /> })}
        </Modal>
    }
}

#[component]
fn RollBody(key: ApiKey, close: Callback<()>) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let toasts = expect_context::<Toasts>();
    let grace = RwSignal::new(GracePeriod::None);
    let busy = RwSignal::new(false);
    let issued = RwSignal::new(None::<String>);
    let id = key.id;
    let roll = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match roll_token(id, grace.get_untracked().value().to_string()).await {
                Ok(token) => {
                    issued.try_set(Some(token));
                    toasts.success("API key token rolled");
                    state.reload();
                }
                Err(err) => {
                    close.run(());
                    state.report(&err);
                }
            }
            busy.try_set(false);
        });
    };
    let name = key.name.clone();
    view! {
        <Show
            when=move || issued.get().is_none()
            fallback=move || view! { <NewToken token=issued.get().unwrap_or_default() close /> }
        >
            <p class="confirm-text">
                "Issue a new token for “" <strong>{name.clone()}</strong> "”. Services must switch to it."
            </p>
            <fieldset class="field">
                <legend class="label">"Keep the old token working"</legend>
                {GracePeriod::ALL
                    .into_iter()
                    .map(|g| {
                        view! {
                            <label class="check">
                                <input
                                    type="radio"
                                    name="grace"
                                    value=g.value()
                                    checked=g == GracePeriod::None
                                    on:change=move |_| grace.set(g)
                                />
                                {g.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="modal-actions">
                <button type="button" class="button secondary" on:click=move |_| close.run(())>
                    "Cancel"
                </button>
                <button type="button" class="button primary" disabled=move || busy.get() on:click=roll>
                    "Roll token"
                </button>
            </div>
        </Show>
    }
}

#[component]
fn NewToken(token: String, close: Callback<()>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let to_copy = token.clone();
    let copy = move |_| {
        let token = to_copy.clone();
        spawn_local(async move {
            match clipboard::write(&token).await {
                Ok(()) => toasts.success("API key token copied"),
                Err(message) => toasts.failure(message),
            }
        });
    };
    view! {
        <p class="confirm-text">"This is the only time the new token is shown here; “Copy token” in the list copies it later."</p>
        <div class="field">
            <label class="label" for="rolled-token">"New token"</label>
            <input id="rolled-token" class="token-field" type="text" readonly value=token />
        </div>
        <div class="modal-actions">
            <button type="button" class="button secondary" on:click=copy>
                "Copy new token"
            </button>
            <button type="button" class="button primary" autofocus on:click=move |_| close.run(())>
                "Done"
            </button>
        </div>
    }
}
