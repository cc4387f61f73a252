//! The bar at the top of every page: the brand and the links between pages.

use crate::ui::icons::KeyIcon;
use leptos::prelude::*;
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
            </nav>
        </header>
    }
}
