//! The findings of the security review (issue 10), each with the test that
//! shows it fixed: body limits on the bytes that arrive, the email parsed
//! before anything records it, separate sign-in limits with a back-off,
//! proxy headers believed only from trusted proxies, IPv6 limits per /64,
//! webhook addresses and ports refused by every door, `__Host-` cookies
//! and HSTS over https, sign-out that a request in flight cannot undo,
//! operators' passwords set and operators enabled from the shell, slow
//! clients cut off and connections capped, anonymous requests' database
//! work limited, sign-ins beyond the password-check cap refused.

mod common;

use app::{
    domain::{
        address::{WebhookPolicy, REFUSED_EXAMPLES},
        client_address::TrustedProxies,
        draft::field,
    },
    error::AppError,
    settings::Settings,
};
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Method, Request, StatusCode},
};
use common::{http::Server, Multipart, Reply, TestApp, OPERATOR_EMAIL, OPERATOR_PASSWORD};
use keyhold::{
    cli::{create_key, NewKey},
    serve::Limits,
};
use sqlx::PgPool;
use std::{
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    time::{Duration, Instant},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn limit(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

/// An anonymous app that knows the test operator, with these settings.
async fn with_operator(pool: PgPool, settings: Settings) -> TestApp {
    let app = TestApp::anonymous(pool).with_settings(settings);
    app.operator(OPERATOR_EMAIL, &TestApp::operator_password_hash()).await;
    app
}

/// `sign_in` as the form posts it, from `peer`, with these extra headers.
fn sign_in_from(peer: &str, email: &str, password: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new()).append_pair("email", email).append_pair("password", password).finish();
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/rpc/sign_in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(body)).unwrap();
    let ip: IpAddr = peer.parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40000)));
    request
}

fn signed_in(reply: &Reply) -> bool {
    reply.status.is_success() || reply.status.is_redirection()
}

async fn audit_rows(app: &TestApp) -> i64 {
    app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'operator.sign%'").await
}

// --- 1. body limits on the bytes that arrive ------------------------------------------

