//! Keyhold's web app: the Keys, Accounts, Activity and Tokens pages' components and their
//! server functions.
//! Compiled to wasm for the browser (`hydrate`) and natively for the server
//! (`ssr`).

// Layers, bottom to top (`scripts/check-layers` keeps the arrows pointing
// down): `error`, `csp` and `domain`; `settings`; `store`; `services`;
// then the pages and their server functions.
pub mod accounts;
pub mod activity;
pub mod auth;
pub mod csp;
pub mod domain;
pub mod error;
pub mod keys;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod store;
pub mod tokens;
pub mod topbar;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The server's Content-Security-Policy allows inline scripts only with
    // this request's nonce; Leptos puts it on the scripts it writes.
    #[cfg(feature = "ssr")]
    if let Some(nonce) = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<csp::CspNonce>().cloned()) {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // `keyhold.css`, or `keyhold.<hash>.css` in a release build
                // with hashed file names (scripts/build-release).
                <HashedStylesheet id="leptos" options=options.clone() />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    ui::toasts::provide_toasts();
    view! {
        <Title text="Keyhold" />
        <Router>
            <ui::toasts::ToastRegion />
            <Routes fallback=|| view! { <ui::not_found::NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/keys" /> } ssr=SsrMode::Async />
                // Async: the first response holds the rendered list in place.
                <Route path=path!("/keys") view=keys::page::KeysPage ssr=SsrMode::Async />
                <Route path=path!("/accounts") view=accounts::page::AccountsPage ssr=SsrMode::Async />
                <Route path=path!("/activity") view=activity::page::ActivityPage ssr=SsrMode::Async />
                <Route path=path!("/tokens") view=tokens::page::TokensPage ssr=SsrMode::Async />
                <Route path=path!("/login") view=auth::login_page::LoginPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
