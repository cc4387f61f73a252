//! The doors: who may reach what. Every page and server function needs a
//! signed-in operator except the few listed in [`is_public`]; state-changing
//! requests must come from Keyhold's own origin; every response carries a
//! Content-Security-Policy with a fresh nonce.

use crate::{client, rpc, state::AppState};
use app::{
    auth::api::{SignIn, SignInStatus},
    csp::{self, CspNonce},
    domain::{
        actor::Actor,
        operator::{safe_next, session_outlived, Operator, SESSION_OPERATOR, SESSION_SIGNED_IN_AT},
    },
    error::AppError,
};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use leptos::server_fn::ServerFn;
use std::time::Duration;
use tower_sessions::{cookie::SameSite, Expiry, Session, SessionManagerLayer};

/// Name of the session cookie over plain http.
pub const SESSION_COOKIE: &str = "keyhold_session";
/// Its name over https: the `__Host-` prefix makes browsers refuse it unless
/// it is `Secure`, for the path `/` and without a `Domain`, so neither a
/// plain-http page nor a sibling subdomain can set or shadow it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-keyhold_session";

/// The session cookie's name for these settings.
pub fn session_cookie_name(settings: &app::settings::Settings) -> &'static str {
    if settings.secure_cookies() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// How often a request refreshes the session's idle timer (each refresh is
/// a write): once a minute, or more often for short test timeouts.
fn touch_every(session_idle: Duration) -> Duration {
    (session_idle / 8).min(Duration::from_secs(60))
}

/// The session layer: Postgres-backed, HttpOnly, SameSite=Lax, Secure and
/// `__Host-` over https, ending after `session_idle` without a request (and
/// `session_max_age` after sign-in, which the store enforces).
pub fn session_layer(state: &AppState) -> SessionManagerLayer<crate::db::PgSessionStore> {
    let idle = time::Duration::try_from(state.settings.session_idle).unwrap_or(time::Duration::minutes(30));
    SessionManagerLayer::new(state.sessions.clone())
        .with_name(session_cookie_name(&state.settings))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Paths anyone may reach: the sign-in page and its two server functions,
/// and the static files the sign-in page itself needs.
pub fn is_public(path: &str) -> bool {
    path == "/login"
        || path == <SignIn as ServerFn>::PATH
        || path == <SignInStatus as ServerFn>::PATH
        || path.starts_with("/pkg/")
        || path == "/favicon.svg"
}

/// Lets a request through only with a signed-in, enabled operator (or to a
/// public path), and puts the operator in the request as an [`Actor`].
/// Pages redirect to `/login?next=...`; server functions answer 401.
pub async fn require_operator(State(state): State<AppState>, session: Session, mut request: Request, next: Next) -> Response {
    let address = client::of_request(&request).map(|ip| ip.to_string());
    // The session store loads no session of a disabled operator, so the
    // operator in a loaded session is an enabled one.
    let operator = match session.get::<Operator>(SESSION_OPERATOR).await {
        Ok(operator) => operator,
        Err(err) if crate::db::PgSessionStore::is_busy(&err) => return busy(&request),
        Err(_) => return unavailable(&request),
    };
    // However busy, a session ends `session_max_age` after sign-in; one
    // without a sign-in time (from before there was one) has ended too.
    let operator = match operator {
        Some(operator) => {
            let signed_in_at = session.get::<i64>(SESSION_SIGNED_IN_AT).await.ok().flatten();
            if session_outlived(signed_in_at, chrono::Utc::now().timestamp(), state.settings.session_max_age) {
                // Deleted for every copy of its cookie.
                if session.flush().await.is_err() {
                    return unavailable(&request);
                }
                None
            } else {
                Some(operator)
            }
        }
        None => None,
    };
    let path = request.uri().path().to_owned();
    if let Some(operator) = operator {
        keep_alive(&session, touch_every(state.settings.session_idle)).await;
        if path == "/login" && request.method() == Method::GET {
            let next = next_param(request.uri().query());
            return Redirect::to(&safe_next(next.as_deref())).into_response();
        }
        request.extensions_mut().insert(Actor::operator(&operator, address));
        return next.run(request).await;
    }
    if is_public(&path) {
        return next.run(request).await;
    }
    if rpc::is_server_fn(&path) {
        return rpc::error_response(&path, AppError::Unauthorized);
    }
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let here = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let target = if here == "/" { "/login".to_string() } else { format!("/login?next={}", encode(here)) };
        return Redirect::to(&target).into_response();
    }
    (StatusCode::UNAUTHORIZED, "Sign in to continue.").into_response()
}

