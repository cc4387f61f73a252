//! The `keyhold` server: configuration, the Postgres store and the axum
//! router. `main.rs` only starts things; tests drive [`router`] directly.

// Layers, bottom to top (`scripts/check-layers` keeps the arrows pointing
// down): `db` (the store), then the workers (`verify`, `webhooks`), `state`
// and `rpc`, then the doors (`api`, `auth`, `cli`, and the router here).
pub mod api;
pub mod auth;
pub mod cli;
pub mod client;
pub mod db;
pub mod pkg;
pub mod rpc;
pub mod serve;
pub mod shutdown;
pub mod state;
pub mod verify;
pub mod webhooks;

pub use state::AppState;

use app::{shell, App};
use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::time::Duration;
use tower_http::{
    catch_panic::CatchPanicLayer, limit::RequestBodyLimitLayer, set_header::SetResponseHeaderLayer, timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// Largest request body: a 1 MiB avatar plus the rest of the form.
pub const MAX_BODY_BYTES: usize = 1024 * 1024 + 64 * 1024;
/// Largest body of every request but the two key forms (which carry the avatar).
pub const MAX_SMALL_BODY_BYTES: usize = 64 * 1024;
/// The avatar route, outside Leptos (listed for the route-enumeration test).
pub const AVATAR_ROUTE: &str = "/avatars/{id}";

/// The whole app: pages, server functions, avatars, the JSON API and static
/// files. Serve it with [`serve::serve`] (or any server that puts a
/// `ConnectInfo<SocketAddr>` in each request) so the rate limits can tell
/// clients apart.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let services = state.services.clone();
    let options = state.leptos_options.clone();
    // Everything an operator uses, behind sign-in (innermost layer first:
    // the body is read only for a request the operator check let through,
    // the operator check needs the session, the session needs the request
    // to have come from this site).
    let operator_routes = Router::new()
        .route(AVATAR_ROUTE, get(avatar))
        .merge(pkg::routes(&options))
        .leptos_routes_with_context(&state, routes, move || provide_context(services.clone()), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(require_multipart))
        .layer(axum::middleware::from_fn(read_body_within_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_operator))
        .layer(auth::session_layer(&state))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::same_origin_only))
        .layer(axum::middleware::from_fn(auth::content_security_policy));
    let app = Router::new()
        .merge(api::routes(&state))
        .merge(operator_routes)
        .layer(axum::middleware::from_fn_with_state(state.clone(), client::decide));
    // Over https, browsers are told to use nothing else for two years.
    let app = match state.settings.secure_cookies() {
        true => app.layer(SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS))),
        false => app,
    };
    hardened(app).with_state(state)
}

/// The `Strict-Transport-Security` value sent when the public URL is https.
pub const HSTS: &str = "max-age=63072000";

/// The layers every route gets: paths with dot segments refused, body
/// limit, timeout, safe headers, and a panic turned into a plain 500 with a
/// log line.
pub fn hardened<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(axum::middleware::from_fn(refuse_dot_segments))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // A panic becomes a plain 500 (and a log line), never a dropped connection.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
}

/// server_fn panics ("couldn't parse boundary") when a multipart server
/// function is called without a multipart body, which drops the connection;
/// answer such a call with a client error instead.
async fn require_multipart(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use app::{
        error::AppError,
        keys::api::{CreateKey, ModifyKey},
    };
    use leptos::server_fn::ServerFn;
    let path = request.uri().path();
    if path == <CreateKey as ServerFn>::PATH || path == <ModifyKey as ServerFn>::PATH {
        let boundary = request.headers().get(header::CONTENT_TYPE).and_then(|ct| ct.to_str().ok()).map(multer::parse_boundary);
        if !matches!(boundary, Some(Ok(_))) {
            return rpc::error_response(path, AppError::Transport("the form could not be read".into()));
        }
    }
    next.run(request).await
}

/// The most body each operator route may send: the two key forms carry an
/// avatar, everything else is small.
fn body_limit(path: &str) -> usize {
    use app::keys::api::{CreateKey, ModifyKey};
    use leptos::server_fn::ServerFn;
    match path == <CreateKey as ServerFn>::PATH || path == <ModifyKey as ServerFn>::PATH {
        true => MAX_BODY_BYTES,
        false => MAX_SMALL_BODY_BYTES,
    }
}

/// Reads the body, counting the bytes that actually arrive (a
/// `Content-Length` is not trusted, and a chunked body has none), and
/// answers 413 as soon as they pass the route's limit, before the handler
/// sees any of it.
async fn read_body_within_limit(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let limit = body_limit(request.uri().path());
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(err) => {
            let path = parts.uri.path();
            let too_large =
                std::iter::successors(std::error::Error::source(&err), |e| e.source()).any(|e| e.is::<http_body_util::LengthLimitError>());
            let (status, err) = match too_large {
                true => (StatusCode::PAYLOAD_TOO_LARGE, app::error::AppError::TooLarge("The request is too large.".into())),
                false => (StatusCode::BAD_REQUEST, app::error::AppError::Transport("the request body could not be read".into())),
            };
            if rpc::is_server_fn(path) {
                return rpc::error_response(path, err);
            }
            (status, err.to_string()).into_response()
        }
    }
}

/// Refuses a path with a `.` or `..` segment, written plainly or
/// percent-encoded (or a segment hiding a slash as `%2F`/`%5C`), before any
/// route or the sign-in guard sees it: the guard judges the path as sent,
/// and a path that means something else once normalised must not get
/// through as a public one.
async fn refuse_dot_segments(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if has_dot_segment(request.uri().path()) {
        tracing::warn!("refused a path with dot segments");
        // The JSON API answers every error as problem+json.
        if request.uri().path().starts_with("/api/v1/") {
            return api::management::problem::Problem::bad_request("The request path is not valid.").into_response();
        }
        return (StatusCode::BAD_REQUEST, "The request path is not valid.").into_response();
    }
    next.run(request).await
}

fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        decoded == "." || decoded == ".." || decoded.contains(['/', '\\'])
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_found_plain_and_encoded() {
        for path in [
            "/pkg/../keys",
            "/pkg/./keys",
            "/pkg/%2e%2e/keys",
            "/pkg/%2E%2E/rpc/list_keys",
            "/pkg/.%2e/keys",
            "/pkg/%2e./keys",
            "/pkg/%2e",
            "/..",
            "/pkg%2F..%2Fkeys",
            "/pkg/..%5Ckeys",
            "/pkg\\..\\keys",
        ] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/", "/keys", "/pkg/keyhold.wasm", "/pkg/keyhold.abc.js", "/activity", "/a..b/c", "/.well-known", "/pkg/%20x"] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
