//! Operators, sign-in, sessions, CSRF, the audit log and hardened edges
//! (issue 5), driven through the whole router against a fresh database.

mod common;

use app::{
    domain::{address::WebhookPolicy, key::ApiKey},
    error::AppError,
    settings::Settings,
};
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Method, Request, StatusCode},
};
use common::{Multipart, Reply, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};
use sqlx::PgPool;
use std::{net::SocketAddr, num::NonZeroU32, time::Duration};
use uuid::Uuid;

const HOOK: &str = "https://hooks.example.com/keyhold";

fn settings() -> Settings {
    Settings::default()
}

/// An anonymous app that knows the test operator.
async fn with_operator(pool: PgPool) -> TestApp {
    let app = TestApp::anonymous(pool);
    app.operator(OPERATOR_EMAIL, &TestApp::operator_password_hash()).await;
    app
}

fn post(uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn from_address(mut request: Request<Body>, ip: [u8; 4]) -> Request<Body> {
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    request
}

fn location(reply: &Reply) -> String {
    reply.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

fn credentials_message(reply: &Reply) -> String {
    match reply.err() {
        AppError::Invalid(errors) => errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" "),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

// --- every door locked ---------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn every_page_and_server_function_the_server_registers_refuses_an_anonymous_request(pool: PgPool) {
    let app = TestApp::anonymous(pool);
    let pages: Vec<String> = leptos_axum::generate_route_list(app::App).iter().map(|r| r.path().to_owned()).collect();
    let functions: Vec<(&str, _)> = leptos::server_fn::axum::server_fn_paths().collect();
    // The enumeration must see what exists, or the test proves nothing.
    for known in ["/keys", "/accounts", "/activity", "/tokens", "/login"] {
        assert!(pages.iter().any(|p| p == known), "{known} missing from {pages:?}");
    }
    for known in ["/rpc/list_keys", "/rpc/create_key", "/rpc/key_token", "/rpc/delete_account", "/rpc/list_activity", "/rpc/sign_out"] {
        assert!(functions.iter().any(|(p, _)| *p == known), "{known} missing");
    }

    let public_functions = ["/rpc/sign_in", "/rpc/sign_in_status"];
    for (path, method) in &functions {
        if public_functions.contains(path) {
            continue;
        }
        let request = Request::builder().method(method.clone()).uri(*path).header(header::ACCEPT, "application/json");
        let reply = app.send(request.body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path}: {}", reply.text());
        assert_eq!(reply.err(), AppError::Unauthorized, "{path}");
    }
    let avatar = keyhold::AVATAR_ROUTE.replace("{id}", &Uuid::new_v4().to_string());
    for page in pages.iter().filter(|p| *p != "/login").map(String::as_str).chain([avatar.as_str(), "/no/such/page"]) {
        let reply = app.get(page).await;
        assert!(reply.status.is_redirection(), "GET {page} answered {}", reply.status);
        let to = location(&reply);
        assert!(to.starts_with("/login"), "GET {page} redirected to {to}");
        if page != "/" {
            assert!(to.contains("next="), "GET {page} should come back after sign-in: {to}");
        }
    }
    // What stays public.
    assert_eq!(app.get("/login").await.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/health/live").await.status, StatusCode::OK);
    assert_eq!(app.verify("kh_nonsense").await.status, StatusCode::OK);

    // Behind a public prefix, with dot segments plain or percent-encoded,
    // every page and function is refused before the guard judges the path.
    let all: Vec<(String, Method)> = pages
        .iter()
        .map(|p| (p.clone(), Method::GET))
        .chain(functions.iter().map(|(p, m)| (p.to_string(), m.clone())))
        .chain([(avatar.clone(), Method::GET)])
        .collect();
    for (path, method) in &all {
        let rest = path.trim_start_matches('/');
        for disguised in
            [format!("/pkg/../{rest}"), format!("/pkg/%2e%2e/{rest}"), format!("/pkg/.%2E/{rest}"), format!("/login/../{rest}")]
        {
            let request = Request::builder().method(method.clone()).uri(&disguised).header(header::ACCEPT, "application/json");
            let reply = app.send(request.body(Body::empty()).unwrap()).await;
            let to_login = reply.status.is_redirection() && location(&reply).starts_with("/login");
            assert!(reply.status == StatusCode::BAD_REQUEST || to_login, "{method} {disguised}: {} {}", reply.status, reply.text());
        }
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn every_server_function_checks_the_operator_itself_even_past_the_guard(pool: PgPool) {
    // The server functions alone, without the sign-in guard in front: each
    // must still refuse a request that carries no operator.
    let app = TestApp::anonymous(pool);
    let services = app.state.services.clone();
    let bare = axum::Router::new().fallback(move |request: Request<Body>| {
        let services = services.clone();
        leptos_axum::handle_server_fns_with_context(move || leptos::prelude::provide_context(services.clone()), request)
    });
    let id = Uuid::new_v4().to_string();
    let key_form = Multipart::key("Past the guard", HOOK, &[Uuid::new_v4()]);
    let modify_form = Multipart::new().text("id", &id).text("version", "1").text("name", "x").text("webhook_url", HOOK);
    // Arguments each function accepts, so that it gets as far as its own check.
    let args: &[(&str, &[(&str, &str)])] = &[
        ("/rpc/list_keys", &[("q", "")]),
        ("/rpc/block_key", &[("id", &id)]),
        ("/rpc/unblock_key", &[("id", &id)]),
        ("/rpc/delete_key", &[("id", &id)]),
        ("/rpc/key_token", &[("id", &id)]),
        ("/rpc/roll_token", &[("id", &id), ("grace", "1h")]),
        ("/rpc/list_accounts", &[]),
        ("/rpc/list_account_usage", &[]),
        ("/rpc/create_account", &[("name", "Past the guard")]),
        ("/rpc/rename_account", &[("id", &id), ("name", "Past the guard")]),
        ("/rpc/delete_account", &[("id", &id)]),
        ("/rpc/list_activity", &[]),
        ("/rpc/list_deliveries", &[("key_id", &id)]),
        ("/rpc/webhook_secret", &[("key_id", &id)]),
        ("/rpc/regenerate_webhook_secret", &[("key_id", &id)]),
        ("/rpc/send_test_event", &[("key_id", &id)]),
        ("/rpc/resend_delivery", &[("delivery_id", &id)]),
        ("/rpc/list_management_tokens", &[]),
        ("/rpc/create_management_token", &[("name", "Past the guard"), ("access", "read_only"), ("expires", "")]),
        ("/rpc/revoke_management_token", &[("id", &id)]),
        ("/rpc/current_operator", &[]),
        ("/rpc/sign_out", &[]),
    ];
    let multipart = [("/rpc/create_key", &key_form), ("/rpc/modify_key", &modify_form)];
    let public = ["/rpc/sign_in", "/rpc/sign_in_status"];
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        if public.contains(&path) {
            continue;
        }
        let request = if let Some((_, form)) = multipart.iter().find(|(p, _)| *p == path) {
            let (content_type, body) = form.encode();
            Request::builder().method(Method::POST).uri(path).header(header::CONTENT_TYPE, content_type).body(Body::from(body))
        } else {
            let (_, form) = args.iter().find(|(p, _)| *p == path).unwrap_or_else(|| panic!("{path}: add its arguments to this test"));
            let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form.iter()).finish();
            Request::builder()
                .method(Method::POST)
                .uri(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
        };
        let mut request = request.unwrap();
        request.headers_mut().insert(header::ACCEPT, "application/json".parse().unwrap());
        let response = tower::ServiceExt::oneshot(bare.clone(), request).await.unwrap();
        let status = response.status();
        let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} without an operator: {}", String::from_utf8_lossy(&body));
    }
    assert_eq!(app.count("SELECT count(*) FROM audit_log").await, 0, "nothing was done");
    assert_eq!(app.count("SELECT count(*) FROM accounts WHERE name = 'Past the guard'").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_page_redirect_remembers_where_the_operator_was_going(pool: PgPool) {
    let app = TestApp::anonymous(pool);
    let reply = app.get("/accounts?x=1").await;
    assert_eq!(location(&reply), "/login?next=%2Faccounts%3Fx%3D1");
}

// --- sign-in ---------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn signing_in_sets_an_http_only_lax_session_cookie_that_opens_the_pages(pool: PgPool) {
    let app = with_operator(pool).await;
    let reply = app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    assert!(reply.status.is_success() || reply.status.is_redirection(), "{} {}", reply.status, reply.text());
    let cookie = reply.headers.get(header::SET_COOKIE).expect("a session cookie").to_str().unwrap().to_owned();
    assert!(cookie.starts_with("keyhold_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    assert!(cookie.contains("Max-Age=1800"), "30 minutes idle: {cookie}");
    assert_eq!(app.get("/keys").await.status, StatusCode::OK);
    let listed = app.rpc("list_keys", &[("q", "")]).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    // The session id is stored only as a hash.
    let id = app.session_cookie().unwrap().split_once('=').unwrap().1.to_owned();
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE data::text LIKE '%' || $1 || '%'")
        .bind(&id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_cookie_is_secure_when_keyhold_is_served_over_https(pool: PgPool) {
    let app = with_operator(pool).await.with_settings(Settings { public_origin: Some("https://keys.example.com".into()), ..settings() });
    let reply = app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    let cookie = reply.headers.get(header::SET_COOKIE).expect("a session cookie").to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_message(pool: PgPool) {
    let app = with_operator(pool).await;
    let wrong_password = app.sign_in(OPERATOR_EMAIL, "not the password at all").await;
    let unknown_email = app.sign_in("nobody@example.com", OPERATOR_PASSWORD).await;
    assert_eq!(credentials_message(&wrong_password), "Email or password is incorrect.");
    assert_eq!(credentials_message(&unknown_email), "Email or password is incorrect.");
    assert_eq!(wrong_password.status, unknown_email.status);
    assert!(app.session_cookie().is_none());
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "./migrations")]
async fn email_case_does_not_matter_when_signing_in(pool: PgPool) {
    let app = with_operator(pool).await;
    let reply = app.sign_in(&OPERATOR_EMAIL.to_uppercase(), OPERATOR_PASSWORD).await;
    assert!(reply.status.is_success() || reply.status.is_redirection(), "{}", reply.text());
    assert!(app.session_cookie().is_some());
}

#[sqlx::test(migrations = "./migrations")]
async fn sign_in_attempts_are_limited_per_address(pool: PgPool) {
    let app = with_operator(pool).await.with_settings(Settings { sign_in_limit: NonZeroU32::new(3).unwrap(), ..settings() });
    for i in 0..3 {
        let body = format!("email=guess{i}%40example.com&password=wrong-password-{i}");
        let reply = app.send_raw(from_address(post("/rpc/sign_in", &body), [10, 0, 0, 1])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
    }
    // Even the right password waits now, from that address.
    let body = format!("email={}&password={}", "operator%40example.com", "correct+horse+battery+staple");
    let refused = app.send_raw(from_address(post("/rpc/sign_in", &body), [10, 0, 0, 1])).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text());
    let AppError::TooManyRequests(message) = refused.err() else { panic!("expected TooManyRequests") };
    assert!(message.starts_with("Too many attempts, try again in "), "{message}");
    assert!(message.ends_with(" seconds."), "{message}");
    // Another address is not affected.
    let other = app.send_raw(from_address(post("/rpc/sign_in", &body), [10, 0, 0, 2])).await;
    assert!(other.status.is_success() || other.status.is_redirection(), "{}", other.text());
}

#[sqlx::test(migrations = "./migrations")]
async fn sign_in_attempts_are_limited_per_email_across_addresses(pool: PgPool) {
    let app = with_operator(pool).await.with_settings(Settings { sign_in_account_limit: NonZeroU32::new(2).unwrap(), ..settings() });
    for ip in [[10, 0, 0, 1], [10, 0, 0, 2]] {
        let reply = app.send_raw(from_address(post("/rpc/sign_in", "email=operator%40example.com&password=nope-nope-nope"), ip)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let third =
        app.send_raw(from_address(post("/rpc/sign_in", "email=OPERATOR%40example.com&password=nope-nope-nope"), [10, 0, 0, 3])).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS, "{}", third.text());
}

#[sqlx::test(migrations = "./migrations")]
async fn a_disabled_operator_cannot_sign_in_and_their_sessions_end(pool: PgPool) {
    let app = TestApp::new(pool);
    app.sign_in_as_operator().await;
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::OK);
    let email = app::domain::operator::Email::parse(OPERATOR_EMAIL).unwrap();
    let ended = app::store::OperatorStore::disable_operator(&app.store, &app::domain::actor::Actor::CommandLine, &email).await.unwrap();
    assert_eq!(ended, 1);

    let after = app.rpc("list_keys", &[("q", "")]).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.text());
    let again = app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await;
    assert_eq!(credentials_message(&again), "Email or password is incorrect.");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_session_ends_after_its_idle_time(pool: PgPool) {
    let app = TestApp::new(pool).with_settings(Settings { session_idle: Duration::from_secs(2), ..settings() });
    app.sign_in_as_operator().await;
    // Activity keeps it going past the idle time...
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::OK);
    }
    // ...idleness ends it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "./migrations")]
async fn signing_out_ends_the_session_even_for_a_copied_cookie(pool: PgPool) {
    let app = TestApp::new(pool);
    app.sign_in_as_operator().await;
    let cookie = app.session_cookie().unwrap();
    let out = app.rpc("sign_out", &[]).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.text());
    assert_eq!(location(&out), "/login");
    let mut replay = post("/rpc/list_keys", "q=");
    replay.headers_mut().insert(header::COOKIE, cookie.parse().unwrap());
    assert_eq!(app.send_raw(replay).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn next_only_redirects_within_the_site(pool: PgPool) {
    let app = with_operator(pool).await;
    for (next, expected) in [
        ("/accounts", "/accounts"),
        ("/activity?key=1", "/activity?key=1"),
        ("https://evil.example/", "/keys"),
        ("//evil.example/keys", "/keys"),
        ("/\\evil.example", "/keys"),
    ] {
        let body = format!(
            "email=operator%40example.com&password=correct+horse+battery+staple&next={}",
            url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        );
        let reply = app.send_raw(post("/rpc/sign_in", &body)).await;
        assert_eq!(location(&reply), expected, "next={next}");
    }
    // Signed in, the sign-in page sends the operator on as well.
    let mut request = Request::builder().uri("/login?next=%2F%2Fevil.example").body(Body::empty()).unwrap();
    request.headers_mut().insert(header::COOKIE, app.session_cookie().unwrap().parse().unwrap());
    assert_eq!(location(&app.send_raw(request).await), "/keys");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_session_started_on_one_server_is_accepted_by_another(pool: PgPool) {
    let a = TestApp::new(pool.clone());
    a.sign_in_as_operator().await;
    let b = TestApp::anonymous(pool);
    let mut request = post("/rpc/list_keys", "q=");
    request.headers_mut().insert(header::COOKIE, a.session_cookie().unwrap().parse().unwrap());
    assert_eq!(b.send_raw(request).await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_sign_in_page_says_how_to_create_the_first_operator(pool: PgPool) {
    let app = TestApp::anonymous(pool);
    let status: bool = app.rpc("sign_in_status", &[]).await.ok();
    assert!(!status, "no operator yet");
    assert!(app.get("/login").await.text().contains("keyhold operator create --email"));
    app.operator(OPERATOR_EMAIL, &TestApp::operator_password_hash()).await;
    let status: bool = app.rpc("sign_in_status", &[]).await.ok();
    assert!(status);
    assert!(!app.get("/login").await.text().contains("keyhold operator create --email"));
}

// --- CSRF ------------------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_cross_origin_post_to_a_server_function_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let attempts = [
        vec![(header::ORIGIN.as_str(), "https://evil.example"), ("host", "127.0.0.1:3000")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site"), (header::ORIGIN.as_str(), "http://other.127.0.0.1.nip.io")],
        vec![(header::ORIGIN.as_str(), "null"), ("host", "127.0.0.1:3000")],
    ];
    for headers in attempts {
        let mut request = post("/rpc/delete_key", &format!("id={}", key.id));
        for (name, value) in &headers {
            request.headers_mut().insert(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}: {}", reply.text());
        assert!(matches!(reply.err(), AppError::Forbidden(_)));
    }
    assert!(app.stored(key.id).await.is_some(), "the key must survive");

    // The page's own requests pass.
    let mut own = post("/rpc/delete_key", &format!("id={}", key.id));
    own.headers_mut().insert(header::ORIGIN, "http://127.0.0.1:3000".parse().unwrap());
    own.headers_mut().insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
    own.headers_mut().insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(app.send(own).await.status, StatusCode::OK);
}

#[sqlx::test(migrations = "./migrations")]
async fn with_a_public_url_only_that_origin_may_post(pool: PgPool) {
    let app = TestApp::new(pool).with_settings(Settings { public_origin: Some("https://keys.example.com".into()), ..settings() });
    for (origin, allowed) in [("https://keys.example.com", true), ("http://keys.example.com", false), ("https://evil.example", false)] {
        let mut request = post("/rpc/list_keys", "q=");
        request.headers_mut().insert(header::ORIGIN, origin.parse().unwrap());
        request.headers_mut().insert(header::HOST, "keys.example.com".parse().unwrap());
        let status = app.send(request).await.status;
        assert_eq!(status == StatusCode::OK, allowed, "{origin}: {status}");
    }
}

// --- audit log ---------------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn the_audit_log_records_each_action_with_the_operator_and_never_a_token(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let key: ApiKey = app.create_key(&Multipart::key("Billing", HOOK, &[account.id])).await.ok();
    let modified: ApiKey = app.modify_key(&Multipart::modify(&key, "Billing v2", HOOK, &[account.id])).await.ok();
    let token: String = app.key_token(key.id).await.ok();
    app.block_key(key.id).await.ok::<ApiKey>();
    app.unblock_key(key.id).await.ok::<ApiKey>();
    let rolled: String = app.rpc("roll_token", &[("id", &key.id.to_string()), ("grace", "1h")]).await.ok();
    let acme: app::domain::account::AccountUsage = app.create_account("Acme").await.ok();
    app.rename_account(acme.id, "Acme Corp").await.ok::<app::domain::account::AccountUsage>();
    app.delete_account(acme.id).await.ok::<app::domain::account::AccountUsage>();
    app.delete_key(key.id).await.ok::<()>();
    app.sign_in("operator@example.com", "a wrong password").await;
    app.rpc("sign_out", &[]).await;
    assert_eq!(modified.name, "Billing v2");

    let audit = app.audit().await;
    let actions: Vec<&str> = audit.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "operator.created",
            "operator.signed_in",
            "key.created",
            "key.modified",
            "key.token_copied",
            "key.blocked",
            "key.unblocked",
            "key.rolled",
            "account.created",
            "account.renamed",
            "account.deleted",
            "key.deleted",
            "operator.sign_in_failed",
            "operator.signed_out",
        ]
    );
    assert_eq!(audit[0].1.as_deref(), Some("command line"), "the test operator was made in the store");
    for (action, email, key_name) in &audit[1..] {
        assert_eq!(email.as_deref(), Some(OPERATOR_EMAIL), "{action}");
        if action.starts_with("key.") {
            assert!(key_name.as_deref().is_some_and(|n| n.starts_with("Billing")), "{action}: {key_name:?}");
        }
    }
    let dump: String =
        sqlx::query_scalar("SELECT string_agg(row_to_json(a)::text, ' ') FROM audit_log a").fetch_one(&app.pool).await.unwrap();
    assert!(!dump.contains(&token) && !dump.contains(&rolled), "a token reached the audit log");
}

#[sqlx::test(migrations = "./migrations")]
async fn the_activity_page_shows_a_modify_before_and_after_filtered_by_key(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let key: ApiKey = app.create_key(&Multipart::key("Billing", HOOK, &[account.id])).await.ok();
    let other = app.key("Other").await;
    app.modify_key(&Multipart::modify(&key, "Billing v2", "https://hooks.example.com/v2", &[account.id])).await.ok::<ApiKey>();

    let activity: app::activity::api::Activity = app.rpc("list_activity", &[("key", &key.id.to_string())]).await.ok();
    let actions: Vec<&str> = activity.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["key.modified", "key.created"], "newest first, only this key");
    let changes: Vec<(&str, &str, &str)> =
        activity.entries[0].changes.iter().map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str())).collect();
    assert_eq!(changes, [("Name", "Billing", "Billing v2"), ("Webhook URL", HOOK, "https://hooks.example.com/v2")]);
    let names: Vec<&str> = activity.keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["Billing v2", "Other"]);

    let all: app::activity::api::Activity = app.rpc("list_activity", &[]).await.ok();
    assert!(all.entries.iter().any(|e| e.key_id == Some(other.id)));
    assert!(all.entries.iter().any(|e| e.action.as_str() == "operator.signed_in"));
    let page = app.get(&format!("/activity?key={}", key.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Billing v2"));
}

#[sqlx::test(migrations = "./migrations")]
async fn the_activity_key_menu_lists_the_keys_there_are_and_a_deleted_one_only_when_chosen(pool: PgPool) {
    let app = TestApp::new(pool);
    let kept = app.key("Kept").await;
    let gone = app.key("Gone").await;
    let modify = Multipart::modify(&gone, "Gone at last", HOOK, &[app.default_account().await.id]);
    app.modify_key(&modify).await.ok::<ApiKey>();
    app.delete_key(gone.id).await.ok::<()>();

    let all: app::activity::api::Activity = app.rpc("list_activity", &[]).await.ok();
    let names: Vec<&str> = all.keys.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["Kept"], "a deleted key is not offered");

    let chosen: app::activity::api::Activity = app.rpc("list_activity", &[("key", &gone.id.to_string())]).await.ok();
    let menu: Vec<(Uuid, &str)> = chosen.keys.iter().map(|k| (k.id, k.name.as_str())).collect();
    assert_eq!(menu, [(gone.id, "Gone at last"), (kept.id, "Kept")], "the chosen deleted key, under its last name");
    let actions: Vec<&str> = chosen.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["key.deleted", "key.modified", "key.created"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_activity_page_pages_back_through_older_entries_with_a_plain_link(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let key = app.key("Busy").await;
    // 120 more entries of the key, one a second back in time, plus its creation.
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, operator_email, action, key_id, key_name)
         SELECT now() - make_interval(secs => i), 'operator', 'operator@example.com', 'key.token_copied', $1, 'Busy'
         FROM generate_series(1, 120) AS i",
    )
    .bind(key.id)
    .execute(&pool)
    .await
    .unwrap();
    let id = key.id.to_string();

    let first: app::activity::api::Activity = app.rpc("list_activity", &[("key", &id)]).await.ok();
    assert_eq!(first.entries.len(), 100);
    let older = first.older.expect("older entries exist");
    assert_eq!(older, first.entries[99].id);
    let second: app::activity::api::Activity = app.rpc("list_activity", &[("key", &id), ("before", &older.to_string())]).await.ok();
    assert_eq!(second.entries.len(), 21);
    assert_eq!(second.older, None, "nothing older than the second page");
    assert!(second.entries.iter().all(|e| (e.at, e.id) < (first.entries[99].at, first.entries[99].id)), "no overlap, older only");
    let mut seen: Vec<i64> = first.entries.iter().chain(&second.entries).map(|e| e.id).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 121, "every entry exactly once");

    // The server-rendered page links to the next page, so it works without JavaScript.
    let page = app.get(&format!("/activity?key={id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(&format!("href=\"/activity?key={id}&amp;before={older}\"")), "{html}");
    assert!(html.contains("Older entries"));
    assert!(!html.contains("Newest entries"));
    let page = app.get(&format!("/activity?key={id}&before={older}")).await.text();
    assert!(page.contains(&format!("href=\"/activity?key={id}\"")) && page.contains("Newest entries"));
    assert!(!page.contains("Older entries"));
}

// --- hardened edges ----------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn pages_carry_a_strict_csp_whose_nonce_every_inline_script_uses(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("Payments").await;
    let first = app.get("/keys").await;
    let policy = first.headers.get(header::CONTENT_SECURITY_POLICY).expect("a CSP").to_str().unwrap().to_owned();
    let nonce = policy.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce in the policy").to_owned();
    let scripts = policy.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!scripts.contains("unsafe-inline"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let html = first.text();
    let tags: Vec<&str> = html.split("<script").skip(1).map(|t| t.split('>').next().unwrap()).collect();
    assert!(!tags.is_empty(), "the page has hydration scripts");
    for tag in tags {
        assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "a script without the nonce: <script{tag}>");
    }
    assert!(first.headers.get(header::X_CONTENT_TYPE_OPTIONS).is_some());
    assert!(first.headers.get(header::REFERRER_POLICY).is_some());
    let second = app.get("/keys").await;
    assert_ne!(second.headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap(), policy, "a fresh nonce each time");
}

#[sqlx::test(migrations = "./migrations")]
async fn names_with_html_are_rendered_as_text(pool: PgPool) {
    let app = TestApp::new(pool);
    for name in ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"] {
        app.key(name).await;
        app.create_account(&format!("{name} account")).await.ok::<app::domain::account::AccountUsage>();
    }
    for page in ["/keys", "/accounts", "/activity"] {
        let html = app.get(page).await.text();
        assert!(!html.contains("<img src=x onerror=alert(1)>"), "{page} has the raw img tag");
        assert!(!html.contains("<script>alert(1)</script>"), "{page} has the raw script tag");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;") || html.contains("&lt;img"), "{page} shows the name as text");
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn webhook_urls_into_private_networks_are_refused_unless_allowed(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let account = app.default_account().await;
    for url in [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://[::ffff:192.168.0.1]/",
        "http://0.0.0.0/",
        "http://172.16.5.4/",
    ] {
        let reply = app.create_key(&Multipart::key(&format!("Key {url}"), url, &[account.id])).await;
        let errors = reply.invalid_fields();
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert_eq!(errors[0].0, "webhook_url");
        assert!(errors[0].1.contains("private"), "{url}: {}", errors[0].1);
    }
    // A name that does not resolve is accepted (delivery checks again).
    let ok = app.create_key(&Multipart::key("Unresolvable", "https://no-such-host.invalid/hook", &[account.id])).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    // Modify is checked too.
    let key: ApiKey = ok.ok();
    let modify = app.modify_key(&Multipart::modify(&key, "Unresolvable", "http://192.168.1.1/", &[account.id])).await;
    assert_eq!(modify.invalid_fields()[0].0, "webhook_url");

    let dev = TestApp::new(pool).with_settings(Settings { webhook_policy: WebhookPolicy::ALLOW_PRIVATE, ..settings() });
    let reply = dev.create_key(&Multipart::key("Local", "http://127.0.0.1:9000/hook", &[account.id])).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[sqlx::test(migrations = "./migrations")]
async fn oversized_and_malformed_bodies_get_client_errors(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let huge = format!("q={}", "a".repeat(100 * 1024));
    let reply = app.send(post("/rpc/list_keys", &huge)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.text());
    assert!(!reply.text().is_empty());

    for (uri, body) in [("/rpc/block_key", "id=not-a-uuid"), ("/rpc/block_key", "%%%"), ("/rpc/roll_token", "id=1")] {
        let reply = app.send(post(uri, body)).await;
        assert!(reply.status.is_client_error(), "{uri} {body}: {}", reply.status);
    }
    let mut garbage = post("/rpc/create_key", "not multipart");
    garbage.headers_mut().insert(header::CONTENT_TYPE, "multipart/form-data; boundary=x".parse().unwrap());
    let reply = app.send(garbage).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);

    let big_upload = Multipart::modify(&key, "Payments", HOOK, &[]).avatar("a.png", "image/png", vec![0u8; 2 * 1024 * 1024]);
    let reply = app.modify_key(&big_upload).await;
    assert!(reply.status.is_client_error(), "{}", reply.status);
    assert!(!reply.text().is_empty());
}

#[tokio::test]
async fn a_panicking_handler_answers_a_plain_500_without_details() {
    use axum::routing::get;
    use tower::ServiceExt;
    let router = keyhold::hardened(axum::Router::new().route("/boom", get(|| async { panic!("secret detail kh_abc") as &'static str })));
    let response = router.oneshot(Request::builder().uri("/boom").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&body);
    assert_eq!(text, "Something went wrong on the server. Please try again.");
}

#[sqlx::test(migrations = "./migrations")]
async fn webhook_secret_copies_regenerations_and_sends_are_audited(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Hooked").await;
    let id = key.id.to_string();
    let secret: String = app.rpc("webhook_secret", &[("key_id", &id)]).await.ok();
    let renewed: String = app.rpc("regenerate_webhook_secret", &[("key_id", &id)]).await.ok();
    let test: app::domain::delivery::Delivery = app.rpc("send_test_event", &[("key_id", &id)]).await.ok();
    app.rpc("resend_delivery", &[("delivery_id", &test.id.to_string())]).await.ok::<app::domain::delivery::Delivery>();

    let audit = app.audit().await;
    let actions: Vec<&str> = audit.iter().map(|(a, _, _)| a.as_str()).filter(|a| a.starts_with("key.webhook")).collect();
    assert_eq!(actions, ["key.webhook_secret_copied", "key.webhook_secret_regenerated", "key.webhook_test_sent", "key.webhook_resent"]);
    assert!(audit
        .iter()
        .filter(|(a, _, _)| a.starts_with("key.webhook"))
        .all(|(_, email, name)| { email.as_deref() == Some(OPERATOR_EMAIL) && name.as_deref() == Some("Hooked") }));
    let dump: String =
        sqlx::query_scalar("SELECT string_agg(row_to_json(a)::text, ' ') FROM audit_log a").fetch_one(&app.pool).await.unwrap();
    assert!(!dump.contains(&secret) && !dump.contains(&renewed), "a signing secret reached the audit log");
}

#[sqlx::test(migrations = "./migrations")]
async fn the_sign_in_form_works_without_javascript(pool: PgPool) {
    let app = with_operator(pool).await;
    // The server-rendered form carries `next` itself...
    let page = app.get("/login?next=%2Faccounts").await.text();
    assert!(page.contains(r#"name="next" value="/accounts""#), "the form should post next");
    // ...and a plain form post (a browser without the wasm) is redirected.
    let mut form = post("/rpc/sign_in", "email=operator%40example.com&password=correct+horse+battery+staple&next=%2Faccounts");
    form.headers_mut().insert(header::ACCEPT, "text/html".parse().unwrap());
    let reply = app.send_raw(form).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(location(&reply), "/accounts");
    assert!(app.session_cookie().is_some());
}
