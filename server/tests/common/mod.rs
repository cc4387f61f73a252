//! Drives the whole Keyhold router in-process (no socket): requests go through
//! `tower::ServiceExt::oneshot` exactly as axum would hand them over.
#![allow(dead_code)]

pub mod http;
pub mod serve;

use app::{
    domain::{
        actor::Actor,
        key::{Account, ApiKey},
        key_query::KeyPage,
        operator::Operator,
        vault::TokenVault,
    },
    error::AppError,
    settings::Settings,
    store::{AccountStore, KeyStore, OperatorStore},
};
use axum::{
    body::{Body, Bytes},
    http::{header, HeaderMap, Method, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use image::{DynamicImage, ImageFormat, RgbImage};
use keyhold::{db::PgStore, router, verify::VerifyTuning, AppState};
use leptos::prelude::LeptosOptions;
use serde::de::DeserializeOwned;
use sqlx::PgPool;
use std::{
    io::Cursor,
    sync::{Arc, LazyLock, Mutex},
};
use tower::ServiceExt;
use uuid::Uuid;

/// The operator every signed-in `TestApp` acts as.
pub const OPERATOR_EMAIL: &str = "operator@example.com";
pub const OPERATOR_PASSWORD: &str = "correct horse battery staple";

/// Argon2 is slow on purpose: hash the test password once per test binary.
static OPERATOR_HASH: LazyLock<String> = LazyLock::new(|| {
    use app::domain::{operator::NewPassword, password};
    password::hash(&NewPassword::parse(OPERATOR_PASSWORD).expect("the test password is long enough"))
});

/// The app under test plus a handle on its database. Unless made with
/// [`TestApp::anonymous`], its first request signs in as
/// [`OPERATOR_EMAIL`], and every request carries that session's cookie.
#[derive(Clone)]
pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
    pub store: PgStore,
    /// The router's state (its verifier's cache, for instance).
    pub state: AppState,
    /// Sign in before the first request.
    auto_sign_in: bool,
    /// The session cookie (`name=value`), once signed in.
    cookie: Arc<Mutex<Option<String>>>,
}

impl TestApp {
    /// An app with the default settings.
    pub fn new(pool: PgPool) -> Self {
        Self::with(pool, Settings::default(), VerifyTuning::default())
    }

    /// An app with these settings, its verification API tuned by `tuning`.
    /// Its background tasks are not started: see
    /// `AppState::start_background_tasks`.
    pub fn with(pool: PgPool, settings: Settings, tuning: VerifyTuning) -> Self {
        Self::with_options(pool, LeptosOptions::builder().output_name("keyhold").build(), settings, tuning)
    }

    /// An app with these Leptos options (where its site's files are, for
    /// instance), settings and tuning.
    pub fn with_options(pool: PgPool, options: LeptosOptions, settings: Settings, tuning: VerifyTuning) -> Self {
        let vault = TokenVault::from_base64(&TokenVault::generate_master_key()).expect("a generated master key is valid");
        let store = PgStore::new(pool.clone());
        let state = AppState::new(options, store.clone(), vault, settings).with_verify_tuning(tuning);
        let router = router(state.clone());
        Self { router, pool, store, state, auto_sign_in: true, cookie: Arc::default() }
    }

    /// An app whose requests carry no session until one signs in.
    pub fn anonymous(pool: PgPool) -> Self {
        Self { auto_sign_in: false, ..Self::new(pool) }
    }

    /// The same app (same database, same master key) with these settings.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        let options = self.state.leptos_options.clone();
        let vault = (*self.state.services.vault).clone();
        self.state = AppState::new(options, self.store.clone(), vault, settings).with_verify_tuning(self.state.verifier.tuning());
        self.router = router(self.state.clone());
        self
    }

    /// Sends `request` with the session cookie (signing in first if this
    /// app does that) and keeps any new session cookie it is given.
    pub async fn send(&self, mut request: Request<Body>) -> Reply {
        if self.auto_sign_in && self.session_cookie().is_none() {
            self.sign_in_as_operator().await;
        }
        if let Some(cookie) = self.session_cookie() {
            if !request.headers().contains_key(header::COOKIE) {
                request.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
            }
        }
        self.send_raw(request).await
    }

    /// Sends `request` exactly as given, keeping any session cookie set.
    pub async fn send_raw(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("the body can be read").to_bytes();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap_or_default();
            let is_session = |pair: &&str| pair.split_once('=').is_some_and(|(name, _)| name.ends_with(keyhold::auth::SESSION_COOKIE));
            let Some(pair) = set.split(';').next().filter(is_session) else { continue };
            let removed = set.contains("Max-Age=0") || pair.ends_with('=');
            *self.cookie.lock().unwrap() = (!removed).then(|| pair.to_owned());
        }
        Reply { status, headers, body }
    }

    /// The session cookie (`name=value`) this app sends, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.cookie.lock().unwrap().clone()
    }

    /// Forgets the session cookie (the browser was closed).
    pub fn forget_session(&self) {
        *self.cookie.lock().unwrap() = None;
    }

    /// Creates `email` with `password`'s hash unless it exists.
    pub async fn operator(&self, email: &str, password_hash: &str) -> Operator {
        let email = app::domain::operator::Email::parse(email).expect("a valid test email");
        match self.store.create_operator(&Actor::CommandLine, &email, password_hash).await {
            Ok(op) => op,
            Err(_) => {
                let id: Uuid = sqlx::query_scalar("SELECT id FROM operators WHERE email_key = $1")
                    .bind(email.key())
                    .fetch_one(&self.pool)
                    .await
                    .expect("the operator exists");
                Operator { id, email: email.as_str().to_owned() }
            }
        }
    }

    /// The hash of [`OPERATOR_PASSWORD`], computed once.
    pub fn operator_password_hash() -> String {
        OPERATOR_HASH.clone()
    }

    /// Signs in as the test operator (created if needed).
    pub async fn sign_in_as_operator(&self) -> Operator {
        let hash = tokio::task::spawn_blocking(Self::operator_password_hash).await.unwrap();
        let operator = self.operator(OPERATOR_EMAIL, &hash).await;
        let reply = self.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
        assert!(reply.status.is_success() || reply.status.is_redirection(), "signing in failed: {} {}", reply.status, reply.text());
        operator
    }

    /// `sign_in` as the page's form calls it, without any prior cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        let body = format!("email={}&password={}", urlencode(email), urlencode(password));
        let request = Request::builder()
            .method(Method::POST)
            .uri("/rpc/sign_in")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body))
            .unwrap();
        self.send_raw(request).await
    }

    /// A server function called the way the Leptos client calls it: a
    /// url-encoded POST to `/rpc/{endpoint}`.
    pub async fn rpc(&self, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        let body = form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/rpc/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// A multipart server function (`create_key`, `modify_key`).
    pub async fn rpc_multipart(&self, endpoint: &str, form: &Multipart) -> Reply {
        let (content_type, body) = form.encode();
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("/rpc/{endpoint}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::builder().uri(uri).body(Body::empty()).unwrap()).await
    }

    // --- the server functions, typed ---------------------------------------

    /// The first page of keys whose name contains `q`.
    pub async fn list_keys(&self, q: &str) -> Vec<ApiKey> {
        self.list_page(&[("q", q)]).await.keys
    }

    /// One page of keys, the server function's parameters as the URL has them.
    pub async fn list_page(&self, params: &[(&str, &str)]) -> KeyPage {
        self.rpc("list_keys", params).await.ok()
    }

    pub async fn list_accounts(&self) -> Vec<Account> {
        self.rpc("list_accounts", &[]).await.ok()
    }

    pub async fn create_key(&self, form: &Multipart) -> Reply {
        self.rpc_multipart("create_key", form).await
    }

    pub async fn modify_key(&self, form: &Multipart) -> Reply {
        self.rpc_multipart("modify_key", form).await
    }

    pub async fn block_key(&self, id: Uuid) -> Reply {
        self.rpc("block_key", &[("id", &id.to_string())]).await
    }

    pub async fn unblock_key(&self, id: Uuid) -> Reply {
        self.rpc("unblock_key", &[("id", &id.to_string())]).await
    }

    pub async fn delete_key(&self, id: Uuid) -> Reply {
        self.rpc("delete_key", &[("id", &id.to_string())]).await
    }

    pub async fn key_token(&self, id: Uuid) -> Reply {
        self.rpc("key_token", &[("id", &id.to_string())]).await
    }

    /// `POST /api/v1/keys/verify` with `{"key": token}`.
    pub async fn verify(&self, token: &str) -> Reply {
        self.post_verify(serde_json::json!({ "key": token }).to_string(), None).await
    }

    /// `POST /api/v1/keys/verify` with this body and, if given, this
    /// `Authorization` header.
    pub async fn post_verify(&self, body: impl Into<Body>, authorization: Option<&str>) -> Reply {
        let mut request =
            Request::builder().method(Method::POST).uri("/api/v1/keys/verify").header(header::CONTENT_TYPE, "application/json");
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        self.send(request.body(body.into()).unwrap()).await
    }

    // --- fixtures -----------------------------------------------------------

    /// The account every fresh database has (created by the migration).
    pub async fn default_account(&self) -> Account {
        let accounts = self.store.list_accounts().await.expect("accounts can be listed");
        accounts.into_iter().find(|a| a.name == "Default").expect("the migration creates a Default account")
    }

    /// The audit log's actions, oldest first, with the operator's email and the key's name.
    pub async fn audit(&self) -> Vec<(String, Option<String>, Option<String>)> {
        sqlx::query_as("SELECT action, operator_email, key_name FROM audit_log ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .expect("the audit log can be read")
    }

    pub async fn account(&self, name: &str) -> Account {
        keyhold::cli::create_account(&self.store, name).await.expect("the account can be created")
    }

    /// Creates a valid key named `name` for the Default account.
    pub async fn key(&self, name: &str) -> ApiKey {
        let account = self.default_account().await;
        self.create_key(&Multipart::key(name, "https://hooks.example.com/keyhold", &[account.id])).await.ok()
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.expect("the count query runs")
    }

    pub async fn key_count(&self) -> i64 {
        self.count("SELECT count(*) FROM api_keys").await
    }

    /// The key as stored, read straight from the database.
    pub async fn stored(&self, id: Uuid) -> Option<ApiKey> {
        match self.store.key(id).await {
            Ok(key) => Some(key),
            Err(AppError::NotFound(_)) => None,
            Err(err) => panic!("the key cannot be read: {err}"),
        }
    }
}

/// A response, read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, whatever the status.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("cannot decode {} {}: {e}", self.status, self.text()))
    }

    /// The successful value; panics with the status and body otherwise.
    #[track_caller]
    pub fn ok<T: DeserializeOwned>(&self) -> T {
        assert_eq!(self.status, StatusCode::OK, "expected success, got {} {}", self.status, self.text());
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("cannot decode {}: {e}", self.text()))
    }

    /// The error the server function returned, checking the status matches it.
    #[track_caller]
    pub fn err(&self) -> AppError {
        assert!(self.status.is_client_error() || self.status.is_server_error(), "expected an error, got {} {}", self.status, self.text());
        let err: AppError = serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("cannot decode the error {}: {e}", self.text()));
        assert_eq!(self.status.as_u16(), err.status(), "the status must tell the truth about {err:?}");
        err
    }

    /// The field messages of an `Invalid` error, as `(field, message)`.
    #[track_caller]
    pub fn invalid_fields(&self) -> Vec<(String, String)> {
        assert_eq!(self.status, StatusCode::UNPROCESSABLE_ENTITY, "expected 422, got {} {}", self.status, self.text());
        match self.err() {
            AppError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    /// The message of a `NotFound` error.
    #[track_caller]
    pub fn not_found(&self) -> String {
        assert_eq!(self.status, StatusCode::NOT_FOUND, "expected 404, got {} {}", self.status, self.text());
        match self.err() {
            AppError::NotFound(message) => message,
            other => panic!("expected NotFound, got {other:?}"),
        }
    }

    /// The message of a `Conflict` error.
    #[track_caller]
    pub fn conflict(&self) -> String {
        assert_eq!(self.status, StatusCode::CONFLICT, "expected 409, got {} {}", self.status, self.text());
        match self.err() {
            AppError::Conflict(message) => message,
            other => panic!("expected Conflict, got {other:?}"),
        }
    }
}

/// A `multipart/form-data` body, built by hand.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file: Option<(String, String)>,
    bytes: Vec<u8>,
}

