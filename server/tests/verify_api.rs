//! The verification API (`POST /api/v1/keys/verify`), health checks and the
//! OpenAPI document, driven through the whole router against a fresh
//! PostgreSQL database per test (`#[sqlx::test]`). The cache tests start the
//! background tasks (listener, last-use writer) and real servers on loopback.
//!
//! Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo test -p keyhold`.

mod common;

use app::domain::vault::TokenVault;
use app::{
    domain::{key::ApiKey, token::Token},
    settings::Settings,
};
use axum::http::{header, StatusCode};
use common::{
    http::{HttpClient, Server},
    Reply, TestApp,
};
use keyhold::verify::{
    cache::{TokenHash, VerifyCache},
    VerifyTuning,
};
use serde_json::{json, Value};
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::{
    num::NonZeroU32,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// A rate limit no test reaches by polling.
fn generous() -> Settings {
    Settings { verify_rate_limit: NonZeroU32::new(100_000).unwrap(), ..Settings::default() }
}

/// An app with a generous rate limit whose verification API is tuned by `tuning`.
fn tuned(pool: PgPool, tuning: VerifyTuning) -> TestApp {
    TestApp::with(pool, generous(), tuning)
}

/// An app with a generous rate limit.
fn generous_app(pool: PgPool) -> TestApp {
    tuned(pool, VerifyTuning::default())
}

/// A key named `name` for the Default account, and its token.
async fn key_and_token(app: &TestApp, name: &str) -> (ApiKey, String) {
    let key = app.key(name).await;
    let token: String = app.key_token(key.id).await.ok();
    (key, token)
}

#[track_caller]
fn assert_code(reply: &Reply, code: &str) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["valid"], code == "VALID", "{body}");
    body
}

