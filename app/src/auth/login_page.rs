//! `/login`: email, password, "Sign in". Works before the wasm loads (a
//! plain form post) and after (the same server function, no reload).

use super::api::{sign_in_status, SignIn};
use crate::{error::AppError, ui::icons::KeyIcon};
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || match action.value().get() {
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    };
    view! {
        <Title text="Sign in · Keyhold" />
        <main class="login">
            <div class="login-card">
                <p class="brand">
                    <KeyIcon />
                    "Keyhold"
                </p>
                <h1 class="login-title">"Sign in"</h1>
                <FirstOperatorHint />
                <ActionForm action attr:class="modal-form" attr:novalidate="">
                    <input type="hidden" name="next" value=next />
                    <div class="field">
                        <label class="label" for="login-email">"Email"</label>
                        <input id="login-email" name="email" type="email" autocomplete="username" required autofocus />
                    </div>
                    <div class="field">
                        <label class="label" for="login-password">"Password"</label>
                        <input
                            id="login-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                        />
                    </div>
                    <p class="field-error" role="alert">{error}</p>
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}

/// Tells a newcomer how to create the first operator when there is none.
#[component]
fn FirstOperatorHint() -> impl IntoView {
    let exists = Resource::new(|| (), |_| sign_in_status());
    view! {
        <Suspense>
            {move || {
                exists
                    .get()
                    .and_then(|r: Result<bool, AppError>| r.ok())
                    .filter(|any| !any)
                    .map(|_| {
                        view! {
                            <div class="login-hint" role="note">
                                <p>"No operator exists yet. Create the first one on the server:"</p>
                                <pre>"keyhold operator create --email you@example.com"</pre>
                                <p>"It asks for a password of at least 12 characters."</p>
                            </div>
                        }
                    })
            }}
        </Suspense>
    }
}
