//! The bar at the top of every page: the brand, the links between pages,
//! and who is signed in with a "Sign out" button.

use crate::{
    auth::api::{current_operator, SignOut},
    ui::icons::KeyIcon,
};
use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

#[component]
pub fn TopBar() -> impl IntoView {
    let path = use_location().pathname;
    // Marks the link of the page on screen for screen readers and the eye.
    let current = move |href: &'static str| move || (path.get() == href).then_some("page");
    view! {
        <header class="topbar">
            <a class="brand" href="/keys">
                <KeyIcon />
                "Keyhold"
            </a>
            <nav class="topnav" aria-label="Pages">
                <a class="topnav-link" href="/keys" aria-current=current("/keys")>"Keys"</a>
                <a class="topnav-link" href="/accounts" aria-current=current("/accounts")>"Accounts"</a>
                <a class="topnav-link" href="/activity" aria-current=current("/activity")>"Activity"</a>
                <a class="topnav-link" href="/tokens" aria-current=current("/tokens")>"Tokens"</a>
            </nav>
            <SignedIn />
        </header>
    }
}

/// The operator's email and the "Sign out" button (a form, so it works
/// before the wasm loads too).
#[component]
fn SignedIn() -> impl IntoView {
    let operator = Resource::new(|| (), |_| current_operator());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <div class="operator">
            <Suspense>
                {move || {
                    operator
                        .get()
                        .and_then(Result::ok)
                        .map(|op| view! { <span class="operator-email" title="Signed in as">{op.email}</span> })
                }}
            </Suspense>
            <ActionForm action=sign_out>
                <button type="submit" class="button secondary small">"Sign out"</button>
            </ActionForm>
        </div>
    }
}