/// Waits until the app's verification cache listener is connected.
async fn until_live(app: &TestApp) {
    let start = Instant::now();
    while !app.state.verifier.cache.is_live() {
        assert!(start.elapsed() < Duration::from_secs(10), "the cache listener did not connect");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The cache's key for `token`.
fn hash_of(token: &str) -> TokenHash {
    TokenVault::hash(&Token::parse(token).expect("a well-formed token")).try_into().expect("a SHA-256 hash")
}

/// Makes `cache` hold `token`'s answer: first waits until the cache has
/// applied the notification of the key `created`'s creation (when given;
/// arriving later, it would drop the answer again), then verifies through
/// `verify` and checks the answer is now served from the cache.
async fn until_cached<F, Fut>(cache: &VerifyCache, created: Option<Uuid>, token: &str, mut verify: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Reply>,
{
    if let Some(id) = created {
        let start = Instant::now();
        while !cache.has_invalidated(id) {
            assert!(start.elapsed() < Duration::from_secs(10), "the key's creation was not notified within 10 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    assert_code(&verify().await, "VALID");
    assert!(cache.holds(&hash_of(token)).await, "the answer was not cached");
}

/// Verifies through `verify` every 10 ms until the code is `code` (at most 10 s).
async fn until_code<F, Fut>(code: &str, mut verify: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Reply>,
{
    let start = Instant::now();
    loop {
        let reply = verify().await;
        if reply.status == StatusCode::OK && reply.json()["code"] == code {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "still {} after 10 s", reply.text());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// --- the codes ----------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_valid_key_verifies_with_its_id_name_and_accounts(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;
    let default = app.default_account().await;

    let body = assert_code(&app.verify(&token).await, "VALID");

    assert_eq!(
        body,
        json!({
            "valid": true,
            "code": "VALID",
            "keyId": key.id,
            "name": "Payments",
            "accounts": [{"id": default.id, "name": "Default"}],
            "expiresAt": null,
        })
    );
}

#[sqlx::test(migrations = "./migrations")]
async fn a_blocked_key_fails_verification(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;
    let _: ApiKey = app.block_key(key.id).await.ok();

    let body = assert_code(&app.verify(&token).await, "BLOCKED");

    assert_eq!(body["keyId"], json!(key.id));
    assert_eq!(body["name"], "Payments");
}

#[sqlx::test(migrations = "./migrations")]
async fn an_expired_key_fails_verification_and_says_when_it_expired(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;
    sqlx::query("UPDATE api_keys SET expires_at = '2020-01-02T03:04:05Z' WHERE id = $1").bind(key.id).execute(&app.pool).await.unwrap();

    let body = assert_code(&app.verify(&token).await, "EXPIRED");

    let expires_at: chrono::DateTime<chrono::Utc> = serde_json::from_value(body["expiresAt"].clone()).unwrap();
    assert_eq!(expires_at, "2020-01-02T03:04:05Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap());
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_that_expires_later_is_valid_until_then(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;
    sqlx::query("UPDATE api_keys SET expires_at = now() + interval '1 day' WHERE id = $1").bind(key.id).execute(&app.pool).await.unwrap();

    let body = assert_code(&app.verify(&token).await, "VALID");

    assert!(body["expiresAt"].is_string(), "{body}");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_well_formed_token_of_no_key_is_not_found_and_names_no_key(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("Payments").await;
    let stranger = Token::generate();

    let body = assert_code(&app.verify(stranger.expose()).await, "NOT_FOUND");

    assert_eq!(body, json!({"valid": false, "code": "NOT_FOUND"}));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_deleted_keys_token_is_not_found(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;
    app.delete_key(key.id).await.ok::<()>();

    assert_code(&app.verify(&token).await, "NOT_FOUND");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_token_with_a_wrong_checksum_is_malformed_without_asking_the_database(pool: PgPool) {
    let app = TestApp::new(pool);
    let (_, token) = key_and_token(&app, "Payments").await;
    let mut tampered: Vec<char> = token.chars().collect();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    // With the database gone, any look-up would be a 500.
    app.pool.close().await;

    for presented in [tampered.as_str(), "kh_short", "", "not a token at all"] {
        let body = assert_code(&app.verify(presented).await, "MALFORMED");
        assert_eq!(body, json!({"valid": false, "code": "MALFORMED"}));
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_that_grants_no_account_is_not_valid(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;
    sqlx::query("DELETE FROM api_key_accounts WHERE key_id = $1").bind(key.id).execute(&app.pool).await.unwrap();

    let body = assert_code(&app.verify(&token).await, "NO_ACCOUNT");

    assert_eq!(body["accounts"], json!([]));
}

// --- the request --------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn the_token_may_be_sent_as_a_bearer_header_with_no_body(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) = key_and_token(&app, "Payments").await;

    let reply = app.post_verify("", Some(&format!("Bearer {token}"))).await;

    let body = assert_code(&reply, "VALID");
    assert_eq!(body["keyId"], json!(key.id));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_body_that_is_not_the_expected_json_is_a_400_that_says_how_to_send_the_token(pool: PgPool) {
    let app = TestApp::new(pool);

    for body in ["{\"key\": ", "kh_plain_text", "{\"key\": 42}", "[\"kh_in_an_array\"]", "{\"token\": \"kh_x\"}"] {
        let reply = app.post_verify(body, None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {}", reply.text());
        assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
        let message = reply.json()["error"].as_str().expect("an error message").to_owned();
        assert!(message.contains("{\"key\": \"kh_...\"}"), "{message}");
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn a_request_with_no_token_at_all_is_a_400(pool: PgPool) {
    let app = TestApp::new(pool);

    let reply = app.post_verify("", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.json()["error"].as_str().unwrap().contains("No token was sent"));

    let reply = app.post_verify("", Some("Basic dXNlcjpwYXNz")).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.json()["error"].as_str().unwrap().contains("Bearer"));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_huge_body_is_refused_before_it_is_parsed(pool: PgPool) {
    let app = TestApp::new(pool);

    let reply = app.post_verify(format!("{{\"key\": \"{}\"}}", "a".repeat(64 * 1024)), None).await;

    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[sqlx::test(migrations = "./migrations")]
async fn more_verifications_than_the_rate_limit_allows_get_429_with_retry_after(pool: PgPool) {
    let settings = Settings { verify_rate_limit: NonZeroU32::new(3).unwrap(), ..Settings::default() };
    let app = TestApp::with(pool, settings, VerifyTuning::default());
    let token = Token::generate();

    for _ in 0..3 {
        assert_code(&app.verify(token.expose()).await, "NOT_FOUND");
    }
    let reply = app.verify(token.expose()).await;

    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.text());
    let retry_after: u64 = reply.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert_eq!(retry_after, 1, "at 3 a second, the next slot is less than a second away");
    assert!(reply.json()["error"].as_str().unwrap().contains("Too many requests"));
    // Other routes are not limited.
    assert_eq!(app.get("/api/v1/health/live").await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_rate_limit_counts_each_client_address_separately(pool: PgPool) {
    let settings = Settings { verify_rate_limit: NonZeroU32::new(2).unwrap(), ..Settings::default() };
    let app = TestApp::with(pool, settings, VerifyTuning::default());
    let server = Server::start(app.router.clone()).await;
    let client = HttpClient::default();
    let token = Token::generate();

    for _ in 0..2 {
        assert_code(&client.verify(&server, token.expose()).await, "NOT_FOUND");
    }
    assert_eq!(client.verify(&server, token.expose()).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The in-process requests (no client address) have their own budget.
    assert_code(&app.verify(token.expose()).await, "NOT_FOUND");
}

// --- health and documentation -------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn health_is_ok_when_the_database_answers(pool: PgPool) {
    let app = TestApp::new(pool);

    let reply = app.get("/api/v1/health").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"status": "ok", "database": "ok"}));
}

#[sqlx::test(migrations = "./migrations")]
async fn health_is_503_when_the_database_is_unreachable_but_liveness_is_still_ok(pool: PgPool) {
    // Health is public: no operator signs in first.
    let app = TestApp::anonymous(pool);
    app.pool.close().await;

    let reply = app.get("/api/v1/health").await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json(), json!({"status": "unavailable", "database": "unreachable"}));

    let reply = app.get("/api/v1/health/live").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"status": "ok"}));
}

#[sqlx::test(migrations = "./migrations")]
async fn the_openapi_document_describes_verification_and_health(pool: PgPool) {
    let app = TestApp::new(pool);

    let reply = app.get("/api/v1/openapi.json").await;

    assert_eq!(reply.status, StatusCode::OK);
    let doc = reply.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let verify = &doc["paths"]["/api/v1/keys/verify"]["post"];
    assert!(verify.is_object(), "{doc}");
    for status in ["200", "400", "429"] {
        assert!(verify["responses"][status].is_object(), "no {status} in {verify}");
    }
    assert!(doc["paths"]["/api/v1/health"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/health/live"]["get"].is_object());
    let codes = &doc["components"]["schemas"]["Code"]["enum"];
    for code in ["VALID", "BLOCKED", "EXPIRED", "NO_ACCOUNT", "NOT_FOUND", "MALFORMED"] {
        assert!(codes.as_array().unwrap().contains(&json!(code)), "{code} missing from {codes}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

// --- last use -----------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_valid_verification_records_when_the_key_was_last_used(pool: PgPool) {
    let app = tuned(pool, VerifyTuning { last_used_interval: Duration::from_millis(50), ..VerifyTuning::default() });
    let _tasks = app.state.start_background_tasks();
    let (key, token) = key_and_token(&app, "Payments").await;
    let (blocked, blocked_token) = key_and_token(&app, "Blocked").await;
    let _: ApiKey = app.block_key(blocked.id).await.ok();
    let before = chrono::Utc::now();

    assert_code(&app.verify(&token).await, "VALID");
    assert_code(&app.verify(&blocked_token).await, "BLOCKED");

    let last_used = |id| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>("SELECT last_used_at FROM api_keys WHERE id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let start = Instant::now();
    let recorded = loop {
        if let Some(at) = last_used(key.id).await {
            break at;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "last_used_at was not written within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(recorded >= before - chrono::Duration::seconds(1), "{recorded} is before {before}");
    // Later uses, sent after the blocked key's verification, until one is
    // written: by then the blocked key's use would have been, had it been queued.
    let start = Instant::now();
    loop {
        assert_code(&app.verify(&token).await, "VALID");
        if last_used(key.id).await.is_some_and(|at| at > recorded) {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "a later use was not written within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(last_used(blocked.id).await, None);
}

#[sqlx::test(migrations = "./migrations")]
async fn shutting_down_writes_the_last_uses_still_pending(pool: PgPool) {
    let app = tuned(pool, VerifyTuning { last_used_interval: Duration::from_secs(3600), ..VerifyTuning::default() });
    let tasks = app.state.start_background_tasks();
    let (key, token) = key_and_token(&app, "Payments").await;
    // The writer's first write is an hour after it started.
    assert_code(&app.verify(&token).await, "VALID");
    assert_eq!(app.count_where_used(key.id).await, 0, "not written before the hour is up");

    tasks.shutdown().await;

    assert_eq!(app.count_where_used(key.id).await, 1);
}

// --- the cache ----------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_cached_verification_turns_blocked_once_the_key_is_blocked(pool: PgPool) {
    let app = generous_app(pool);
    let _tasks = app.state.start_background_tasks();
    until_live(&app).await;
    let (key, token) = key_and_token(&app, "Payments").await;
    until_cached(&app.state.verifier.cache, Some(key.id), &token, || app.verify(&token)).await;

    let _: ApiKey = app.block_key(key.id).await.ok();

    until_code("BLOCKED", || app.verify(&token)).await;
}

#[sqlx::test(migrations = "./migrations")]
async fn cached_verifications_follow_renamed_accounts_and_deleted_keys(pool: PgPool) {
    let app = generous_app(pool);
    let _tasks = app.state.start_background_tasks();
    until_live(&app).await;
    let (key, token) = key_and_token(&app, "Payments").await;
    until_cached(&app.state.verifier.cache, Some(key.id), &token, || app.verify(&token)).await;

    sqlx::query("UPDATE accounts SET name = 'Renamed'").execute(&app.pool).await.unwrap();
    let start = Instant::now();
    while app.verify(&token).await.json()["accounts"][0]["name"] != "Renamed" {
        assert!(start.elapsed() < Duration::from_secs(10), "the rename did not reach the cache within 10 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    app.delete_key(key.id).await.ok::<()>();
    until_code("NOT_FOUND", || app.verify(&token)).await;
}

#[sqlx::test(migrations = "./migrations")]
async fn deleting_the_only_account_of_a_cached_key_leaves_it_granting_nothing(pool: PgPool) {
    let app = generous_app(pool);
    let _tasks = app.state.start_background_tasks();
    until_live(&app).await;
    let (key, token) = key_and_token(&app, "Payments").await;
    until_cached(&app.state.verifier.cache, Some(key.id), &token, || app.verify(&token)).await;

    sqlx::query("DELETE FROM accounts WHERE name = 'Default'").execute(&app.pool).await.unwrap();

    until_code("NO_ACCOUNT", || app.verify(&token)).await;
}

#[sqlx::test(migrations = "./migrations")]
async fn a_listener_that_loses_its_connection_empties_the_cache_and_keeps_it_honest_after_reconnecting(pool: PgPool) {
    let app = generous_app(pool);
    let _tasks = app.state.start_background_tasks();
    until_live(&app).await;
    let (key, token) = key_and_token(&app, "Payments").await;
    until_cached(&app.state.verifier.cache, Some(key.id), &token, || app.verify(&token)).await;

    let killed: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(killed, 1, "the listener's connection is found");
    let start = Instant::now();
    while app.state.verifier.cache.holds(&hash_of(&token)).await {
        assert!(start.elapsed() < Duration::from_secs(10), "the cache was not emptied");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    until_live(&app).await;
    // Nothing of the key is left to be notified: it was created before the reconnect.
    until_cached(&app.state.verifier.cache, None, &token, || app.verify(&token)).await;

    let _: ApiKey = app.block_key(key.id).await.ok();

    until_code("BLOCKED", || app.verify(&token)).await;
}

#[sqlx::test(migrations = "./migrations")]
async fn a_token_that_becomes_a_keys_after_being_looked_up_verifies(pool: PgPool) {
    let app = generous_app(pool);
    let _tasks = app.state.start_background_tasks();
    until_live(&app).await;
    let (key, token) = key_and_token(&app, "Payments").await;
    // Make the token unknown, and remember it as unknown.
    sqlx::query("UPDATE api_keys SET token_hash = '\\x00' WHERE id = $1").bind(key.id).execute(&app.pool).await.unwrap();
    until_code("NOT_FOUND", || app.verify(&token)).await;
    assert_code(&app.verify(&token).await, "NOT_FOUND");
    assert!(app.state.verifier.cache.holds(&hash_of(&token)).await, "remembered as unknown");

    sqlx::query("UPDATE api_keys SET token_hash = sha256($2::text::bytea) WHERE id = $1")
        .bind(key.id)
        .bind(&token)
        .execute(&app.pool)
        .await
        .unwrap();

    until_code("VALID", || app.verify(&token)).await;
}

#[sqlx::test(migrations = "./migrations")]
async fn recording_last_use_keeps_the_cache(pool: PgPool) {
    let app = tuned(pool, VerifyTuning { last_used_interval: Duration::from_millis(20), ..VerifyTuning::default() });
    let _tasks = app.state.start_background_tasks();
    until_live(&app).await;
    let (key, token) = key_and_token(&app, "Payments").await;
    until_cached(&app.state.verifier.cache, Some(key.id), &token, || app.verify(&token)).await;

    let start = Instant::now();
    while app.count_where_used(key.id).await == 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "last_used_at was not written");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Notifications arrive in commit order: once a marker sent after the
    // write is applied, any notification of the write was applied too.
    let marker = Uuid::new_v4();
    sqlx::query("SELECT pg_notify('keyhold_keys', $1)").bind(marker.to_string()).execute(&app.pool).await.unwrap();
    let start = Instant::now();
    while !app.state.verifier.cache.has_invalidated(marker) {
        assert!(start.elapsed() < Duration::from_secs(10), "the marker notification did not arrive");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    assert!(app.state.verifier.cache.holds(&hash_of(&token)).await, "writing last_used_at must not invalidate the cache");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_blocked_through_one_server_fails_verification_on_another(pool: PgPool) {
    // Two servers, each with its own pool, cache and listener, one database.
    let a = generous_app(pool.clone());
    let pool_b = PgPoolOptions::new()
        .max_connections(5)
        .connect_with((*pool.connect_options()).clone())
        .await
        .expect("a second pool on the test database");
    let b = generous_app(pool_b.clone());
    let tasks = (a.state.start_background_tasks(), b.state.start_background_tasks());
    until_live(&a).await;
    until_live(&b).await;
    let (server_a, server_b) = (Server::start(a.router.clone()).await, Server::start(b.router.clone()).await);
    let client = HttpClient::default();
    let (key, token) = key_and_token(&a, "Payments").await;
    until_cached(&b.state.verifier.cache, Some(key.id), &token, || client.verify(&server_b, &token)).await;

    let cookie = a.session_cookie().expect("creating the key signed in");
    let blocked = client.rpc(&server_a, &cookie, "block_key", &format!("id={}", key.id)).await;
    assert_eq!(blocked.status, StatusCode::OK, "{}", blocked.text());

    until_code("BLOCKED", || client.verify(&server_b, &token)).await;
    drop((server_a, server_b, tasks));
    pool_b.close().await;
}

impl TestApp {
    async fn count_where_used(&self, id: uuid::Uuid) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM api_keys WHERE id = $1 AND last_used_at IS NOT NULL")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}
