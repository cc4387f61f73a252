//! Rolling a key's token (with and without a grace period) and key expiry,
//! through the server functions and the verification API.

mod common;

use app::{domain::key::ApiKey, settings::Settings};
use axum::http::StatusCode;
use common::{Multipart, Reply, TestApp};
use keyhold::verify::VerifyTuning;
use serde_json::Value;
use sqlx::PgPool;
use std::{
    num::NonZeroU32,
    time::{Duration, Instant},
};

#[track_caller]
fn code_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["code"].as_str().unwrap_or_default().to_string()
}

async fn token_of(app: &TestApp, key: &ApiKey) -> String {
    app.key_token(key.id).await.ok()
}

async fn roll(app: &TestApp, key: &ApiKey, grace: &str) -> Reply {
    app.rpc("roll_token", &[("id", &key.id.to_string()), ("grace", grace)]).await
}

#[sqlx::test(migrations = "./migrations")]
async fn rolling_without_grace_stops_the_old_token_at_once(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let old = token_of(&app, &key).await;

    let new: String = roll(&app, &key, "none").await.ok();

    assert_ne!(new, old);
    assert!(app::domain::token::Token::parse(&new).is_ok());
    assert_eq!(code_of(&app.verify(&old).await), "NOT_FOUND");
    assert_eq!(code_of(&app.verify(&new).await), "VALID");
    // "Copy token" now copies the new one.
    assert_eq!(token_of(&app, &key).await, new);
}

#[sqlx::test(migrations = "./migrations")]
async fn during_the_grace_period_both_tokens_verify(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let old = token_of(&app, &key).await;

    let new: String = roll(&app, &key, "1h").await.ok();

    let body: Value = app.verify(&old).await.json();
    assert_eq!(body["code"], "VALID");
    assert_eq!(body["keyId"], serde_json::json!(key.id));
    assert_eq!(code_of(&app.verify(&new).await), "VALID");
}

#[sqlx::test(migrations = "./migrations")]
async fn after_the_grace_period_the_old_token_is_not_found(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let key = app.key("Payments").await;
    let old = token_of(&app, &key).await;
    let _: String = roll(&app, &key, "24h").await.ok();
    assert_eq!(code_of(&app.verify(&old).await), "VALID");

    // Move the end of the grace period into the past.
    sqlx::query("UPDATE api_key_previous_tokens SET valid_until = now() - interval '1 second'").execute(&pool).await.unwrap();
    let fresh = TestApp::new(pool);

    let body: Value = fresh.verify(&old).await.json();
    assert_eq!(body["code"], "NOT_FOUND");
    assert!(body.get("keyId").is_none_or(Value::is_null), "{body}");
}

#[sqlx::test(migrations = "./migrations")]
async fn rolling_twice_with_grace_keeps_every_token_still_in_its_grace(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let key = app.key("Payments").await;
    let first = token_of(&app, &key).await;
    let second: String = roll(&app, &key, "7d").await.ok();
    let third: String = roll(&app, &key, "1h").await.ok();

    assert_eq!(code_of(&app.verify(&first).await), "VALID");
    assert_eq!(code_of(&app.verify(&second).await), "VALID");
    assert_eq!(code_of(&app.verify(&third).await), "VALID");
    assert_eq!(app.count("SELECT count(*) FROM api_key_previous_tokens").await, 2);
}

