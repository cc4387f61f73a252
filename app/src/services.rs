//! What a server function works with: the [`Services`] the server provides
//! to each request (through Leptos context), the [`Actor`] its sign-in guard
//! put in the request, and [`with_status`] for honest HTTP statuses.

use crate::{
    domain::{actor::Actor, password::PasswordChecks, sign_in_throttle::SignInThrottle, vault::TokenVault},
    error::AppError,
    settings::Settings,
    store::Store,
};
use std::sync::Arc;

/// Everything a server function may use, provided once per request.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub vault: Arc<TokenVault>,
    pub throttle: Arc<SignInThrottle>,
    /// The one bound on concurrent Argon2 verifications.
    pub password_checks: Arc<PasswordChecks>,
    pub settings: Arc<Settings>,
}

impl Services {
    /// Services built once from the settings: the sign-in throttle follows
    /// `settings.sign_in_limit` and `settings.sign_in_account_limit`; at most
    /// as many passwords are checked at once as the machine has cores.
    pub fn new(store: Arc<dyn Store>, vault: Arc<TokenVault>, settings: Arc<Settings>) -> Self {
        let throttle = Arc::new(SignInThrottle::new(settings.sign_in_limit, settings.sign_in_account_limit));
        Self { store, vault, throttle, password_checks: Arc::new(PasswordChecks::for_this_machine()), settings }
    }

    /// The services of the current request; `Internal` when called outside
    /// a request the server set up (a wiring bug, logged).
    pub fn current() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Services>().ok_or_else(|| {
            tracing::error!("server function called without Services in context");
            AppError::Internal
        })
    }
}

/// The client's address, decided once per request by the server (the TCP
/// peer, or whom a trusted proxy forwarded for: see
/// [`TrustedProxies`](crate::domain::client_address::TrustedProxies)) and
/// put in the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);

/// The signed-in operator of the current request, as an [`Actor`]. The
/// server's sign-in guard puts it in the request before any server function
/// runs; its absence means the request was not signed in.
pub fn current_actor() -> Result<Actor, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Actor>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// The client's address of the current request, if known.
pub fn client_address() -> Option<std::net::IpAddr> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<ClientAddress>().map(|a| a.0))
}

/// Sets the response status for a failed server function and passes the
/// result on, so the HTTP status tells the truth (422, 404, 409, ...).
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        err.set_response_status();
    }
    result
}