/// Refreshes the idle timer at most once per `every` (each refresh saves
/// the session).
async fn keep_alive(session: &Session, every: Duration) {
    let every_ms = every.as_millis().max(1);
    let tick = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() / every_ms) as i64;
    if session.get::<i64>("seen").await.ok().flatten() != Some(tick) {
        let _ = session.insert("seen", tick).await;
    }
}

fn next_param(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == "next").map(|(_, v)| v.into_owned())
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn unavailable(request: &Request) -> Response {
    let path = request.uri().path();
    if rpc::is_server_fn(path) {
        return rpc::error_response(path, AppError::Internal);
    }
    (StatusCode::SERVICE_UNAVAILABLE, "Keyhold cannot reach its database right now. Please try again.").into_response()
}

/// The session was not loaded because anonymous requests are using all
/// their database connections (see `db::anonymous`).
fn busy(request: &Request) -> Response {
    let path = request.uri().path();
    if rpc::is_server_fn(path) {
        return rpc::error_response(path, AppError::TooManyRequests("The server is busy, try again in 1 second.".into()));
    }
    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "1")], "Keyhold is busy right now. Please try again in a moment.")
        .into_response()
}

/// Refuses state-changing requests from other sites: `Sec-Fetch-Site` must
/// not say another site, and `Origin`, when sent, must be Keyhold's own
/// (`KEYHOLD_PUBLIC_URL`, or the request's `Host` when that is unset).
/// Requests without either header come from outside a browser, which
/// cannot ride on an operator's cookies.
pub async fn same_origin_only(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let cross_site = matches!(fetch_site, Some("cross-site" | "same-site"));
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let foreign_origin = origin.is_some_and(|origin| !same_origin(origin, state.settings.public_origin.as_deref(), host));
    if cross_site || foreign_origin {
        tracing::warn!(path = request.uri().path(), origin, fetch_site, "refused a request from another site");
        let err = AppError::Forbidden("This request came from another site and was refused.".into());
        let path = request.uri().path();
        if rpc::is_server_fn(path) {
            return rpc::error_response(path, err);
        }
        return (StatusCode::FORBIDDEN, err.to_string()).into_response();
    }
    next.run(request).await
}

/// True when `origin` is the configured public origin, or (with none
/// configured) names the same host and port as `host`.
fn same_origin(origin: &str, public: Option<&str>, host: Option<&str>) -> bool {
    match public {
        Some(public) => origin.eq_ignore_ascii_case(public),
        None => {
            let rest = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://"));
            matches!((rest, host), (Some(rest), Some(host)) if rest.eq_ignore_ascii_case(host))
        }
    }
}

/// Gives the request a fresh CSP nonce (the shell puts it on the inline
/// scripts) and the response the policy that names it.
pub async fn content_security_policy(mut request: Request, next: Next) -> Response {
    use base64::Engine as _;
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&csp::policy(&nonce)) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_match_the_public_url_when_one_is_set() {
        let public = Some("https://keys.example.com");
        assert!(same_origin("https://keys.example.com", public, Some("anything")));
        assert!(!same_origin("https://evil.example", public, Some("keys.example.com")));
        assert!(!same_origin("http://keys.example.com", public, Some("keys.example.com")));
    }

    #[test]
    fn without_a_public_url_the_origin_must_name_the_host() {
        assert!(same_origin("http://127.0.0.1:3000", None, Some("127.0.0.1:3000")));
        assert!(!same_origin("http://127.0.0.1:3001", None, Some("127.0.0.1:3000")));
        assert!(!same_origin("http://evil.example", None, Some("127.0.0.1:3000")));
        assert!(!same_origin("null", None, Some("127.0.0.1:3000")));
        assert!(!same_origin("http://127.0.0.1:3000", None, None));
    }

    #[test]
    fn only_the_sign_in_page_and_assets_are_public() {
        for path in ["/login", "/rpc/sign_in", "/rpc/sign_in_status", "/pkg/keyhold.wasm", "/favicon.svg"] {
            assert!(is_public(path), "{path}");
        }
        for path in ["/", "/keys", "/accounts", "/activity", "/rpc/list_keys", "/rpc/sign_out", "/avatars/x", "/login/x", "/loginx"] {
            assert!(!is_public(path), "{path}");
        }
    }

    #[test]
    fn next_is_read_from_the_query() {
        assert_eq!(next_param(Some("next=%2Faccounts%3Fa%3D1")).as_deref(), Some("/accounts?a=1"));
        assert_eq!(next_param(Some("x=1")), None);
        assert_eq!(next_param(None), None);
    }
}
