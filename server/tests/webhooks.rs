//! Webhooks end to end: keys changed through the server functions, events
//! sent by real workers over HTTP to receivers this test starts on
//! 127.0.0.1, and checked the way a receiver would check them.

mod common;

use app::{
    domain::{
        actor::Actor,
        address::WebhookPolicy,
        delivery::{Delivery, DeliveryState},
        key::ApiKey,
        webhook_secret::WebhookSecret,
    },
    settings::Settings,
    store::{Outbox, WebhookStore},
};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use common::{
    http::Server,
    serve::{database_url, key_for_servers, Serve},
    Multipart, TestApp,
};
use hmac::{Hmac, KeyInit, Mac};
use keyhold::{
    db::PgStore,
    webhooks::{deliver::NO_ANSWER, WebhookTuning, Worker},
};
use serde_json::Value;
use sha2::Sha256;
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::Notify;
use uuid::Uuid;

// --- a receiver ---------------------------------------------------------------

/// What the receiver does with the next request.
#[derive(Debug, Clone, Copy)]
enum Answer {
    Status(u16),
    /// Never answers (a receiver hanging mid-delivery).
    Hold,
}

#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }

    fn event_type(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_owned()
    }
}

#[derive(Default)]
struct Log {
    received: Vec<Received>,
    script: VecDeque<Answer>,
    /// Answers per event type, used before the script.
    by_type: HashMap<String, VecDeque<Answer>>,
}

/// An HTTP server on 127.0.0.1 recording every request it gets.
#[derive(Clone)]
struct Receiver {
    log: Arc<Mutex<Log>>,
    arrived: Arc<Notify>,
}

struct RunningReceiver {
    receiver: Receiver,
    server: Server,
}

impl std::ops::Deref for RunningReceiver {
    type Target = Receiver;
    fn deref(&self) -> &Receiver {
        &self.receiver
    }
}

impl RunningReceiver {
    fn url(&self) -> String {
        format!("http://{}/hook", self.server.addr)
    }
}

impl Receiver {
    async fn start() -> RunningReceiver {
        let receiver = Receiver { log: Arc::default(), arrived: Arc::new(Notify::new()) };
        let router = Router::new().route("/hook", post(receive)).with_state(receiver.clone());
        RunningReceiver { receiver, server: Server::start(router).await }
    }

    /// The next requests get these answers, then 200.
    fn answer(&self, answers: &[Answer]) {
        self.log.lock().unwrap().script.extend(answers.iter().copied());
    }

    fn answer_type(&self, event_type: &str, answers: &[Answer]) {
        self.log.lock().unwrap().by_type.entry(event_type.into()).or_default().extend(answers.iter().copied());
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().received.clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let received = Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let answer = {
        let mut log = receiver.log.lock().unwrap();
        let event_type = received.event_type();
        log.received.push(received);
        let by_type = log.by_type.get_mut(&event_type).and_then(VecDeque::pop_front);
        by_type.or_else(|| log.script.pop_front()).unwrap_or(Answer::Status(200))
    };
    receiver.arrived.notify_waiters();
    match answer {
        Answer::Status(code) => StatusCode::from_u16(code).unwrap(),
        Answer::Hold => std::future::pending().await,
    }
}

/// Checks a delivery the way the README tells receivers to.
fn verify_signature(secret: &str, r: &Received) -> bool {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("a whsec_ secret")).unwrap();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", r.id, r.timestamp, r.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    r.signature.split(' ').any(|s| s == expected)
}

// --- helpers --------------------------------------------------------------------

/// The app under test. Its keys' webhook URLs point at receivers on
/// 127.0.0.1, so wherever URLs are checked when saved, private addresses must
/// be allowed here.
fn test_app(pool: PgPool) -> TestApp {
    // The receivers listen on loopback, which is refused unless allowed.
    TestApp::new(pool).with_settings(Settings { webhook_policy: WebhookPolicy::ALLOW_PRIVATE, ..Settings::default() })
}

/// Short waits, for tests.
fn fast(schedule_ms: &[u64]) -> WebhookTuning {
    WebhookTuning {
        poll_interval: Duration::from_millis(10),
        lease: Duration::from_secs(30),
        timeout: Duration::from_secs(2),
        schedule: schedule_ms.iter().map(|&ms| Duration::from_millis(ms)).collect(),
        batch: 16,
        expiry_scan_interval: Duration::from_secs(3600),
        retention: Duration::from_secs(30 * 24 * 3600),
        prune_batch: 1000,
    }
}