/// Sends `body` to `path` on `server` with `Transfer-Encoding: chunked`
/// (no length given), in chunks of 16 KiB, with the session `cookie` if
/// given, and answers the whole response.
async fn post_chunked(server: &Server, path: &str, content_type: &str, body: &[u8], cookie: Option<&str>) -> String {
    let mut conn = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let cookie = cookie.map(|c| format!("cookie: {c}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\n{cookie}content-type: {content_type}\r\naccept: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        server.addr
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(16 * 1024) {
        // The server may answer and close before it has read everything.
        if conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.is_err()
            || conn.write_all(chunk).await.is_err()
            || conn.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = conn.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[sqlx::test(migrations = "./migrations")]
async fn a_chunked_sign_in_over_the_limit_is_refused_with_413_and_nothing_of_it_is_recorded(pool: PgPool) {
    let app = with_operator(pool, Settings::default()).await;
    let server = Server::start(app.router.clone()).await;
    let email = "a".repeat(390_000);
    let body = format!("email={email}%40example.com&password=whatever-it-is");
    let status = post_chunked(&server, "/rpc/sign_in", "application/x-www-form-urlencoded", body.as_bytes(), None).await;
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    assert_eq!(audit_rows(&app).await, 0, "nothing of the request reaches the audit log");
    let longest: Option<i32> = sqlx::query_scalar("SELECT max(length(operator_email)) FROM audit_log").fetch_one(&app.pool).await.unwrap();
    assert!(longest.unwrap_or(0) <= 254);
}

#[sqlx::test(migrations = "./migrations")]
async fn chunked_bodies_are_limited_on_every_route_group(pool: PgPool) {
    let app = TestApp::new(pool);
    app.sign_in_as_operator().await;
    let cookie = app.session_cookie().unwrap();
    let server = Server::start(app.router.clone()).await;
    // The verification API: 4 KiB.
    let verify = format!(r#"{{"key": "{}"}}"#, "k".repeat(8 * 1024));
    let answer = post_chunked(&server, "/api/v1/keys/verify", "application/json", verify.as_bytes(), None).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "verify: {answer}");
    // A signed-in server function: 64 KiB.
    let body = format!("q={}", "a".repeat(100 * 1024));
    let answer = post_chunked(&server, "/rpc/list_keys", "application/x-www-form-urlencoded", body.as_bytes(), Some(&cookie)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "list_keys: {answer}");
    assert!(answer.contains("The request is too large."), "{answer}");
    // The key forms take the avatar: 1 MiB and the rest, not more.
    let content_type = format!("multipart/form-data; boundary={}", common::BOUNDARY);
    let answer = post_chunked(&server, "/rpc/create_key", &content_type, &vec![b'x'; 1300 * 1024], Some(&cookie)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "create_key: {answer}");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn an_email_that_is_not_one_is_refused_before_the_throttle_and_the_audit_log(pool: PgPool) {
    let app = with_operator(pool, Settings { sign_in_limit: limit(2), ..Settings::default() }).await;
    let long = format!("{}@example.com", "a".repeat(300));
    for email in [long.as_str(), "not-an-email", "two@@example.com"] {
        for _ in 0..3 {
            let reply = app.send_raw(sign_in_from("10.0.0.1", email, "whatever-it-is", &[])).await;
            assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text());
            assert!(reply.err().field_message("email").is_some(), "{}", reply.text());
        }
    }
    assert_eq!(audit_rows(&app).await, 0);
    // None of those used up the address's two attempts.
    let reply = app.send_raw(sign_in_from("10.0.0.1", OPERATOR_EMAIL, OPERATOR_PASSWORD, &[])).await;
    assert!(signed_in(&reply), "{} {}", reply.status, reply.text());
}

// --- 3. sign-in limits, back-off, trusted proxies -------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn after_five_failures_in_a_row_an_account_waits_even_from_new_addresses(pool: PgPool) {
    let app = with_operator(pool, Settings::default()).await;
    for i in 1..=5 {
        let reply = app.send_raw(sign_in_from(&format!("10.0.0.{i}"), OPERATOR_EMAIL, "wrong-password-guess", &[])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}: {}", reply.text());
    }
    // Even the right password, from an address never seen, waits now.
    let reply = app.send_raw(sign_in_from("10.0.0.99", OPERATOR_EMAIL, OPERATOR_PASSWORD, &[])).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "{}", reply.text());
    assert_eq!(reply.err(), AppError::TooManyRequests("Too many attempts, try again in 1 second.".into()));
    // Another account is not affected.
    app.operator("second@example.com", &TestApp::operator_password_hash()).await;
    let other = app.send_raw(sign_in_from("10.0.0.99", "second@example.com", OPERATOR_PASSWORD, &[])).await;
    assert!(signed_in(&other), "{}", other.text());
}

#[sqlx::test(migrations = "./migrations")]
async fn the_address_limit_and_the_account_limit_are_separate_settings(pool: PgPool) {
    // Many accounts from one address: the address limit.
    let settings = Settings { sign_in_limit: limit(3), sign_in_account_limit: limit(100), ..Settings::default() };
    let app = with_operator(pool.clone(), settings).await;
    for i in 0..3 {
        let reply = app.send_raw(sign_in_from("10.0.0.1", &format!("guess{i}@example.com"), "wrong-password", &[])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = app.send_raw(sign_in_from("10.0.0.1", "guess9@example.com", "wrong-password", &[])).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    // One account from many addresses: the account limit, not the address one.
    let settings = Settings { sign_in_limit: limit(100), sign_in_account_limit: limit(2), ..Settings::default() };
    let app = app.with_settings(settings);
    for ip in ["10.0.1.1", "10.0.1.2"] {
        let reply = app.send_raw(sign_in_from(ip, "target@example.com", "wrong-password", &[])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = app.send_raw(sign_in_from("10.0.1.3", "TARGET@example.com", "wrong-password", &[])).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "the account limit counts the normalised email");
}

fn behind_proxy(settings: Settings) -> Settings {
    Settings { trusted_proxies: TrustedProxies::parse("127.0.0.1").unwrap(), ..settings }
}

#[sqlx::test(migrations = "./migrations")]
async fn x_forwarded_for_names_the_client_only_when_a_trusted_proxy_sends_it(pool: PgPool) {
    let app = with_operator(pool, behind_proxy(Settings { sign_in_limit: limit(2), ..Settings::default() })).await;
    let from = |client: &str| [("x-forwarded-for", client.to_owned())];
    // Through the proxy, each client has its own budget...
    for _ in 0..2 {
        let reply =
            app.send_raw(sign_in_from("127.0.0.1", "a@example.com", "wrong-password", &[("x-forwarded-for", "198.51.100.1")])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = app.send_raw(sign_in_from("127.0.0.1", "b@example.com", "wrong-password", &[("x-forwarded-for", "198.51.100.1")])).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "198.51.100.1 used its budget");
    let reply = app.send_raw(sign_in_from("127.0.0.1", OPERATOR_EMAIL, OPERATOR_PASSWORD, &[("x-forwarded-for", "198.51.100.2")])).await;
    assert!(signed_in(&reply), "another client behind the proxy: {}", reply.text());
    // ...and the audit log records the client, not the proxy.
    let addresses: Vec<Option<String>> = sqlx::query_scalar("SELECT address FROM audit_log WHERE action LIKE 'operator.sign%' ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(addresses, [Some("198.51.100.1".into()), Some("198.51.100.1".into()), Some("198.51.100.2".into())]);
    // A peer that is not a trusted proxy cannot pick its address.
    for (i, client) in ["203.0.113.1", "203.0.113.2"].iter().enumerate() {
        let headers = from(client);
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = app.send_raw(sign_in_from("192.0.2.50", &format!("c{i}@example.com"), "wrong-password", &headers)).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let reply = app.send_raw(sign_in_from("192.0.2.50", "c9@example.com", "wrong-password", &[("x-forwarded-for", "203.0.113.3")])).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "the untrusted peer's own budget");
}

fn verify_from(peer: &str, forwarded_for: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().method(Method::POST).uri("/api/v1/keys/verify").header(header::CONTENT_TYPE, "application/json");
    if let Some(client) = forwarded_for {
        request = request.header("x-forwarded-for", client);
    }
    let mut request = request.body(Body::from(r#"{"key": "kh_nonsense"}"#)).unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 40000)));
    request
}

#[sqlx::test(migrations = "./migrations")]
async fn the_verify_rate_limit_counts_forwarded_clients_and_ipv6_64s(pool: PgPool) {
    let app = TestApp::anonymous(pool).with_settings(behind_proxy(Settings { verify_rate_limit: limit(2), ..Settings::default() }));
    for _ in 0..2 {
        assert_eq!(app.send_raw(verify_from("127.0.0.1", Some("198.51.100.1"))).await.status, StatusCode::OK);
    }
    assert_eq!(app.send_raw(verify_from("127.0.0.1", Some("198.51.100.1"))).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.send_raw(verify_from("127.0.0.1", Some("198.51.100.2"))).await.status, StatusCode::OK);
    // One IPv6 /64 is one client, whichever of its addresses it uses.
    assert_eq!(app.send_raw(verify_from("2001:db8:1:2::1", None)).await.status, StatusCode::OK);
    assert_eq!(app.send_raw(verify_from("2001:db8:1:2::2", None)).await.status, StatusCode::OK);
    assert_eq!(app.send_raw(verify_from("2001:db8:1:2:ffff::3", None)).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.send_raw(verify_from("2001:db8:1:3::1", None)).await.status, StatusCode::OK);
}

// --- 6. webhook addresses and ports, refused by every door ----------------------------

fn url_of(example: &str) -> String {
    match example.parse::<IpAddr>().unwrap() {
        IpAddr::V4(v4) => format!("http://{v4}/hook"),
        IpAddr::V6(v6) => format!("http://[{v6}]/hook"),
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn every_special_address_and_internal_port_is_refused_by_the_keys_page(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let ports = ["https://hooks.example.com:6379/", "https://hooks.example.com:5432/", "http://hooks.example.com:22/"];
    for url in REFUSED_EXAMPLES.iter().map(|e| url_of(e)).chain(ports.map(String::from)) {
        let reply = app.create_key(&Multipart::key(&format!("Key {url}"), &url, &[account.id])).await;
        let errors = reply.invalid_fields();
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert_eq!(errors[0].0, field::WEBHOOK_URL, "{url}");
    }
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn every_special_address_and_internal_port_is_refused_by_the_command_line(pool: PgPool) {
    let app = TestApp::new(pool);
    let vault = app.state.services.vault.clone();
    let ports = ["https://hooks.example.com:6379/", "http://hooks.example.com:11211/"];
    for url in REFUSED_EXAMPLES.iter().map(|e| url_of(e)).chain(ports.map(String::from)) {
        let new = NewKey { name: "Cli".into(), webhook_url: url.clone(), accounts: vec!["Default".into()] };
        let err = create_key(&app.store, &vault, &WebhookPolicy::STRICT, &new).await.unwrap_err();
        assert!(err.field_message(field::WEBHOOK_URL).is_some(), "{url}: {err:?}");
    }
    // The review's example, with private addresses allowed: the port is still refused.
    let redis = NewKey { name: "Redis".into(), webhook_url: "http://127.0.0.1:6379/".into(), accounts: vec!["Default".into()] };
    let err = create_key(&app.store, &vault, &WebhookPolicy::ALLOW_PRIVATE, &redis).await.unwrap_err();
    assert!(err.field_message(field::WEBHOOK_URL).unwrap().contains("ports"), "{err:?}");
    assert_eq!(app.key_count().await, 0);
}

// --- 9. __Host- cookie and HSTS over https ---------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn over_https_the_cookie_is_host_prefixed_and_hsts_is_sent(pool: PgPool) {
    let https = Settings { public_origin: Some("https://keys.example.com".into()), ..Settings::default() };
    let app = with_operator(pool.clone(), https).await;
    let reply = app.send_raw(sign_in_from("10.0.0.1", OPERATOR_EMAIL, OPERATOR_PASSWORD, &[])).await;
    let cookie = reply.headers.get(header::SET_COOKIE).expect("a session cookie").to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-keyhold_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    assert_eq!(reply.headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(), keyhold::HSTS);
    let page = app.get("/keys").await;
    assert_eq!(page.status, StatusCode::OK, "the prefixed cookie signs in");
    assert_eq!(page.headers.get(header::STRICT_TRANSPORT_SECURITY).unwrap(), keyhold::HSTS);
    // Over plain http: the plain name, no HSTS.
    let plain = with_operator(pool, Settings::default()).await;
    let reply = plain.send_raw(sign_in_from("10.0.0.1", OPERATOR_EMAIL, OPERATOR_PASSWORD, &[])).await;
    let cookie = reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.starts_with("keyhold_session="), "{cookie}");
    assert!(reply.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
}

// --- 4. sessions end 12 hours after sign-in, however busy -----------------------------

/// Moves every session's sign-in time `seconds` into the past.
async fn age_sessions(app: &TestApp, seconds: i64) {
    sqlx::query("UPDATE sessions SET data = jsonb_set(data, '{signed_in_at}', to_jsonb((data->>'signed_in_at')::bigint - $1))")
        .bind(seconds)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[sqlx::test(migrations = "./migrations")]
async fn a_session_ends_at_its_max_age_after_sign_in_however_busy(pool: PgPool) {
    let app = TestApp::new(pool);
    app.sign_in_as_operator().await;
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::OK);
    // A minute short of 12 hours after sign-in, still going (and kept alive)...
    age_sessions(&app, 12 * 3600 - 60).await;
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::OK);
    // ...and past it, ended, for this cookie and every copy of it.
    age_sessions(&app, 61).await;
    let cookie = app.session_cookie().unwrap();
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    let mut copy = Request::builder().method(Method::POST).uri("/rpc/list_keys").header(header::ACCEPT, "application/json");
    copy = copy.header(header::COOKIE, cookie).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    assert_eq!(app.send_raw(copy.body(Body::from("q=")).unwrap()).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_session_lifetimes_are_settings(pool: PgPool) {
    let settings = Settings { session_max_age: std::time::Duration::from_secs(3600), ..Settings::default() };
    let app = TestApp::new(pool).with_settings(settings);
    app.sign_in_as_operator().await;
    let reply = app.rpc("list_keys", &[("q", "")]).await;
    assert_eq!(reply.status, StatusCode::OK);
    age_sessions(&app, 3600).await;
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::UNAUTHORIZED);
    let from_env = Settings::from_vars(|name| match name {
        "KEYHOLD_SESSION_IDLE" => Some("15min".into()),
        "KEYHOLD_SESSION_MAX_AGE" => Some("8h".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!((from_env.session_idle.as_secs(), from_env.session_max_age.as_secs()), (15 * 60, 8 * 3600));
    assert_eq!((Settings::default().session_idle.as_secs(), Settings::default().session_max_age.as_secs()), (30 * 60, 12 * 3600));
}

// --- 5. sign-out cannot be undone by a request in flight ------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_request_that_loaded_the_session_before_sign_out_cannot_bring_it_back(pool: PgPool) {
    use app::domain::operator::{Operator, SESSION_OPERATOR};
    use tower_sessions::{session::Id, Session};
    let app = TestApp::new(pool);
    app.sign_in_as_operator().await;
    let cookie = app.session_cookie().unwrap();
    let id: Id = cookie.split_once('=').unwrap().1.parse().expect("the cookie holds a session id");
    // A request in flight has loaded the session, as the session layer does...
    let in_flight = Session::new(Some(id), std::sync::Arc::new(app.state.sessions.clone()), None);
    assert!(in_flight.get::<Operator>(SESSION_OPERATOR).await.unwrap().is_some(), "the request sees the operator");
    // ...when the operator signs out.
    let out = app.rpc("sign_out", &[]).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.text());
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0);
    // The request then refreshes the session's idle timer and saves it.
    in_flight.insert("seen", 1_i64).await.unwrap();
    in_flight.save().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 0, "the ended session stays ended");
    let mut replay = Request::builder().method(Method::POST).uri("/rpc/list_keys").header(header::ACCEPT, "application/json");
    replay = replay.header(header::COOKIE, cookie).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    assert_eq!(app.send_raw(replay.body(Body::from("q=")).unwrap()).await.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "./migrations")]
async fn saving_a_live_session_still_keeps_it_alive(pool: PgPool) {
    use tower_sessions::{session::Id, Session};
    let app = TestApp::new(pool);
    app.sign_in_as_operator().await;
    let cookie = app.session_cookie().unwrap();
    let id: Id = cookie.split_once('=').unwrap().1.parse().unwrap();
    let before: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("SELECT expires_at FROM sessions").fetch_one(&app.pool).await.unwrap();
    let session = Session::new(
        Some(id),
        std::sync::Arc::new(app.state.sessions.clone()),
        Some(tower_sessions::Expiry::OnInactivity(time::Duration::hours(1))),
    );
    session.insert("seen", 2_i64).await.unwrap();
    session.save().await.unwrap();
    let (after, seen): (chrono::DateTime<chrono::Utc>, Option<i64>) =
        sqlx::query_as("SELECT expires_at, (data->>'seen')::bigint FROM sessions").fetch_one(&app.pool).await.unwrap();
    assert!(after > before, "the save moved the expiry: {before} → {after}");
    assert_eq!(seen, Some(2));
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::OK);
}

// --- 10. operators' passwords and re-enabling, from the shell ---------------------------

/// What a `keyhold` command run in a shell printed.
struct Ran {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs the real `keyhold operator <args>` on the test's database, with
/// `stdin` as its standard input (not a terminal, so a password is read as
/// one line).
async fn keyhold_operator(pool: &PgPool, args: &[&str], stdin: &str) -> Ran {
    use std::process::Stdio;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_keyhold"))
        .arg("operator")
        .args(args)
        .env("DATABASE_URL", common::serve::database_url(pool).await)
        .env("RUST_LOG", "keyhold=warn")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the keyhold binary starts");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    Ran {
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

async fn password_hash_of(pool: &PgPool, email: &str) -> String {
    sqlx::query_scalar("SELECT password_hash FROM operators WHERE email = $1").bind(email).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "./migrations")]
async fn set_password_applies_the_password_rules_and_ends_the_operators_sessions(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.sign_in_as_operator().await;
    let cookie = app.session_cookie().unwrap();
    // Another operator's session is not touched.
    let other = TestApp::anonymous(pool.clone());
    other.operator("second@example.com", &TestApp::operator_password_hash()).await;
    assert!(signed_in(&other.sign_in("second@example.com", OPERATOR_PASSWORD).await));
    let old_hash = password_hash_of(&pool, OPERATOR_EMAIL).await;

    // The rules of `operator create`: nothing changes when they refuse.
    for (password, message) in [("too short\n", "Use at least 12 characters"), ("password1234\n", "leaked from other sites")] {
        let ran = keyhold_operator(&pool, &["set-password", "--email", OPERATOR_EMAIL], password).await;
        assert!(!ran.success, "{password:?} was accepted: {}", ran.stdout);
        assert!(ran.stderr.contains(message), "{}", ran.stderr);
        assert!(!ran.stderr.contains(password.trim()), "the password is not echoed: {}", ran.stderr);
    }
    let ran = keyhold_operator(&pool, &["set-password", "--email", "nobody@example.com"], "a brand new passphrase 42\n").await;
    assert!(!ran.success && ran.stderr.contains("No operator has the email nobody@example.com"), "{}", ran.stderr);
    assert_eq!(password_hash_of(&pool, OPERATOR_EMAIL).await, old_hash);
    assert_eq!(app.rpc("list_keys", &[("q", "")]).await.status, StatusCode::OK, "still signed in");

    // Any case of the email finds the operator.
    let ran = keyhold_operator(&pool, &["set-password", "--email", "Operator@Example.COM"], "a brand new passphrase 42\n").await;
    assert!(ran.success, "{}", ran.stderr);
    assert!(ran.stdout.contains("ended 1 session(s)"), "{}", ran.stdout);
    let mut replay = Request::builder().method(Method::POST).uri("/rpc/list_keys").header(header::ACCEPT, "application/json");
    replay = replay.header(header::COOKIE, cookie).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    assert_eq!(app.send_raw(replay.body(Body::from("q=")).unwrap()).await.status, StatusCode::UNAUTHORIZED, "the old session ended");
    assert_eq!(app.count("SELECT count(*) FROM sessions").await, 1, "only the other operator's session is left");
    assert!(signed_in(&other.rpc("list_keys", &[("q", "")]).await));

    let fresh = TestApp::anonymous(pool.clone());
    assert_eq!(fresh.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY, "the old password fails");
    assert!(signed_in(&fresh.sign_in(OPERATOR_EMAIL, "a brand new passphrase 42").await), "the new one works");
    let audited: Vec<(String, String, serde_json::Value)> =
        sqlx::query_as("SELECT operator_email, actor_kind, details FROM audit_log WHERE action = 'operator.password_set'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].1, "command_line");
    assert_eq!(audited[0].2["sessions_ended"], 1);
    assert!(!audited[0].2.to_string().contains("passphrase"), "no password in the audit log");
}

#[sqlx::test(migrations = "./migrations")]
async fn enable_lets_a_disabled_operator_sign_in_again(pool: PgPool) {
    let app = with_operator(pool.clone(), Settings::default()).await;
    let ran = keyhold_operator(&pool, &["disable", "--email", OPERATOR_EMAIL], "").await;
    assert!(ran.success, "{}", ran.stderr);
    assert_eq!(app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY, "disabled");

    let ran = keyhold_operator(&pool, &["enable", "--email", OPERATOR_EMAIL], "").await;
    assert!(ran.success, "{}", ran.stderr);
    assert!(ran.stdout.contains("Enabled operator operator@example.com"), "{}", ran.stdout);
    assert!(signed_in(&app.sign_in(OPERATOR_EMAIL, OPERATOR_PASSWORD).await), "enabled again");
    assert!(app.count("SELECT count(*) FROM operators WHERE disabled_at IS NOT NULL").await == 0);

    // Enabling an operator who is not disabled changes nothing, and says so.
    let ran = keyhold_operator(&pool, &["enable", "--email", "OPERATOR@example.com"], "").await;
    assert!(ran.success, "{}", ran.stderr);
    assert!(ran.stdout.contains("was not disabled; nothing changed"), "{}", ran.stdout);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'operator.enabled'").await, 1);
    let ran = keyhold_operator(&pool, &["enable", "--email", "nobody@example.com"], "").await;
    assert!(!ran.success && ran.stderr.contains("No operator has the email nobody@example.com"), "{}", ran.stderr);
}

// --- 8. slow clients are cut off, connections are capped -------------------------------

/// `router` served by `keyhold::serve::serve` on a free loopback port
/// within `limits`; send on the sender to stop it, and await the handle to
/// see it return.
async fn serve_with(router: axum::Router, limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(keyhold::serve::serve(listener, router, limits, async {
        let _ = stopped.await;
    }));
    (addr, stop, served)
}

const LIVE: &str = "GET /api/v1/health/live HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n";

/// Sends `request` on `conn` and reads one response (`None` when the
/// connection closes first); answers its head.
async fn ask(conn: &mut tokio::net::TcpStream, request: &str) -> Option<String> {
    conn.write_all(request.as_bytes()).await.ok()?;
    read_response(conn).await
}

/// Reads one response with a `content-length` from `conn`; its head.
async fn read_response(conn: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().parse::<usize>().unwrap_or(0)))
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).await.ok()?;
    Some(head)
}

/// Waits (at most `deadline`) until the server closes `conn`, reading and
/// dropping whatever it sends.
async fn until_closed(conn: &mut tokio::net::TcpStream, deadline: Duration) -> Result<(), tokio::time::error::Elapsed> {
    tokio::time::timeout(deadline, async {
        let mut buf = [0u8; 256];
        while matches!(conn.read(&mut buf).await, Ok(n) if n > 0) {}
    })
    .await
}

#[sqlx::test(migrations = "./migrations")]
async fn a_client_that_sends_its_headers_slowly_is_cut_off(pool: PgPool) {
    let app = TestApp::anonymous(pool);
    let limits = Limits { header_timeout: Duration::from_secs(1), max_connections: 16 };
    let (addr, stop, served) = serve_with(app.router.clone(), limits).await;

    // A byte of an endless header every 100 ms: the head never ends.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = slow.split();
    let started = Instant::now();
    let dripping = async {
        writer.write_all(b"GET /api/v1/health/live HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ").await.unwrap();
        while writer.write_all(b"a").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Writing fails once the server has closed: the reader says when.
        std::future::pending::<()>().await
    };
    let closed = async {
        let mut buf = [0u8; 256];
        let n = reader.read(&mut buf).await.unwrap_or(0);
        (n, started.elapsed())
    };
    let (read, after) = tokio::select! {
        () = dripping => unreachable!("the dripping never ends"),
        closed = tokio::time::timeout(Duration::from_secs(10), closed) => closed.expect("the slow client is cut off"),
    };
    assert_eq!(read, 0, "closed without an answer");
    assert!(after >= Duration::from_millis(900) && after < Duration::from_secs(5), "cut off after {after:?}");

    // A client that connects and sends nothing is cut off the same way.
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    until_closed(&mut silent, Duration::from_secs(5)).await.expect("the silent client is cut off");
    // An ordinary client is served meanwhile.
    let mut normal = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = ask(&mut normal, LIVE).await.expect("an answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    drop((slow, stop, served));
}

#[sqlx::test(migrations = "./migrations")]
async fn connections_beyond_the_cap_wait_until_one_closes(pool: PgPool) {
    let app = TestApp::anonymous(pool);
    let limits = Limits { header_timeout: Duration::from_secs(30), max_connections: 2 };
    let (addr, stop, served) = serve_with(app.router.clone(), limits).await;
    let mut first = tokio::net::TcpStream::connect(addr).await.unwrap();
    assert!(ask(&mut first, LIVE).await.expect("an answer").starts_with("HTTP/1.1 200"));
    let second = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The third waits in the listen queue: its request is not answered...
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    let waiting = tokio::time::timeout(Duration::from_millis(500), ask(&mut third, LIVE)).await;
    assert!(waiting.is_err(), "a third connection was served: {waiting:?}");
    // ...until one of the two closes.
    drop(second);
    let head = tokio::time::timeout(Duration::from_secs(5), read_response(&mut third))
        .await
        .expect("served once a slot is free")
        .expect("an answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // The first, kept alive, is still served.
    assert!(ask(&mut first, LIVE).await.expect("an answer").starts_with("HTTP/1.1 200"));

    // Stopping refuses new connections, closes the idle ones and returns.
    stop.send(()).unwrap();
    until_closed(&mut first, Duration::from_secs(2)).await.expect("an idle connection is closed on stop");
    until_closed(&mut third, Duration::from_secs(2)).await.expect("every idle connection is closed on stop");
    tokio::time::timeout(Duration::from_secs(5), served).await.expect("serve returns once the connections closed").unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no new connections after stop");
}

#[test]
fn the_server_limits_are_settings() {
    let s = Settings::from_vars(|name| match name {
        "KEYHOLD_HEADER_TIMEOUT" => Some("3s".into()),
        "KEYHOLD_MAX_CONNECTIONS" => Some("40".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(Limits::of(&s), Limits { header_timeout: Duration::from_secs(3), max_connections: 40 });
    assert_eq!(Limits::of(&Settings::default()), Limits { header_timeout: Duration::from_secs(10), max_connections: 512 });
}

// --- 9. a flood of anonymous requests cannot take the whole pool -----------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_flood_of_anonymous_requests_leaves_the_pool_to_everyone_else(pool: PgPool) {
    use keyhold::db::ANONYMOUS_QUERIES;
    use sqlx::Connection;
    let many = Settings { sign_in_limit: limit(1000), sign_in_account_limit: limit(1000), ..Settings::default() };
    let app = with_operator(pool.clone(), many).await;
    let max = pool.options().get_max_connections() as usize;
    assert!(max > ANONYMOUS_QUERIES + 1, "the test pool has only {max} connections");
    let new = NewKey { name: "Flood".into(), webhook_url: "https://hooks.example.com/keyhold".into(), accounts: vec!["Default".into()] };
    let (_, token) = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new).await.unwrap();

    // Every query about operators or sessions now waits, holding its connection.
    let mut locker = sqlx::PgConnection::connect(&common::serve::database_url(&pool).await).await.unwrap();
    let mut tx = locker.begin().await.unwrap();
    sqlx::query("LOCK TABLE operators, sessions, management_tokens IN ACCESS EXCLUSIVE MODE").execute(&mut *tx).await.unwrap();
    let waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";

    // 32 anonymous requests at once: pages and server functions with
    // made-up session cookies, the sign-in page's status, sign-ins from
    // many addresses, management API calls with made-up tokens.
    let made_up = || format!("{}={}", keyhold::auth::SESSION_COOKIE, tower_sessions::session::Id::default());
    let flood: Vec<_> = (0..32)
        .map(|i| {
            let app = app.clone();
            let request = match i % 5 {
                0 => Request::builder().uri("/keys").header(header::COOKIE, made_up()).body(Body::empty()).unwrap(),
                1 => sign_in_status(),
                2 => {
                    let mut request = sign_in_status();
                    *request.uri_mut() = "/rpc/list_keys".parse().unwrap();
                    request.headers_mut().insert(header::COOKIE, made_up().parse().unwrap());
                    request
                }
                3 => sign_in_from(&format!("10.1.0.{i}"), &format!("guess{i}@example.com"), "wrong-password", &[]),
                _ => Request::builder()
                    .uri("/api/v1/accounts")
                    .header(
                        header::AUTHORIZATION,
                        format!("Bearer {}", app::domain::management_token::ManagementToken::generate().expose()),
                    )
                    .body(Body::empty())
                    .unwrap(),
            };
            tokio::spawn(async move { app.send_raw(request).await.status })
        })
        .collect();

    // All but the limit's worth of them are told at once that the server
    // is busy, without a query...
    let deadline = Instant::now() + Duration::from_secs(10);
    while flood.iter().filter(|task| task.is_finished()).count() < flood.len() - ANONYMOUS_QUERIES {
        let n: i64 = sqlx::query_scalar(waiting).fetch_one(&mut *tx).await.unwrap();
        assert!(n as usize <= ANONYMOUS_QUERIES, "{n} anonymous queries hold connections");
        assert!(Instant::now() < deadline, "the waiting requests were not answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let n: i64 = sqlx::query_scalar(waiting).fetch_one(&mut *tx).await.unwrap();
    assert!(n as usize <= ANONYMOUS_QUERIES, "{n} anonymous queries hold connections");
    // ...and a verification still gets a connection at once.
    let reply = tokio::time::timeout(Duration::from_secs(3), app.verify(token.expose())).await.expect("the verification is answered");
    assert_eq!(reply.json()["code"], "VALID", "{}", reply.text());
    tx.rollback().await.unwrap();

    let mut busy = 0;
    for task in flood {
        let status = task.await.unwrap();
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
        if matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
            busy += 1;
        }
    }
    assert_eq!(busy, 32 - ANONYMOUS_QUERIES, "all but the ones that got a turn were told the server is busy");
    // Once an operator is known to exist, the sign-in page's status costs no query at all.
    assert_eq!(app.send_raw(sign_in_status()).await.text(), "true");
    let mut tx = locker.begin().await.unwrap();
    sqlx::query("LOCK TABLE operators IN ACCESS EXCLUSIVE MODE").execute(&mut *tx).await.unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(2), app.send_raw(sign_in_status())).await.expect("answered without the database");
    assert_eq!(reply.text(), "true");
    tx.rollback().await.unwrap();
}

/// The sign-in page's question whether any operator exists.
fn sign_in_status() -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/rpc/sign_in_status")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .unwrap()
}

// --- 2. a flood of sign-ins: at most one password check per core -----------------------

#[sqlx::test(migrations = "./migrations")]
async fn sign_ins_beyond_the_password_check_cap_are_refused_with_429_at_once(pool: PgPool) {
    let many = Settings { sign_in_limit: limit(1000), sign_in_account_limit: limit(1000), ..Settings::default() };
    let app = with_operator(pool, many).await;
    // 200 at once from 50 addresses, each for another (unknown) email: each
    // one checked costs a dummy Argon2 run.
    let attempts: Vec<_> = (0..200)
        .map(|i| {
            let app = app.clone();
            let request = sign_in_from(&format!("10.2.0.{}", i % 50), &format!("guess{i}@example.com"), "wrong-password", &[]);
            tokio::spawn(async move { app.send_raw(request).await })
        })
        .collect();
    let (mut checked, mut refused) = (0_i64, 0_usize);
    for attempt in attempts {
        let reply = attempt.await.unwrap();
        match reply.status {
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(reply.err().field_message("credentials").as_deref(), Some(app::auth::api::WRONG_CREDENTIALS));
                checked += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                let err = reply.err();
                // The password checks' cap, or (fewer) the limit on anonymous queries.
                let cap = err == AppError::TooManyRequests("Too many attempts, try again in 1 second.".into());
                let queries = err == AppError::TooManyRequests("The server is busy, try again in 1 second.".into());
                assert!(cap || queries, "{err:?}");
                refused += usize::from(cap);
            }
            other => panic!("{other}: {}", reply.text()),
        }
    }
    assert!(refused > 0, "no sign-in was refused by the cap ({checked} checked)");
    assert!(checked > 0, "none was checked");
    // Only the ones checked were recorded: a refused attempt costs no Argon2 run and no row.
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'operator.sign_in_failed'").await, checked);
    // The cap is released: the operator signs in.
    let reply = app.send_raw(sign_in_from("10.2.1.1", OPERATOR_EMAIL, OPERATOR_PASSWORD, &[])).await;
    assert!(signed_in(&reply), "{} {}", reply.status, reply.text());
}

// --- 3. one form of an email, for the throttle and the database alike -------------------

/// "josé@example.com" with the é as one code point (NFC)...
const COMPOSED: &str = "jos\u{e9}@example.com";
/// ...and as an e with a combining accent (NFD, as some keyboards send
/// it), in capitals: the same address to a person.
const DECOMPOSED_UPPER: &str = "JOSE\u{301}@Example.COM";

#[sqlx::test(migrations = "./migrations")]
async fn an_email_is_one_operator_in_every_unicode_form_and_case(pool: PgPool) {
    use app::{
        domain::{actor::Actor, operator::Email},
        store::OperatorStore,
    };
    let app = TestApp::anonymous(pool);
    app.operator(COMPOSED, &TestApp::operator_password_hash()).await;
    // Signing in with another form finds the operator...
    let reply = app.send_raw(sign_in_from("10.3.0.1", DECOMPOSED_UPPER, OPERATOR_PASSWORD, &[])).await;
    assert!(signed_in(&reply), "{} {}", reply.status, reply.text());
    // ...creating it again in another form is refused...
    let err =
        keyhold::cli::create_operator(&app.store, &Email::parse(DECOMPOSED_UPPER).unwrap(), "another long passphrase").await.unwrap_err();
    assert!(err.field_message("email").unwrap().contains("already exists"), "{err:?}");
    let capital = Email::parse("JOS\u{c9}@EXAMPLE.COM").unwrap();
    let err = keyhold::cli::create_operator(&app.store, &capital, "another long passphrase").await.unwrap_err();
    assert!(err.field_message("email").is_some(), "{err:?}");
    assert_eq!(app.count("SELECT count(*) FROM operators").await, 1);
    // ...and the shell's commands find it in any form.
    assert_eq!(app.store.disable_operator(&Actor::CommandLine, &capital).await.unwrap(), 1, "its session ended");
    assert!(app.store.enable_operator(&Actor::CommandLine, &Email::parse(DECOMPOSED_UPPER).unwrap()).await.unwrap());
    // The failures of one address in any form count against one account.
    for (i, form) in [COMPOSED, DECOMPOSED_UPPER, "JOS\u{c9}@example.com", "jose\u{301}@EXAMPLE.com", COMPOSED].iter().enumerate() {
        let reply = app.send_raw(sign_in_from(&format!("10.3.1.{i}"), form, "wrong-password", &[])).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
    }
    let reply = app.send_raw(sign_in_from("10.3.2.1", COMPOSED, OPERATOR_PASSWORD, &[])).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS, "five failures in a row on one account: {}", reply.text());
}

#[sqlx::test(migrations = "./migrations")]
async fn operators_stored_before_the_email_key_get_theirs_when_keyhold_starts(pool: PgPool) {
    let insert = "INSERT INTO operators (email, password_hash) VALUES ($1, $2)";
    sqlx::query(insert).bind(DECOMPOSED_UPPER).bind(TestApp::operator_password_hash()).execute(&pool).await.unwrap();
    keyhold::db::migrate(&pool).await.unwrap();
    let key: String = sqlx::query_scalar("SELECT email_key FROM operators").fetch_one(&pool).await.unwrap();
    assert_eq!(key, COMPOSED);
    let app = TestApp::anonymous(pool.clone());
    assert!(signed_in(&app.send_raw(sign_in_from("10.3.0.1", "JOS\u{c9}@example.com", OPERATOR_PASSWORD, &[])).await));
    // Two stored operators that are one address in Keyhold's form: the start says which.
    sqlx::query(insert).bind(COMPOSED).bind(TestApp::operator_password_hash()).execute(&pool).await.unwrap();
    let err = keyhold::db::migrate(&pool).await.unwrap_err().to_string();
    assert!(err.contains(DECOMPOSED_UPPER) && err.contains(COMPOSED) && err.contains("same email"), "{err}");
}
