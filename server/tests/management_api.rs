//! The management API (`/api/v1/...` with `Authorization: Bearer khm_...`)
//! and its management tokens, against a fresh PostgreSQL database per test.

mod common;

use app::{
    domain::management_token::{Access, ManagementToken, TokenInput},
    settings::Settings,
    store::ManagementTokenStore,
};
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use common::{image, Reply, TestApp};
use keyhold::cli::{create_token, describe, revoke_token};
use serde_json::{json, Value};
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::{
    num::NonZeroU32,
    time::{Duration, Instant},
};
use uuid::Uuid;

/// A rate limit no test reaches unless it means to.
fn generous() -> Settings {
    Settings { management_rate_limit: NonZeroU32::new(100_000).unwrap(), ..Settings::default() }
}

fn app(pool: PgPool) -> TestApp {
    TestApp::with(pool, generous(), Default::default())
}

/// A management token with this access, as `keyhold token create` makes it.
async fn token(app: &TestApp, name: &str, access: Access) -> String {
    create_token(&app.store, &input(name, access, "")).await.unwrap().1.expose().to_owned()
}

/// One management API request with `token` (if any) and a JSON body (if any).
async fn call(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    app.send_raw(request.body(body).unwrap()).await
}

/// A request with raw bytes and extra headers.
async fn call_raw(app: &TestApp, method: Method, path: &str, token: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Reply {
    let mut request = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send_raw(request.body(Body::from(body)).unwrap()).await
}

/// The problem document of an error answer, checking its status and media type.
#[track_caller]
fn problem(reply: &Reply, status: u16) -> Value {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text());
    assert_eq!(reply.headers[header::CONTENT_TYPE], "application/problem+json", "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["status"], status, "{body}");
    assert!(body["type"].as_str().is_some_and(|t| t.starts_with("urn:keyhold:problem:")), "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}

/// `(field, message)` of a validation problem.
#[track_caller]
fn field_errors(reply: &Reply, status: u16) -> Vec<(String, String)> {
    let body = problem(reply, status);
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned()))
        .collect()
}

async fn new_key(app: &TestApp, token: &str, name: &str) -> Value {
    let account = app.default_account().await;
    let body = json!({ "name": name, "webhookUrl": "https://hooks.example.com/keyhold", "accounts": [account.id] });
    let reply = call(app, Method::POST, "/api/v1/keys", Some(token), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()
}

#[track_caller]
fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

fn input(name: &str, access: Access, expires: &str) -> TokenInput {
    TokenInput { name: name.into(), access: access.as_str().into(), expires: expires.into() }
}

#[sqlx::test(migrations = "./migrations")]
async fn tokens_are_stored_as_hashes_and_listed_without_secrets(pool: PgPool) {
    let app = TestApp::new(pool);
    let (created, token) = create_token(&app.store, &input("Billing backend", Access::ReadWrite, "")).await.unwrap();
    assert!(ManagementToken::parse(token.expose()).is_ok());
    assert_eq!(
        (created.name.as_str(), created.access, created.created_by.as_str()),
        ("Billing backend", Access::ReadWrite, "command line")
    );

    let (hash, dump): (Vec<u8>, String) =
        sqlx::query_as("SELECT token_hash, row_to_json(t)::text FROM management_tokens t").fetch_one(&app.pool).await.unwrap();
    assert_eq!(hash, token.hash(), "only the SHA-256 is stored");
    assert!(!dump.contains(token.expose()) && !dump.contains(&token.expose()[4..]), "the secret is not in the row: {dump}");
    let audit: Vec<(String, String)> =
        sqlx::query_as("SELECT action, details::text FROM audit_log ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert!(audit.iter().all(|(_, details)| !details.contains(&token.expose()[4..])), "{audit:?}");

    let listed = app.store.list_management_tokens().await.unwrap();
    assert_eq!(listed, vec![created.clone()]);
    let found = app.store.management_token_by_hash(&token.hash()).await.unwrap().expect("found by its hash");
    assert_eq!((found.id, found.revoked, found.last_used_at), (created.id, false, None));
    app.store.record_management_token_use(created.id).await.unwrap();
    let first_use = app.store.management_token_by_hash(&token.hash()).await.unwrap().unwrap().last_used_at.expect("use recorded");
    // Within ten seconds a second use is not written again.
    app.store.record_management_token_use(created.id).await.unwrap();
    assert_eq!(app.store.management_token_by_hash(&token.hash()).await.unwrap().unwrap().last_used_at, Some(first_use));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_token_name_is_unique_among_unrevoked_tokens_ignoring_case(pool: PgPool) {
    let app = TestApp::new(pool);
    create_token(&app.store, &input("Billing backend", Access::ReadOnly, "")).await.unwrap();
    let err = create_token(&app.store, &input("BILLING backend", Access::ReadWrite, "")).await.unwrap_err();
    assert_eq!(describe(&err), "--name: A management token named “BILLING backend” already exists.");
    // Once revoked, the name is free again.
    revoke_token(&app.store, "billing BACKEND").await.unwrap();
    create_token(&app.store, &input("Billing backend", Access::ReadWrite, "")).await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM management_tokens").await, 2);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_new_token_is_validated_and_every_problem_is_named_by_its_option(pool: PgPool) {
    let app = TestApp::new(pool);
    let err = create_token(&app.store, &input(" ", Access::ReadOnly, "2001-01-01")).await.unwrap_err();
    assert_eq!(describe(&err), "--name: Enter a name.; --expires: Choose a date after today.");
    let err = create_token(&app.store, &input(&"n".repeat(101), Access::ReadOnly, "")).await.unwrap_err();
    assert!(describe(&err).starts_with("--name: Use at most 100 characters"), "{err:?}");
    assert_eq!(app.count("SELECT count(*) FROM management_tokens").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_and_revoking_a_token_are_audited_and_a_revoked_token_is_marked(pool: PgPool) {
    let app = TestApp::new(pool);
    let (created, token) = create_token(&app.store, &input("Offboarding", Access::ReadWrite, "2030-01-01")).await.unwrap();
    assert_eq!(created.expires_at.map(|at| at.to_rfc3339()).as_deref(), Some("2030-01-01T00:00:00+00:00"));
    let revoked = revoke_token(&app.store, "Offboarding").await.unwrap();
    assert_eq!(revoked.id, created.id);
    assert!(app.store.list_management_tokens().await.unwrap().is_empty());
    assert!(app.store.management_token_by_hash(&token.hash()).await.unwrap().unwrap().revoked);
    // Revoking again, or a name nobody has, says so.
    let err = revoke_token(&app.store, "Offboarding").await.unwrap_err();
    assert!(describe(&err).contains("No management token is named “Offboarding”"), "{err:?}");

    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT action, actor_kind, details->>'token' FROM audit_log ORDER BY id").fetch_all(&app.pool).await.unwrap();
    assert_eq!(
        rows,
        [
            ("management_token.created".into(), "command_line".into(), Some("Offboarding".into())),
            ("management_token.revoked".into(), "command_line".into(), Some("Offboarding".into())),
        ]
    );
    // The Activity page names the token.
    let activity = app_activity(&app).await;
    assert_eq!(activity.first().and_then(|e| e.token_name.as_deref()), Some("Offboarding"));
}

async fn app_activity(app: &TestApp) -> Vec<app::domain::activity::ActivityEntry> {
    use app::store::AuditStore;
    app.store.activity(None, None, 10).await.unwrap()
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_created_through_the_api_is_audited_sent_and_verifies(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Billing backend", Access::ReadWrite).await;
    let account = app.default_account().await;
    let body =
        json!({ "name": "Signup 42", "webhookUrl": "https://hooks.example.com/a", "accounts": [account.id], "expiresAt": "2030-01-31" });
    let reply = call(&app, Method::POST, "/api/v1/keys", Some(&rw), Some(body)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
    let created = reply.json();
    let key = &created["key"];
    assert_eq!(key["name"], "Signup 42");
    assert_eq!(key["webhookUrl"], "https://hooks.example.com/a");
    assert_eq!(key["accounts"], json!([{ "id": account.id, "name": "Default" }]));
    assert_eq!((key["status"].as_str(), key["hasAvatar"].as_bool(), key["version"].as_i64()), (Some("active"), Some(false), Some(1)));
    assert_eq!(key["expiresAt"], "2030-01-31T00:00:00Z");
    assert_eq!(reply.headers[header::ETAG], "\"1\"");

    let token = created["token"].as_str().unwrap();
    let verified = app.verify(token).await.json();
    assert_eq!((verified["code"].as_str(), verified["keyId"].as_str()), (Some("VALID"), key["id"].as_str()));
    let audit: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT action, actor_kind, operator_email FROM audit_log WHERE key_id IS NOT NULL")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(audit, [("key.created".into(), "management_token".into(), Some("token Billing backend".into()))]);
    assert_eq!(app.count("SELECT count(*) FROM webhook_deliveries WHERE event_type = 'key.created'").await, 1);

    let got = ok(&call(&app, Method::GET, &format!("/api/v1/keys/{}", key["id"].as_str().unwrap()), Some(&rw), None).await);
    assert_eq!(&got, key);
}

#[sqlx::test(migrations = "./migrations")]
async fn every_token_that_does_not_authenticate_is_refused_with_401(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Billing backend", Access::ReadWrite).await;
    let revoked = token(&app, "Old backend", Access::ReadWrite).await;
    revoke_token(&app.store, "Old backend").await.unwrap();
    let expired = token(&app, "Short lived", Access::ReadWrite).await;
    sqlx::query("UPDATE management_tokens SET expires_at = now() - interval '1 second' WHERE name = 'Short lived'")
        .execute(&app.pool)
        .await
        .unwrap();
    let unknown = ManagementToken::generate();
    let key = new_key(&app, &rw, "Payments").await;
    let api_key = key["token"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/keys/{}", key["key"]["id"].as_str().unwrap());

    let mut bad: Vec<(String, Option<String>)> = vec![
        ("missing".into(), None),
        ("malformed".into(), Some("Bearer khm_nope".into())),
        ("unknown".into(), Some(format!("Bearer {}", unknown.expose()))),
        ("revoked".into(), Some(format!("Bearer {revoked}"))),
        ("expired".into(), Some(format!("Bearer {expired}"))),
        ("an API key".into(), Some(format!("Bearer {api_key}"))),
        ("basic".into(), Some(format!("Basic {rw}"))),
    ];
    for (what, authorization) in bad.drain(..) {
        let mut request = Request::builder().uri(&path);
        if let Some(value) = &authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let reply = app.send_raw(request.body(Body::empty()).unwrap()).await;
        let body = problem(&reply, 401);
        assert!(reply.headers.contains_key(header::WWW_AUTHENTICATE), "{what}");
        assert!(!reply.text().contains(&rw[4..]) && !reply.text().contains(&api_key[3..]), "{what}: the token is not echoed: {body}");
    }
    ok(&call(&app, Method::GET, &path, Some(&rw), None).await);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_read_only_token_reads_but_every_write_is_403(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Writer", Access::ReadWrite).await;
    let ro = token(&app, "Reader", Access::ReadOnly).await;
    let key = new_key(&app, &rw, "Payments").await;
    let id = key["key"]["id"].as_str().unwrap().to_owned();
    let account = app.default_account().await;
    ok(&call(&app, Method::GET, &format!("/api/v1/keys/{id}"), Some(&ro), None).await);
    ok(&call(&app, Method::GET, "/api/v1/accounts", Some(&ro), None).await);
    ok(&call(&app, Method::GET, &format!("/api/v1/keys/{id}/deliveries"), Some(&ro), None).await);

    let writes = [
        (
            Method::POST,
            "/api/v1/keys".to_owned(),
            Some(json!({ "name": "New", "webhookUrl": "https://x.example.com", "accounts": [account.id] })),
        ),
        (Method::PATCH, format!("/api/v1/keys/{id}"), Some(json!({ "name": "Renamed" }))),
        (Method::POST, format!("/api/v1/keys/{id}/block"), None),
        (Method::POST, format!("/api/v1/keys/{id}/roll"), Some(json!({ "gracePeriod": "none" }))),
        (Method::GET, format!("/api/v1/keys/{id}/token"), None),
        (Method::DELETE, format!("/api/v1/keys/{id}"), None),
        (Method::POST, "/api/v1/accounts".to_owned(), Some(json!({ "name": "Acme" }))),
        (Method::DELETE, format!("/api/v1/accounts/{}", account.id), None),
        (Method::POST, format!("/api/v1/keys/{id}/deliveries/test"), None),
    ];
    for (method, path, body) in writes {
        let reply = call(&app, method.clone(), &path, Some(&ro), body).await;
        problem(&reply, 403);
    }
    let now = ok(&call(&app, Method::GET, &format!("/api/v1/keys/{id}"), Some(&ro), None).await);
    assert_eq!(now, key["key"], "nothing changed");
    assert_eq!(app.key_count().await, 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'key.token_copied'").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn bad_requests_get_the_status_and_the_pages_messages(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Writer", Access::ReadWrite).await;
    let account = app.default_account().await;
    new_key(&app, &rw, "Payments").await;

    for body in [&b"{not json"[..], b"[1, 2]", br#"{"name": 5}"#, br#"{"accounts": "x"}"#] {
        let reply = call_raw(&app, Method::POST, "/api/v1/keys", &rw, &[("content-type", "application/json")], body.to_vec()).await;
        problem(&reply, 400);
    }
    let reply = call(&app, Method::POST, "/api/v1/keys", Some(&rw), Some(json!({}))).await;
    let errors = field_errors(&reply, 422);
    assert_eq!(
        errors,
        [
            ("name".into(), "Enter a name.".into()),
            ("webhookUrl".into(), app::domain::webhook_url::WebhookUrl::parse("").unwrap_err()),
            ("accounts".into(), "Choose at least one account.".into()),
        ]
    );
    let body = json!({ "name": "PAYMENTS", "webhookUrl": "https://x.example.com", "accounts": [account.id] });
    let taken = field_errors(&call(&app, Method::POST, "/api/v1/keys", Some(&rw), Some(body)).await, 409);
    assert_eq!(taken, [("name".into(), "An API key named “PAYMENTS” already exists.".into())]);
    let body = json!({ "name": "Old", "webhookUrl": "https://x.example.com", "accounts": [account.id], "expiresAt": "2001-01-01" });
    let past = field_errors(&call(&app, Method::POST, "/api/v1/keys", Some(&rw), Some(body)).await, 422);
    assert_eq!(past, [("expiresAt".into(), "Choose a date after today.".into())]);
    let huge = json!({ "name": "x".repeat(70 * 1024) });
    problem(&call(&app, Method::POST, "/api/v1/keys", Some(&rw), Some(huge)).await, 413);
    problem(&call(&app, Method::GET, "/api/v1/keys/not-an-id", Some(&rw), None).await, 404);
    problem(&call(&app, Method::GET, &format!("/api/v1/keys/{}", Uuid::new_v4()), Some(&rw), None).await, 404);
    problem(&call(&app, Method::PATCH, &format!("/api/v1/keys/{}", Uuid::new_v4()), Some(&rw), Some(json!({}))).await, 404);
    assert_eq!(app.key_count().await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn patch_changes_only_what_is_sent_and_if_match_refuses_a_stale_version(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Billing backend", Access::ReadWrite).await;
    let key = new_key(&app, &rw, "Payments").await;
    let path = format!("/api/v1/keys/{}", key["key"]["id"].as_str().unwrap());

    let reply = call_raw(
        &app,
        Method::PATCH,
        &path,
        &rw,
        &[("if-match", "\"1\""), ("content-type", "application/json")],
        br#"{"name": "Payments v2", "expiresAt": "2030-05-01"}"#.to_vec(),
    )
    .await;
    let patched = ok(&reply);
    assert_eq!(reply.headers[header::ETAG], "\"2\"");
    assert_eq!((patched["name"].as_str(), patched["expiresAt"].as_str()), (Some("Payments v2"), Some("2030-05-01T00:00:00Z")));
    assert_eq!(patched["webhookUrl"], key["key"]["webhookUrl"], "what was not sent stays");
    assert_eq!(patched["accounts"], key["key"]["accounts"]);

    let stale = call_raw(&app, Method::PATCH, &path, &rw, &[("if-match", "\"1\"")], br#"{"name": "Lost update"}"#.to_vec()).await;
    problem(&stale, 412);
    let cleared = ok(&call(&app, Method::PATCH, &path, Some(&rw), Some(json!({ "expiresAt": null }))).await);
    assert_eq!(
        (cleared["expiresAt"].clone(), cleared["name"].as_str(), cleared["version"].as_i64()),
        (Value::Null, Some("Payments v2"), Some(3))
    );
    problem(&call_raw(&app, Method::DELETE, &path, &rw, &[("if-match", "\"2\"")], Vec::new()).await, 412);

    let changes: Vec<(String, String)> =
        sqlx::query_as("SELECT operator_email, details->'changes'->0->>'field' FROM audit_log WHERE action = 'key.modified' ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(changes, [("token Billing backend".into(), "Name".into()), ("token Billing backend".into(), "Expires".into())]);
}

#[sqlx::test(migrations = "./migrations")]
async fn block_unblock_roll_copy_and_delete(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Ops", Access::ReadWrite).await;
    let key = new_key(&app, &rw, "Payments").await;
    let first_token = key["token"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/keys/{}", key["key"]["id"].as_str().unwrap());

    for _ in 0..2 {
        let blocked = ok(&call(&app, Method::POST, &format!("{path}/block"), Some(&rw), None).await);
        assert_eq!(blocked["status"], "blocked");
    }
    assert_eq!(app.verify(&first_token).await.json()["code"], "BLOCKED");
    for _ in 0..2 {
        let unblocked = ok(&call(&app, Method::POST, &format!("{path}/unblock"), Some(&rw), None).await);
        assert_eq!(unblocked["status"], "active");
    }
    let bad = field_errors(&call(&app, Method::POST, &format!("{path}/roll"), Some(&rw), Some(json!({ "gracePeriod": "1y" }))).await, 422);
    assert_eq!(bad, [("gracePeriod".into(), "Choose how long the old token keeps working.".into())]);
    let rolled = ok(&call(&app, Method::POST, &format!("{path}/roll"), Some(&rw), Some(json!({ "gracePeriod": "none" }))).await);
    let new_token = rolled["token"].as_str().unwrap().to_owned();
    assert_ne!(new_token, first_token);
    assert_eq!(app.verify(&first_token).await.json()["code"], "NOT_FOUND");
    assert_eq!(app.verify(&new_token).await.json()["code"], "VALID");
    let copied = ok(&call(&app, Method::GET, &format!("{path}/token"), Some(&rw), None).await);
    assert_eq!(copied["token"], new_token.as_str());

    let deleted = call(&app, Method::DELETE, &path, Some(&rw), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    problem(&call(&app, Method::GET, &path, Some(&rw), None).await, 404);
    problem(&call(&app, Method::DELETE, &path, Some(&rw), None).await, 404);
    let actions: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_log WHERE key_id IS NOT NULL ORDER BY id").fetch_all(&app.pool).await.unwrap();
    let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(actions, ["key.created", "key.blocked", "key.unblocked", "key.rolled", "key.token_copied", "key.deleted"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn an_avatar_is_uploaded_and_removed_with_the_pages_rules(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Ops", Access::ReadWrite).await;
    let key = new_key(&app, &rw, "Payments").await;
    let path = format!("/api/v1/keys/{}/avatar", key["key"]["id"].as_str().unwrap());
    let png = image(::image::ImageFormat::Png, 300, 200);
    let uploaded = ok(&call_raw(&app, Method::PUT, &path, &rw, &[("content-type", "image/png")], png).await);
    assert_eq!((uploaded["hasAvatar"].as_bool(), uploaded["version"].as_i64()), (Some(true), Some(2)));
    let junk = field_errors(&call_raw(&app, Method::PUT, &path, &rw, &[], b"not an image".to_vec()).await, 422);
    assert_eq!(junk, [("avatar".into(), "Choose a PNG, JPEG, WebP or GIF image.".into())]);
    problem(&call_raw(&app, Method::PUT, &path, &rw, &[], vec![0; 1024 * 1024 + 1]).await, 413);
    let removed = ok(&call(&app, Method::DELETE, &path, Some(&rw), None).await);
    assert_eq!(removed["hasAvatar"], false);
}

#[sqlx::test(migrations = "./migrations")]
async fn two_concurrent_identical_creates_with_one_idempotency_key_make_one_key(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Signup", Access::ReadWrite).await;
    let account = app.default_account().await;
    let body =
        json!({ "name": "Customer 7", "webhookUrl": "https://hooks.example.com/7", "accounts": [account.id] }).to_string().into_bytes();
    let headers = [("content-type", "application/json"), ("idempotency-key", "signup-7")];
    let (a, b) = tokio::join!(
        call_raw(&app, Method::POST, "/api/v1/keys", &rw, &headers, body.clone()),
        call_raw(&app, Method::POST, "/api/v1/keys", &rw, &headers, body.clone())
    );
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED), "{} / {}", a.text(), b.text());
    let (a, b) = (a.json(), b.json());
    assert_eq!((&a["key"]["id"], &a["token"]), (&b["key"]["id"], &b["token"]));
    let again = call_raw(&app, Method::POST, "/api/v1/keys", &rw, &headers, body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.json()["token"], a["token"]);
    let other =
        json!({ "name": "Customer 8", "webhookUrl": "https://hooks.example.com/7", "accounts": [account.id] }).to_string().into_bytes();
    let refused = field_errors(&call_raw(&app, Method::POST, "/api/v1/keys", &rw, &headers, other).await, 422);
    assert_eq!(refused[0].0, "idempotencyKey");
    assert_eq!(app.key_count().await, 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'key.created'").await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_token_over_its_rate_limit_is_told_when_to_retry(pool: PgPool) {
    let app =
        TestApp::with(pool, Settings { management_rate_limit: NonZeroU32::new(2).unwrap(), ..Settings::default() }, Default::default());
    let busy = token(&app, "Busy", Access::ReadOnly).await;
    let calm = token(&app, "Calm", Access::ReadOnly).await;
    for _ in 0..2 {
        ok(&call(&app, Method::GET, "/api/v1/accounts", Some(&busy), None).await);
    }
    let limited = call(&app, Method::GET, "/api/v1/accounts", Some(&busy), None).await;
    problem(&limited, 429);
    let retry: u64 = limited.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1, "{retry}");
    ok(&call(&app, Method::GET, "/api/v1/accounts", Some(&calm), None).await);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_revoked_token_is_refused_by_another_server_at_once(pool: PgPool) {
    let a = app(pool.clone());
    let pool_b = PgPoolOptions::new().max_connections(5).connect_with((*pool.connect_options()).clone()).await.unwrap();
    let b = app(pool_b.clone());
    let rw = token(&a, "Offboarding", Access::ReadWrite).await;
    ok(&call(&b, Method::GET, "/api/v1/accounts", Some(&rw), None).await);
    revoke_token(&a.store, "Offboarding").await.unwrap();
    let start = Instant::now();
    loop {
        let reply = call(&b, Method::GET, "/api/v1/accounts", Some(&rw), None).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(1), "server B still accepts the revoked token: {}", reply.text());
    }
    pool_b.close().await;
}

#[sqlx::test(migrations = "./migrations")]
async fn accounts_are_created_renamed_and_deleted(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Ops", Access::ReadWrite).await;
    let reply = call(&app, Method::POST, "/api/v1/accounts", Some(&rw), Some(json!({ "name": "Acme Corp" }))).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let acme = reply.json();
    assert_eq!((acme["name"].as_str(), acme["keyCount"].as_i64()), (Some("Acme Corp"), Some(0)));
    let taken = field_errors(&call(&app, Method::POST, "/api/v1/accounts", Some(&rw), Some(json!({ "name": "ACME corp" }))).await, 409);
    assert_eq!(taken[0].0, "name");
    let empty = field_errors(&call(&app, Method::POST, "/api/v1/accounts", Some(&rw), Some(json!({ "name": " " }))).await, 422);
    assert_eq!(empty, [("name".into(), "Enter a name.".into())]);
    let path = format!("/api/v1/accounts/{}", acme["id"].as_str().unwrap());
    let renamed = ok(&call(&app, Method::PATCH, &path, Some(&rw), Some(json!({ "name": "Acme Inc" }))).await);
    assert_eq!(renamed["name"], "Acme Inc");
    let listed = ok(&call(&app, Method::GET, "/api/v1/accounts", Some(&rw), None).await);
    let names: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Acme Inc", "Default"]);
    assert_eq!(call(&app, Method::DELETE, &path, Some(&rw), None).await.status, StatusCode::NO_CONTENT);
    problem(&call(&app, Method::DELETE, &path, Some(&rw), None).await, 404);
    let actors: Vec<(String, String)> =
        sqlx::query_as("SELECT action, operator_email FROM audit_log WHERE account_id IS NOT NULL ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(actors.len(), 3);
    assert!(actors.iter().all(|(_, who)| who == "token Ops"), "{actors:?}");
}

#[sqlx::test(migrations = "./migrations")]
async fn deliveries_are_listed_and_a_test_event_is_queued(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Ops", Access::ReadWrite).await;
    let key = new_key(&app, &rw, "Payments").await;
    let path = format!("/api/v1/keys/{}/deliveries", key["key"]["id"].as_str().unwrap());
    let queued = call(&app, Method::POST, &format!("{path}/test"), Some(&rw), None).await;
    assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", queued.text());
    assert_eq!((queued.json()["event"].as_str(), queued.json()["state"].as_str()), (Some("key.test"), Some("pending")));
    let listed = ok(&call(&app, Method::GET, &path, Some(&rw), None).await);
    let events: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|d| d["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["key.test", "key.created"]);
    problem(&call(&app, Method::GET, &format!("/api/v1/keys/{}/deliveries", Uuid::new_v4()), Some(&rw), None).await, 404);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_openapi_document_describes_the_management_api(pool: PgPool) {
    let app = app(pool);
    let doc = app.send_raw(Request::builder().uri("/api/v1/openapi.json").body(Body::empty()).unwrap()).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["components"]["securitySchemes"]["managementToken"]["scheme"], "bearer");
    let create = &doc["paths"]["/api/v1/keys"]["post"];
    assert_eq!(create["security"], json!([{ "managementToken": [] }]));
    for status in ["201", "400", "401", "403", "409", "413", "422", "429"] {
        assert!(create["responses"][status].is_object(), "no {status} in {create}");
    }
    assert!(create["responses"]["422"]["content"]["application/problem+json"].is_object(), "{create}");
    for (path, method) in [
        ("/api/v1/keys", "get"),
        ("/api/v1/audit", "get"),
        ("/api/v1/keys/{id}", "get"),
        ("/api/v1/keys/{id}", "patch"),
        ("/api/v1/keys/{id}", "delete"),
        ("/api/v1/keys/{id}/block", "post"),
        ("/api/v1/keys/{id}/unblock", "post"),
        ("/api/v1/keys/{id}/roll", "post"),
        ("/api/v1/keys/{id}/token", "get"),
        ("/api/v1/keys/{id}/avatar", "put"),
        ("/api/v1/keys/{id}/avatar", "delete"),
        ("/api/v1/keys/{id}/deliveries", "get"),
        ("/api/v1/keys/{id}/deliveries/test", "post"),
        ("/api/v1/accounts", "get"),
        ("/api/v1/accounts", "post"),
        ("/api/v1/accounts/{id}", "patch"),
        ("/api/v1/accounts/{id}", "delete"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation["responses"]["401"].is_object(), "{method} {path}: {operation}");
    }
    for schema in ["Key", "KeyWithToken", "CreateKey", "PatchKey", "Problem", "AccountBody", "DeliveryBody"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "no schema {schema}");
    }
    assert_eq!(doc["components"]["schemas"]["KeyStatus"]["enum"], json!(["active", "blocked", "expired"]));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_path_that_is_not_valid_is_a_problem_document_too(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Ops", Access::ReadWrite).await;
    let reply = call(&app, Method::GET, "/api/v1/keys/a%5Cb", Some(&rw), None).await;
    assert_eq!(problem(&reply, 400)["detail"], "The request path is not valid.");
}

/// The names of a `GET /api/v1/keys` page and its next cursor.
async fn key_page(app: &TestApp, token: &str, query: &str) -> (Vec<String>, Option<String>) {
    let body = ok(&call(app, Method::GET, &format!("/api/v1/keys?{query}"), Some(token), None).await);
    let names = body["items"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap().to_owned()).collect();
    (names, body["nextCursor"].as_str().map(str::to_owned))
}

#[sqlx::test(migrations = "./migrations")]
async fn keys_are_listed_newest_first_a_cursor_at_a_time_without_gaps_or_repeats(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Writer", Access::ReadWrite).await;
    let ro = token(&app, "Reader", Access::ReadOnly).await;
    for n in 1..=7 {
        new_key(&app, &rw, &format!("Key {n}")).await;
    }

    let (first, cursor) = key_page(&app, &ro, "limit=3").await;
    assert_eq!(first, ["Key 7", "Key 6", "Key 5"]);
    // A key made between two pages is not on the later ones, and moves nothing.
    new_key(&app, &rw, "Key 8").await;
    let (second, cursor) = key_page(&app, &ro, &format!("limit=3&cursor={}", cursor.expect("a next page"))).await;
    assert_eq!(second, ["Key 4", "Key 3", "Key 2"]);
    let (third, cursor) = key_page(&app, &ro, &format!("limit=3&cursor={}", cursor.expect("a next page"))).await;
    assert_eq!(third, ["Key 1"]);
    assert_eq!(cursor, None, "the last page has no next cursor");

    let (all, cursor) = key_page(&app, &ro, "").await;
    assert_eq!(all.len(), 8, "50 a page by default");
    assert_eq!(cursor, None);

    let body = ok(&call(&app, Method::GET, "/api/v1/keys?q=key%205", Some(&ro), None).await);
    let found = body["items"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["name"], "Key 5");
    assert_eq!(found[0]["accounts"][0]["name"], "Default");
    assert_eq!(found[0]["status"], "active");
    let id = found[0]["id"].as_str().unwrap().to_owned();

    ok(&call(&app, Method::POST, &format!("/api/v1/keys/{id}/block"), Some(&rw), None).await);
    assert_eq!(key_page(&app, &ro, "status=blocked").await.0, ["Key 5"]);
    assert_eq!(key_page(&app, &ro, "status=active").await.0.len(), 7);
    let account = app.default_account().await;
    assert_eq!(key_page(&app, &ro, &format!("account={}&limit=200", account.id)).await.0.len(), 8);
    assert_eq!(key_page(&app, &ro, &format!("account={}", Uuid::new_v4())).await.0, Vec::<String>::new());
    // No name holds a NUL: the search finds nothing instead of failing.
    assert_eq!(key_page(&app, &ro, "q=Key%00").await.0, Vec::<String>::new());
}

#[sqlx::test(migrations = "./migrations")]
async fn a_bad_list_parameter_is_a_422_that_names_it(pool: PgPool) {
    let app = app(pool);
    let ro = token(&app, "Reader", Access::ReadOnly).await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
        ("status=sleeping", "status"),
        ("status=", "status"),
        ("account=", "account"),
        ("account=acme", "account"),
        ("cursor=not-a-cursor", "cursor"),
    ] {
        let reply = call(&app, Method::GET, &format!("/api/v1/keys?{query}"), Some(&ro), None).await;
        let errors = field_errors(&reply, 422);
        assert_eq!(errors.len(), 1, "{query}: {errors:?}");
        assert_eq!(errors[0].0, field, "{query}");
    }
    problem(&call(&app, Method::GET, "/api/v1/keys", None, None).await, 401);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_audit_log_is_read_a_page_at_a_time_with_the_token_as_actor(pool: PgPool) {
    let app = app(pool);
    let rw = token(&app, "Billing backend", Access::ReadWrite).await;
    let ro = token(&app, "Reader", Access::ReadOnly).await;
    let key = new_key(&app, &rw, "Payments").await;
    let id = key["key"]["id"].as_str().unwrap().to_owned();
    new_key(&app, &rw, "Other").await;
    ok(&call(&app, Method::POST, &format!("/api/v1/keys/{id}/block"), Some(&rw), None).await);

    let page = |query: String| {
        let app = &app;
        let ro = &ro;
        async move { ok(&call(app, Method::GET, &format!("/api/v1/audit?{query}"), Some(ro), None).await) }
    };
    let first = page(format!("keyId={id}&limit=1")).await;
    let items = first["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["action"], "key.blocked");
    assert_eq!(items[0]["actor"], "token Billing backend");
    assert_eq!(items[0]["keyName"], "Payments");
    let cursor = first["nextCursor"].as_str().expect("older entries").to_owned();
    let second = page(format!("keyId={id}&limit=1&cursor={cursor}")).await;
    let items = second["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["action"], "key.created");
    assert_eq!(items[0]["keyId"], id.as_str());
    assert!(second["nextCursor"].is_null(), "{second}");

    let everything = page(String::new()).await;
    let actions: Vec<&str> = everything["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "key.created").count(), 2, "{actions:?}");
    assert!(actions.contains(&"management_token.created"), "{actions:?}");

    for (query, field) in
        [("keyId=payments", "keyId"), ("keyId=", "keyId"), ("cursor=-4", "cursor"), ("cursor=x", "cursor"), ("limit=0", "limit")]
    {
        let reply = call(&app, Method::GET, &format!("/api/v1/audit?{query}"), Some(&ro), None).await;
        assert_eq!(field_errors(&reply, 422)[0].0, field, "{query}");
    }
    problem(&call(&app, Method::GET, "/api/v1/audit", None, None).await, 401);
}