/// A worker allowed to send to private addresses (the receivers are on loopback).
fn worker(app: &TestApp, tuning: WebhookTuning) -> Worker {
    Worker::new(app.store.clone(), app.state.services.vault.clone(), tuning, WebhookPolicy::ALLOW_PRIVATE)
}

async fn key_to(app: &TestApp, name: &str, url: &str) -> ApiKey {
    let account = app.default_account().await;
    app.create_key(&Multipart::key(name, url, &[account.id])).await.ok()
}

async fn secret_of(app: &TestApp, key: Uuid) -> String {
    app.rpc("webhook_secret", &[("key_id", &key.to_string())]).await.ok()
}

async fn deliveries(app: &TestApp, key: Uuid) -> Vec<Delivery> {
    app.rpc("list_deliveries", &[("key_id", &key.to_string())]).await.ok()
}

/// Waits until `$check` (an expression that may `.await`) holds, for at most
/// `$timeout`.
macro_rules! eventually {
    ($timeout:expr, $what:expr, $check:expr) => {{
        let start = tokio::time::Instant::now();
        while !$check {
            assert!(start.elapsed() < $timeout, "timed out waiting until {}", $what);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }};
}

async fn count_in_state(pool: &PgPool, state: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries WHERE state = $1").bind(state).fetch_one(pool).await.unwrap()
}

/// A worker of another server on the same database: its own pool, the
/// same master key.
async fn other_worker(app: &TestApp, tuning: WebhookTuning) -> Worker {
    let pool = PgPoolOptions::new().max_connections(5).connect_with((*app.pool.connect_options()).clone()).await.unwrap();
    Worker::new(PgStore::new(pool), app.state.services.vault.clone(), tuning, WebhookPolicy::ALLOW_PRIVATE)
}

// --- the tests -------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_delivery_carries_standard_webhooks_headers_and_a_signature_the_receiver_can_verify(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Signed", &receiver.url()).await;

    assert_eq!(worker(&app, fast(&[])).run_once().await.unwrap(), 1);

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    let secret = secret_of(&app, key.id).await;
    assert!(verify_signature(&secret, r), "the signature must verify: {r:?}");
    assert!(!verify_signature(&WebhookSecret::generate().expose(), r), "another secret must not verify");
    let stored = deliveries(&app, key.id).await;
    assert_eq!(r.id, stored[0].id.to_string(), "webhook-id is the delivery's id");
    let sent_at: i64 = r.timestamp.parse().expect("webhook-timestamp is unix seconds");
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    let body = r.json();
    assert_eq!(body["type"], "key.created");
    assert_eq!(body["data"]["id"], key.id.to_string());
    assert_eq!(body["data"]["name"], "Signed");
    assert_eq!(body["data"]["status"], "active");
    assert_eq!(body["data"]["accounts"][0]["name"], "Default");
    assert!(body["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(stored[0].state, DeliveryState::Delivered);
    assert_eq!(stored[0].last_status, Some(200));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_regenerated_secret_signs_the_next_delivery_and_the_old_one_stops(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Rotated", &receiver.url()).await;
    let old = secret_of(&app, key.id).await;

    let new: String = app.rpc("regenerate_webhook_secret", &[("key_id", &key.id.to_string())]).await.ok();
    worker(&app, fast(&[])).run_once().await.unwrap();

    assert_ne!(old, new);
    assert_eq!(secret_of(&app, key.id).await, new);
    let r = &receiver.received()[0];
    assert!(verify_signature(&new, r));
    assert!(!verify_signature(&old, r));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    receiver.answer(&[Answer::Status(500), Answer::Status(503)]);
    let key = key_to(&app, "Flaky", &receiver.url()).await;
    let _worker = worker(&app, fast(&[50, 50, 50])).start();

    eventually!(
        Duration::from_secs(10),
        "the third attempt is delivered",
        deliveries(&app, key.id).await[0].state == DeliveryState::Delivered
    );

    let received = receiver.received();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|r| r.id == received[0].id), "retries keep the webhook-id");
    let d = &deliveries(&app, key.id).await[0];
    assert_eq!((d.attempts, d.last_status, d.last_error.as_deref()), (3, Some(200), None));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_new_event_wakes_an_idle_worker_without_waiting_for_its_poll(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let settings = WebhookTuning { poll_interval: Duration::from_secs(3600), ..fast(&[]) };
    let _worker = worker(&app, settings).start();
    // Let it look once and fall asleep for the hour.
    tokio::time::sleep(Duration::from_millis(300)).await;

    key_to(&app, "Prompt", &receiver.url()).await;

    eventually!(Duration::from_secs(5), "the notification wakes the worker", !receiver.received().is_empty());
}

#[sqlx::test(migrations = "./migrations")]
async fn a_keys_events_arrive_in_order_even_while_one_is_retried(pool: PgPool) {
    let app = test_app(pool.clone());
    let receiver = Receiver::start().await;
    // The second event fails twice: the later ones must wait for it.
    receiver.answer_type("key.blocked", &[Answer::Status(500), Answer::Status(500)]);
    let key = key_to(&app, "Ordered", &receiver.url()).await;
    app.block_key(key.id).await.ok::<ApiKey>();
    app.unblock_key(key.id).await.ok::<ApiKey>();
    let now = app.stored(key.id).await.unwrap();
    let account = app.default_account().await;
    app.modify_key(&Multipart::modify(&now, "Ordered 2", &receiver.url(), &[account.id])).await.ok::<ApiKey>();
    app.rpc("roll_token", &[("id", &key.id.to_string()), ("grace", "none")]).await.ok::<String>();
    app.delete_key(key.id).await.ok::<()>();

    // Two workers, as two servers would run.
    let _a = worker(&app, fast(&[30, 30, 30])).start();
    let _b = other_worker(&app, fast(&[30, 30, 30])).await.start();
    eventually!(Duration::from_secs(10), "all six events are delivered", count_in_state(&app.pool, "delivered").await == 6);

    let types: Vec<String> = receiver.received().iter().map(Received::event_type).collect();
    let mut firsts = types.clone();
    firsts.dedup();
    assert_eq!(firsts, ["key.created", "key.blocked", "key.unblocked", "key.modified", "key.rolled", "key.deleted"]);
    assert_eq!(types.len(), 8, "the blocked event was tried three times: {types:?}");
}

#[sqlx::test(migrations = "./migrations")]
async fn two_workers_on_one_database_deliver_each_event_exactly_once(pool: PgPool) {
    let app = test_app(pool.clone());
    let receiver = Receiver::start().await;
    let mut keys = Vec::new();
    for i in 0..20 {
        keys.push(key_to(&app, &format!("Busy {i}"), &receiver.url()).await);
    }
    for _ in 0..10 {
        for key in &keys {
            app.store.send_test_event(&Actor::CommandLine, key.id).await.unwrap();
        }
    }

    let _a = worker(&app, fast(&[])).start();
    let _b = other_worker(&app, fast(&[])).await.start();
    eventually!(Duration::from_secs(30), "all 220 events are delivered", count_in_state(&app.pool, "delivered").await == 220);
    // Give a duplicate (if any) time to arrive.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let received = receiver.received();
    let mut per_id: HashMap<&str, usize> = HashMap::new();
    for r in &received {
        *per_id.entry(&r.id).or_default() += 1;
    }
    assert_eq!(received.len(), 220, "each of the 220 events exactly once");
    assert!(per_id.values().all(|&n| n == 1));
    let attempts: i64 = app.count("SELECT sum(attempts)::bigint FROM webhook_deliveries").await;
    assert_eq!(attempts, 220);
}

#[sqlx::test(migrations = "./migrations")]
async fn an_unreachable_url_ends_as_failed_with_the_reason_and_marks_the_key(pool: PgPool) {
    let app = test_app(pool);
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let key = key_to(&app, "Unreachable", &format!("http://{closed}/hook")).await;
    let _worker = worker(&app, fast(&[20, 20, 20])).start();

    eventually!(Duration::from_secs(10), "the delivery fails for good", deliveries(&app, key.id).await[0].state == DeliveryState::Failed);

    let d = &deliveries(&app, key.id).await[0];
    assert_eq!(d.attempts, 4, "one attempt and three retries");
    assert_eq!(d.last_status, None);
    assert_eq!(d.last_error.as_deref(), Some(NO_ANSWER));
    assert_eq!(d.next_attempt_at, None);
    assert!(app.stored(key.id).await.unwrap().webhook_failing, "the key is marked as failing");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_receiver_still_failing_after_three_attempts_marks_the_key_while_retrying(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    receiver.answer(&[Answer::Status(500); 3]);
    let key = key_to(&app, "Struggling", &receiver.url()).await;
    let w = worker(&app, fast(&[0, 0, 3_600_000]));
    // Each retry is due at once (the first two) until the third attempt fails.
    eventually!(Duration::from_secs(10), "three attempts were sent", {
        w.run_once().await.unwrap();
        deliveries(&app, key.id).await[0].attempts == 3
    });

    let d = &deliveries(&app, key.id).await[0];
    assert_eq!((d.state, d.attempts, d.last_status), (DeliveryState::Pending, 3, Some(500)));
    assert!(d.next_attempt_at.is_some_and(|t| t > chrono::Utc::now() + chrono::Duration::minutes(30)));
    assert!(app.stored(key.id).await.unwrap().webhook_failing);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_redirect_is_not_followed_and_counts_as_a_failed_attempt(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    receiver.answer(&[Answer::Status(307)]);
    let key = key_to(&app, "Redirected", &receiver.url()).await;

    worker(&app, fast(&[60_000])).run_once().await.unwrap();

    assert_eq!(receiver.received().len(), 1);
    let d = &deliveries(&app, key.id).await[0];
    assert_eq!((d.state, d.last_status), (DeliveryState::Pending, Some(307)));
    assert!(d.outcome().contains("redirects are not followed"), "{}", d.outcome());
}

#[sqlx::test(migrations = "./migrations")]
async fn a_receiver_that_does_not_answer_in_time_is_a_failed_attempt(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    receiver.answer(&[Answer::Hold]);
    let key = key_to(&app, "Slow", &receiver.url()).await;
    let settings = WebhookTuning { timeout: Duration::from_millis(500), ..fast(&[60_000]) };

    worker(&app, settings).run_once().await.unwrap();

    let d = &deliveries(&app, key.id).await[0];
    assert_eq!((d.state, d.last_status), (DeliveryState::Pending, None));
    assert_eq!(d.last_error.as_deref(), Some(NO_ANSWER));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_private_address_is_refused_at_delivery_unless_allowed(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Internal", &receiver.url()).await;
    let strict = Worker::new(app.store.clone(), app.state.services.vault.clone(), fast(&[60_000]), WebhookPolicy::STRICT);

    strict.run_once().await.unwrap();

    assert!(receiver.received().is_empty(), "nothing may reach the private address");
    let d = &deliveries(&app, key.id).await[0];
    assert_eq!(d.last_error.as_deref(), Some(NO_ANSWER));
    assert_eq!(d.state, DeliveryState::Pending, "a refusal is a failed attempt, retried like any other");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_refused_address_a_closed_port_and_a_silent_receiver_read_the_same_in_the_delivery_log(pool: PgPool) {
    // The delivery log must not tell which hosts and ports answer.
    let app = test_app(pool);
    let listening = Receiver::start().await;
    let silent = Receiver::start().await;
    silent.answer(&[Answer::Hold]);
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let tuning = WebhookTuning { timeout: Duration::from_millis(500), ..fast(&[60_000]) };
    // Refused: the listening receiver is on loopback, which a strict worker never reaches.
    let refused = key_to(&app, "Refused", &listening.url()).await;
    let strict = Worker::new(app.store.clone(), app.state.services.vault.clone(), tuning.clone(), WebhookPolicy::STRICT);
    strict.run_once().await.unwrap();
    let strict_outcome = deliveries(&app, refused.id).await[0].outcome();
    // Unreachable and silent, for a worker that may reach loopback.
    let unreachable = key_to(&app, "Closed", &format!("http://{closed}/hook")).await;
    let slow = key_to(&app, "Silent", &silent.url()).await;
    worker(&app, tuning).run_once().await.unwrap();
    let outcomes = [strict_outcome, deliveries(&app, unreachable.id).await[0].outcome(), deliveries(&app, slow.id).await[0].outcome()];
    assert!(listening.received().is_empty());
    assert!(outcomes.iter().all(|o| o == &outcomes[0]), "{outcomes:?}");
    assert!(outcomes[0].contains(NO_ANSWER), "{}", outcomes[0]);
}

#[sqlx::test(migrations = "./migrations")]
async fn no_event_ever_carries_the_token(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Secretive", &receiver.url()).await;
    let first: String = app.key_token(key.id).await.ok();
    let second: String = app.rpc("roll_token", &[("id", &key.id.to_string()), ("grace", "1h")]).await.ok();
    app.block_key(key.id).await.ok::<ApiKey>();
    let w = worker(&app, fast(&[]));
    while w.run_once().await.unwrap() > 0 {}

    let received = receiver.received();
    assert_eq!(received.len(), 3);
    let stored: Vec<String> = sqlx::query_scalar("SELECT payload FROM webhook_deliveries").fetch_all(&app.pool).await.unwrap();
    for body in received.iter().map(|r| &r.body).chain(&stored) {
        for token in [&first, &second] {
            assert!(!body.contains(token.as_str()), "a token leaked into {body}");
            assert!(!body.contains(&token[3..]), "part of a token leaked into {body}");
        }
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn a_deleted_keys_last_event_is_still_delivered_and_signed(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Gone soon", &receiver.url()).await;
    let secret = secret_of(&app, key.id).await;
    app.delete_key(key.id).await.ok::<()>();
    let w = worker(&app, fast(&[]));
    while w.run_once().await.unwrap() > 0 {}

    let received = receiver.received();
    let last = received.last().expect("events arrived");
    assert_eq!(last.event_type(), "key.deleted");
    assert_eq!(last.json()["data"]["name"], "Gone soon");
    assert!(verify_signature(&secret, last));
    // Nothing is pending any more, so the secret is forgotten at the next scan.
    w.scan().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM webhook_secrets").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_without_a_secret_gets_one_when_its_first_event_is_sent(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Old", &receiver.url()).await;
    assert_eq!(app.count("SELECT count(*) FROM webhook_secrets").await, 0);

    worker(&app, fast(&[])).run_once().await.unwrap();

    assert_eq!(app.count("SELECT count(*) FROM webhook_secrets").await, 1);
    assert!(verify_signature(&secret_of(&app, key.id).await, &receiver.received()[0]));
}

#[sqlx::test(migrations = "./migrations")]
async fn expiring_events_are_queued_once_for_each_threshold(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Expiring", &receiver.url()).await;
    let far = key_to(&app, "Far off", &receiver.url()).await;
    let set_expiry = |id: Uuid, sql: &'static str| {
        let pool = app.pool.clone();
        async move { sqlx::query(sql).bind(id).execute(&pool).await.unwrap() }
    };
    set_expiry(key.id, "UPDATE api_keys SET expires_at = now() + interval '3 days' WHERE id = $1").await;
    set_expiry(far.id, "UPDATE api_keys SET expires_at = now() + interval '30 days' WHERE id = $1").await;
    let w = worker(&app, fast(&[]));

    assert_eq!(w.scan().await.unwrap(), 1, "the 7-day notice");
    assert_eq!(w.scan().await.unwrap(), 0, "only once");
    set_expiry(key.id, "UPDATE api_keys SET expires_at = expires_at - interval '2 days 12 hours' WHERE id = $1").await;
    assert_eq!(w.scan().await.unwrap(), 1, "the 1-day notice");
    assert_eq!(w.scan().await.unwrap(), 0, "only once");
    while w.run_once().await.unwrap() > 0 {}

    let expiring: Vec<Value> = receiver.received().iter().filter(|r| r.event_type() == "key.expiring").map(Received::json).collect();
    assert_eq!(expiring.len(), 2);
    assert_eq!(expiring[0]["data"]["expires_in_days"], 7);
    assert_eq!(expiring[1]["data"]["expires_in_days"], 1);
    assert!(expiring.iter().all(|e| e["data"]["id"] == key.id.to_string()));
}

#[sqlx::test(migrations = "./migrations")]
async fn finished_deliveries_are_kept_for_30_days_and_pending_ones_for_ever(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Old news", &receiver.url()).await;
    let w = worker(&app, fast(&[]));
    w.run_once().await.unwrap();
    app.store.send_test_event(&Actor::CommandLine, key.id).await.unwrap();
    let age = |days: i32| {
        let pool = app.pool.clone();
        async move {
            sqlx::query("UPDATE webhook_deliveries SET updated_at = now() - make_interval(days => $1)")
                .bind(days)
                .execute(&pool)
                .await
                .unwrap()
        }
    };

    age(29).await;
    w.scan().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM webhook_deliveries").await, 2, "29 days old: kept");
    age(31).await;
    w.scan().await.unwrap();

    let left: Vec<String> = sqlx::query_scalar("SELECT state FROM webhook_deliveries").fetch_all(&app.pool).await.unwrap();
    assert_eq!(left, ["pending"], "the delivered one is gone, the pending one stays");
}

#[sqlx::test(migrations = "./migrations")]
async fn pruning_deletes_every_old_delivery_in_bounded_batches_through_an_index(pool: PgPool) {
    let app = test_app(pool.clone());
    let key = key_to(&app, "Many", "https://hooks.example.com/many").await;
    // Five finished deliveries 31 days old, one pending one as old.
    sqlx::query(
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url, state, updated_at)
         SELECT $1, 'key.test', '{}', 'https://hooks.example.com/many', s, now() - interval '31 days'
         FROM unnest(ARRAY['delivered', 'failed', 'delivered', 'failed', 'delivered', 'pending']) AS s",
    )
    .bind(key.id)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE webhook_deliveries SET updated_at = now() - interval '31 days'").execute(&pool).await.unwrap();

    let deleted = app.store.prune_deliveries(Duration::from_secs(30 * 24 * 3600), 2).await.unwrap();

    assert_eq!(deleted, 5, "three batches: 2, 2 and 1");
    let left: Vec<String> = sqlx::query_scalar("SELECT state FROM webhook_deliveries").fetch_all(&pool).await.unwrap();
    assert_eq!(left, ["pending", "pending"], "the key.created delivery and the old pending one stay");

    // The batch is found through the index, not by reading every delivery.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT id FROM webhook_deliveries
         WHERE state <> 'pending' AND updated_at < now() - make_interval(secs => 2592000)
         ORDER BY updated_at, id LIMIT 1000",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert!(plan.iter().any(|line| line.contains("webhook_deliveries_finished")), "{plan:#?}");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_entering_both_windows_at_once_gets_one_expiring_event(pool: PgPool) {
    let app = test_app(pool);
    let key = key_to(&app, "Soon", "https://hooks.example.com/soon").await;
    sqlx::query("UPDATE api_keys SET expires_at = now() + interval '12 hours' WHERE id = $1")
        .bind(key.id)
        .execute(&app.pool)
        .await
        .unwrap();
    let w = worker(&app, fast(&[]));

    assert_eq!(w.scan().await.unwrap(), 1);
    assert_eq!(w.scan().await.unwrap(), 0);
    let body: String =
        sqlx::query_scalar("SELECT payload FROM webhook_deliveries WHERE event_type = 'key.expiring'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["data"]["expires_in_days"], 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn resend_and_test_events_are_new_deliveries_listed_newest_first(pool: PgPool) {
    let app = test_app(pool);
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Resent", &receiver.url()).await;
    let w = worker(&app, fast(&[]));
    w.run_once().await.unwrap();
    let created = deliveries(&app, key.id).await.remove(0);

    let copy: Delivery = app.rpc("resend_delivery", &[("delivery_id", &created.id.to_string())]).await.ok();
    let test: Delivery = app.rpc("send_test_event", &[("key_id", &key.id.to_string())]).await.ok();
    while w.run_once().await.unwrap() > 0 {}

    assert_ne!(copy.id, created.id);
    let listed: Vec<(Uuid, String)> = deliveries(&app, key.id).await.into_iter().map(|d| (d.id, d.event_type.to_string())).collect();
    assert_eq!(listed, [(test.id, "key.test".into()), (copy.id, "key.created".into()), (created.id, "key.created".into())]);
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[1].body, received[0].body, "a resend sends the same event");
    assert_ne!(received[1].id, received[0].id, "with a new webhook-id");
    assert_eq!(received[2].event_type(), "key.test");
}

#[sqlx::test(migrations = "./migrations")]
async fn webhook_functions_on_a_missing_key_or_delivery_say_so(pool: PgPool) {
    let app = test_app(pool);
    let nobody = Uuid::new_v4().to_string();
    for (endpoint, arg) in [
        ("list_deliveries", "key_id"),
        ("send_test_event", "key_id"),
        ("webhook_secret", "key_id"),
        ("regenerate_webhook_secret", "key_id"),
        ("resend_delivery", "delivery_id"),
    ] {
        let message = app.rpc(endpoint, &[(arg, &nobody)]).await.not_found();
        assert!(message.contains("no longer exists"), "{endpoint}: {message}");
    }
    let reply = app.rpc("list_deliveries", &[("key_id", "not-a-uuid")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
}

// --- a real server killed mid-delivery -------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn a_handed_back_claim_is_due_at_once_and_a_newer_claim_of_another_worker_is_left_alone(pool: PgPool) {
    let app = test_app(pool.clone());
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Handed back", &receiver.url()).await;
    let lease = Duration::from_secs(60);
    let row = |pool: PgPool| async move {
        sqlx::query_as::<_, (i32, bool)>("SELECT attempts, locked_until IS NOT NULL FROM webhook_deliveries WHERE key_id = $1")
            .bind(key.id)
            .fetch_one(&pool)
            .await
            .unwrap()
    };

    // Claimed, never sent: the claim is undone, attempt included.
    let claimed = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!(claimed.len(), 1);
    app.store.release_deliveries(&[(claimed[0].id, claimed[0].attempts)], false).await.unwrap();
    assert_eq!(row(pool.clone()).await, (0, false));

    // Cut short mid-attempt: the attempt counts.
    let claimed = app.store.claim_deliveries(10, lease).await.unwrap();
    app.store.release_deliveries(&[(claimed[0].id, claimed[0].attempts)], true).await.unwrap();
    assert_eq!(row(pool.clone()).await, (1, false));

    // A worker whose lease ran out releases nothing once another claimed it.
    let stale = app.store.claim_deliveries(10, lease).await.unwrap();
    sqlx::query("UPDATE webhook_deliveries SET locked_until = now() WHERE key_id = $1").bind(key.id).execute(&pool).await.unwrap();
    let newer = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!(newer.len(), 1);
    app.store.release_deliveries(&[(stale[0].id, stale[0].attempts)], false).await.unwrap();
    assert_eq!(row(pool.clone()).await, (3, true), "the newer claim keeps its lease");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_worker_whose_lease_ran_out_cannot_overwrite_the_result_of_the_worker_that_took_over(pool: PgPool) {
    let app = test_app(pool.clone());
    let receiver = Receiver::start().await;
    let key = key_to(&app, "Taken over", &receiver.url()).await;
    let lease = Duration::from_secs(60);
    let row = |pool: PgPool| async move {
        sqlx::query_as::<_, (String, i32, Option<i32>, Option<String>)>(
            "SELECT state, attempts, last_status, last_error FROM webhook_deliveries WHERE key_id = $1",
        )
        .bind(key.id)
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    let run_out = |pool: PgPool| async move {
        sqlx::query("UPDATE webhook_deliveries SET locked_until = now() WHERE key_id = $1").bind(key.id).execute(&pool).await.unwrap();
    };

    // A late success does not overwrite the failure the taker recorded.
    let late = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!(late.len(), 1);
    run_out(pool.clone()).await;
    let taker = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!(taker.len(), 1);
    app.store.record_failure(&taker[0], Some(503), "HTTP 503", Some(Duration::from_secs(3600))).await.unwrap();
    app.store.record_delivered(&late[0], 200).await.unwrap();
    assert_eq!(row(pool.clone()).await, ("pending".to_string(), 2, Some(503), Some("HTTP 503".to_string())));

    // A late failure does not overwrite the success the taker recorded.
    sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = now() WHERE key_id = $1").bind(key.id).execute(&pool).await.unwrap();
    let late = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!(late.len(), 1);
    run_out(pool.clone()).await;
    let taker = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!(taker.len(), 1);
    app.store.record_delivered(&taker[0], 204).await.unwrap();
    app.store.record_failure(&late[0], None, "no HTTP answer", None).await.unwrap();
    assert_eq!(row(pool.clone()).await, ("delivered".to_string(), 4, Some(204), None));

    // A late success while the taker is still sending leaves the delivery to the taker.
    let key = key_to(&app, "Still sending", &receiver.url()).await;
    let late = app.store.claim_deliveries(10, lease).await.unwrap();
    sqlx::query("UPDATE webhook_deliveries SET locked_until = now() WHERE key_id = $1").bind(key.id).execute(&pool).await.unwrap();
    let taker = app.store.claim_deliveries(10, lease).await.unwrap();
    assert_eq!((late.len(), taker.len()), (1, 1));
    app.store.record_delivered(&late[0], 200).await.unwrap();
    let (state, locked): (String, bool) = sqlx::query_as("SELECT state, locked_until > now() FROM webhook_deliveries WHERE key_id = $1")
        .bind(key.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((state.as_str(), locked), ("pending", true));
}

/// Starts another `keyhold serve` on the database, waits until it has
/// delivered the (one) event, and checks the receiver got it twice under
/// one `webhook-id`: the cut-short attempt and this one.
async fn another_server_delivers_it_again(pool: &PgPool, url: &str, master: &str, receiver: &Receiver, deadline: Duration) {
    let second = Serve::start(url, master).await;
    eventually!(deadline, "another server delivers the event", count_in_state(pool, "delivered").await == 1);
    second.kill().await;
    let received = receiver.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].id, received[1].id, "the same delivery, so the receiver can drop the duplicate");
    assert_eq!(received[1].event_type(), "key.created");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_server_killed_mid_delivery_delivers_the_event_after_a_restart(pool: PgPool) {
    let receiver = Receiver::start().await;
    receiver.answer(&[Answer::Hold]);
    let (master, key, _) = key_for_servers(&pool, &receiver.url()).await;
    let url = database_url(&pool).await;

    let first = Serve::start(&url, &master).await;
    eventually!(Duration::from_secs(60), "the first server sends the event", !receiver.received().is_empty());
    first.kill().await;

    let (state, attempts, leased): (String, i32, bool) =
        sqlx::query_as("SELECT state, attempts, locked_until > now() FROM webhook_deliveries WHERE key_id = $1")
            .bind(key.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts, leased), ("pending", 1, true), "the dead server left its lease");
    // The lease (60 s) would run out by itself; end it now rather than wait.
    sqlx::query("UPDATE webhook_deliveries SET locked_until = now() WHERE key_id = $1").bind(key.id).execute(&pool).await.unwrap();

    another_server_delivers_it_again(&pool, &url, &master, &receiver, Duration::from_secs(60)).await;
}

#[sqlx::test(migrations = "./migrations")]
async fn a_server_stopped_with_sigterm_mid_delivery_hands_the_delivery_back_for_another_to_send(pool: PgPool) {
    let receiver = Receiver::start().await;
    receiver.answer(&[Answer::Hold]);
    let (master, key, _) = key_for_servers(&pool, &receiver.url()).await;
    let url = database_url(&pool).await;

    let mut first = Serve::start(&url, &master).await;
    eventually!(Duration::from_secs(60), "the first server sends the event", !receiver.received().is_empty());
    first.terminate();
    let status = first.exit_status(Duration::from_secs(60)).await;
    assert!(status.success(), "keyhold exits 0 after SIGTERM, got {status}");

    let (state, attempts, leased, error): (String, i32, bool, Option<String>) =
        sqlx::query_as("SELECT state, attempts, locked_until IS NOT NULL, last_error FROM webhook_deliveries WHERE key_id = $1")
            .bind(key.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts, leased), ("pending", 1, false), "the attempt counts, and the lease was handed back");
    assert!(error.as_deref().is_some_and(|e| e.contains("shut down")), "{error:?}");

    // Due at once: no waiting for the 60 s lease.
    another_server_delivers_it_again(&pool, &url, &master, &receiver, Duration::from_secs(45)).await;
}

// --- benchmark ----------------------------------------------------------------------

/// How many deliveries a second one worker sends to a local receiver.
/// Run: `cargo test -p keyhold --features app/ssr --release --test webhooks -- --ignored --nocapture`
/// (`WEBHOOK_BENCH_EVENTS` and `WEBHOOK_BENCH_KEYS` change the run).
#[sqlx::test(migrations = "./migrations")]
#[ignore = "a benchmark; run it with --ignored"]
async fn bench_deliveries_per_second_of_one_worker(pool: PgPool) {
    let env = |name: &str, default: i64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (events, keys) = (env("WEBHOOK_BENCH_EVENTS", 10_000), env("WEBHOOK_BENCH_KEYS", 500));
    let app = test_app(pool.clone());
    let receiver = Receiver::start().await;
    let body = r#"{"type":"key.test","timestamp":"2026-11-26T14:00:00.000Z","data":{"name":"Bench"}}"#;
    // Deliveries of `keys` keys (their order per key is kept), in one statement.
    sqlx::query(
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url)
         SELECT ('00000000-0000-4000-8000-' || lpad((g % $2)::text, 12, '0'))::uuid, 'key.test', $3, $4
         FROM generate_series(1, $1) AS g",
    )
    .bind(events)
    .bind(keys)
    .bind(body)
    .bind(receiver.url())
    .execute(&pool)
    .await
    .unwrap();
    let settings = WebhookTuning { poll_interval: Duration::from_millis(10), ..WebhookTuning::default() };

    let start = std::time::Instant::now();
    let _worker = worker(&app, settings).start();
    eventually!(Duration::from_secs(600), "every event is delivered", count_in_state(&pool, "delivered").await == events);
    let seconds = start.elapsed().as_secs_f64();

    assert_eq!(receiver.received().len() as i64, events);
    println!(
        "webhook bench: {events} deliveries of {keys} keys in {seconds:.2} s = {:.0} deliveries/s (one worker, batch {})",
        events as f64 / seconds,
        WebhookTuning::default().batch
    );
}