#[sqlx::test(migrations = "./migrations")]
async fn an_emergency_roll_without_grace_ends_every_earlier_token_at_once(pool: PgPool) {
    // The cache is live, so the earlier tokens' answers are cached before the roll.
    let settings = Settings { verify_rate_limit: NonZeroU32::new(100_000).unwrap(), ..Settings::default() };
    let app = TestApp::with(pool.clone(), settings, VerifyTuning::default());
    let _tasks = app.state.start_background_tasks();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !app.state.verifier.cache.is_live() {
        assert!(Instant::now() < deadline, "the cache listener did not connect");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let key = app.key("Payments").await;
    let first = token_of(&app, &key).await;
    let second: String = roll(&app, &key, "7d").await.ok();
    let third: String = roll(&app, &key, "24h").await.ok();
    assert_eq!(code_of(&app.verify(&first).await), "VALID");
    assert_eq!(code_of(&app.verify(&second).await), "VALID");

    let fourth: String = roll(&app, &key, "none").await.ok();

    assert_eq!(app.count("SELECT count(*) FROM api_key_previous_tokens").await, 0);
    // Another server, with nothing cached, refuses every earlier token at once.
    let fresh = TestApp::new(pool);
    for earlier in [&first, &second, &third] {
        assert_eq!(code_of(&fresh.verify(earlier).await), "NOT_FOUND");
    }
    // This one forgets what it cached as soon as the roll's notification arrives.
    let deadline = Instant::now() + Duration::from_secs(10);
    for earlier in [&first, &second, &third] {
        loop {
            let code = code_of(&app.verify(earlier).await);
            if code == "NOT_FOUND" {
                break;
            }
            assert_eq!(code, "VALID");
            assert!(Instant::now() < deadline, "an earlier token still verifies after 10 s");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    assert_eq!(code_of(&app.verify(&fourth).await), "VALID");
}

#[sqlx::test(migrations = "./migrations")]
async fn rolling_a_missing_key_or_with_an_unknown_grace_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let old = token_of(&app, &key).await;

    let bad = roll(&app, &key, "30d").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
    assert_eq!(token_of(&app, &key).await, old, "nothing changed");

    let _ = app.delete_key(key.id).await;
    let gone = roll(&app, &key, "none").await;
    assert!(gone.not_found().contains("no longer exists"));
}

#[sqlx::test(migrations = "./migrations")]
async fn deleting_a_rolled_key_ends_its_old_tokens_too(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let old = token_of(&app, &key).await;
    let _: String = roll(&app, &key, "7d").await.ok();

    let _ = app.delete_key(key.id).await;

    assert_eq!(code_of(&app.verify(&old).await), "NOT_FOUND");
    assert_eq!(app.count("SELECT count(*) FROM api_key_previous_tokens").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_created_with_an_expiry_date_shows_it_and_expires_then(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let default = app.default_account().await;
    let form = Multipart::key("Expiring", "https://example.com/h", &[default.id]).text("expires", "2999-01-01");
    let reply = app.create_key(&form).await;
    // The ten-year limit refuses a date this far out.
    assert_eq!(reply.invalid_fields()[0].0, "expires");

    let in_a_week = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive().format("%Y-%m-%d").to_string();
    let form = Multipart::key("Expiring", "https://example.com/h", &[default.id]).text("expires", &in_a_week);
    let key: ApiKey = app.create_key(&form).await.ok();
    assert_eq!(key.expires_at.unwrap().date_naive().format("%Y-%m-%d").to_string(), in_a_week);
    let token = token_of(&app, &key).await;
    assert_eq!(code_of(&app.verify(&token).await), "VALID");

    sqlx::query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1").bind(key.id).execute(&pool).await.unwrap();
    let fresh = TestApp::new(pool);
    assert_eq!(code_of(&fresh.verify(&token).await), "EXPIRED");
}

#[sqlx::test(migrations = "./migrations")]
async fn an_expiry_of_today_or_earlier_is_refused_and_modify_can_clear_it(pool: PgPool) {
    let app = TestApp::new(pool);
    let default = app.default_account().await;
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let form = Multipart::key("Today", "https://example.com/h", &[default.id]).text("expires", &today);
    let reply = app.create_key(&form).await;
    assert_eq!(reply.invalid_fields(), vec![("expires".to_string(), "Choose a date after today.".to_string())]);
    assert_eq!(app.key_count().await, 0);

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).date_naive().format("%Y-%m-%d").to_string();
    let form = Multipart::key("Soon", "https://example.com/h", &[default.id]).text("expires", &tomorrow);
    let key: ApiKey = app.create_key(&form).await.ok();
    assert!(key.expires_at.is_some());

    let cleared: ApiKey = app.modify_key(&Multipart::modify(&key, "Soon", "https://example.com/h", &[default.id])).await.ok();
    assert_eq!(cleared.expires_at, None);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_list_reports_last_use_once_recorded(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let key = app.key("Payments").await;
    assert_eq!(app.list_keys("").await[0].last_used_at, None);

    sqlx::query("UPDATE api_keys SET last_used_at = now() WHERE id = $1").bind(key.id).execute(&pool).await.unwrap();

    assert!(app.list_keys("").await[0].last_used_at.is_some());
}
