//! The `keyhold` server: configuration, the Postgres store and the axum
//! router. `main.rs` only starts things; tests drive [`router`] directly.

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod verify;
pub mod webhooks;

use app::{shell, store::Services, App};
use axum::{
    extract::{FromRef, Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::{sync::Arc, time::Duration};
use tower_http::{
    catch_panic::CatchPanicLayer, limit::RequestBodyLimitLayer, set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer, trace::TraceLayer,
};

/// Largest request body: a 1 MiB avatar plus the rest of the form.
pub const MAX_BODY_BYTES: usize = 1024 * 1024 + 64 * 1024;

/// What every handler shares, behind one reference count: axum clones the
/// state for each request (several times on the verify route), and cloning
/// these fields one by one (the Leptos options alone hold five `Arc`s) was
/// the largest item in a verification's CPU profile.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

#[derive(Clone)]
pub struct SharedState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    pub store: db::PgStore,
    /// The verification API's cache, rate limit and last-use recorder.
    pub verifier: Arc<verify::Verifier>,
    /// How this server's webhook worker sends deliveries.
    pub webhook_settings: webhooks::WebhookSettings,
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, store: db::PgStore, vault: app::domain::vault::TokenVault) -> Self {
        let services = Services {
            store: Arc::new(store.clone()),
            vault: Arc::new(vault),
            webhooks: Arc::new(store.clone()),
        };
        let verifier = Arc::new(verify::Verifier::new(verify::VerifySettings::default()));
        let webhook_settings = webhooks::WebhookSettings::default();
        Self(Arc::new(SharedState { leptos_options, services, store, verifier, webhook_settings }))
    }

    /// The same state with a verifier tuned by `settings`.
    pub fn with_verify_settings(mut self, settings: verify::VerifySettings) -> Self {
        Arc::make_mut(&mut self.0).verifier = Arc::new(verify::Verifier::new(settings));
        self
    }

    /// The same state with its webhook worker tuned by `settings`.
    pub fn with_webhook_settings(mut self, settings: webhooks::WebhookSettings) -> Self {
        Arc::make_mut(&mut self.0).webhook_settings = settings;
        self
    }

    /// Starts this server's webhook worker; keep the handle for as long as
    /// the server runs.
    pub fn start_webhook_worker(&self) -> webhooks::WorkerHandle {
        webhooks::Worker::new(self.store.clone(), self.services.vault.clone(), self.webhook_settings.clone()).start()
    }

    /// Starts the verification cache's listener and the last-use writer;
    /// keep the handle for as long as the server runs.
    pub fn start_background_tasks(&self) -> verify::BackgroundTasks {
        self.verifier.start(&self.store)
    }
}

/// The whole app: pages, server functions, avatars, the JSON API and static
/// files. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so the verify rate limit can tell clients apart.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let services = state.services.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/avatars/{id}", get(avatar))
        .merge(api::routes(&state))
        .leptos_routes_with_context(&state, routes, move || provide_context(services.clone()), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(require_multipart))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // A panic becomes a plain 500 (and a log line), never a dropped connection.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// server_fn panics ("couldn't parse boundary") when a multipart server
/// function is called without a multipart body, which drops the connection;
/// answer such a call with a client error instead.
async fn require_multipart(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use app::{error::AppError, keys::api::{CreateKey, ModifyKey}};
    use leptos::server_fn::{error::{FromServerFnError, SERVER_FN_ERROR_HEADER}, ServerFn};
    let path = request.uri().path();
    if path == <CreateKey as ServerFn>::PATH || path == <ModifyKey as ServerFn>::PATH {
        let boundary = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|ct| ct.to_str().ok())
            .map(multer::parse_boundary);
        if !matches!(boundary, Some(Ok(_))) {
            let err = AppError::Transport("the form could not be read".into());
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "application/json"), (header::HeaderName::from_static(SERVER_FN_ERROR_HEADER), path)],
                err.ser(),
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Longest a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on the server. Please try again.").into_response()
}

/// Serves a key's avatar PNG.
async fn avatar(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    use app::store::KeyStore;
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return (StatusCode::NOT_FOUND, "No such avatar").into_response();
    };
    match state.store.avatar(id).await {
        Ok(Some(avatar)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                // The URL carries the key's version, so it never goes stale.
                (header::CACHE_CONTROL, "private, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            avatar.png().to_vec(),
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "No such avatar").into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "The avatar could not be loaded").into_response(),
    }
}