pub const BOUNDARY: &str = "----keyhold-test-boundary-7MA4YWxkTrZu0gW";

impl Multipart {
    pub fn new() -> Self {
        Self::default()
    }

    /// The fields of the key dialogs.
    pub fn key(name: &str, webhook_url: &str, accounts: &[Uuid]) -> Self {
        let mut form = Self::new().text("name", name).text("webhook_url", webhook_url);
        for account in accounts {
            form = form.text("accounts", &account.to_string());
        }
        form
    }

    /// The fields of the modify dialog.
    pub fn modify(key: &ApiKey, name: &str, webhook_url: &str, accounts: &[Uuid]) -> Self {
        Self::new().text("id", &key.id.to_string()).text("version", &key.version.to_string()).merge(Self::key(name, webhook_url, accounts))
    }

    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.parts.push(Part { name: name.into(), file: None, bytes: value.as_bytes().to_vec() });
        self
    }

    pub fn file(mut self, name: &str, filename: &str, content_type: &str, bytes: Vec<u8>) -> Self {
        self.parts.push(Part { name: name.into(), file: Some((filename.into(), content_type.into())), bytes });
        self
    }

    pub fn avatar(self, filename: &str, content_type: &str, bytes: Vec<u8>) -> Self {
        self.file("avatar", filename, content_type, bytes)
    }

    fn merge(mut self, other: Self) -> Self {
        self.parts.extend(other.parts);
        self
    }

    /// `(content type, body)`.
    pub fn encode(&self) -> (String, Vec<u8>) {
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            match &part.file {
                None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", part.name).as_bytes()),
                Some((filename, content_type)) => body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n",
                        part.name
                    )
                    .as_bytes(),
                ),
            }
            body.extend_from_slice(&part.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={BOUNDARY}"), body)
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An image of `w`×`h` pixels encoded as `format`, with a gradient so the
/// encoder cannot shrink it to nothing.
pub fn image(format: ImageFormat, w: u32, h: u32) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, (x ^ y) as u8])));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).expect("the test image can be encoded");
    out
}

/// True when `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

// --- the Accounts page's server functions ----------------------------------

impl TestApp {
    pub async fn list_account_usage(&self) -> Vec<app::domain::account::AccountUsage> {
        self.rpc("list_account_usage", &[]).await.ok()
    }

    pub async fn create_account(&self, name: &str) -> Reply {
        self.rpc("create_account", &[("name", name)]).await
    }

    pub async fn rename_account(&self, id: Uuid, name: &str) -> Reply {
        self.rpc("rename_account", &[("id", &id.to_string()), ("name", name)]).await
    }

    pub async fn delete_account(&self, id: Uuid) -> Reply {
        self.rpc("delete_account", &[("id", &id.to_string())]).await
    }
}
