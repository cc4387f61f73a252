//! `keyhold key create` (the shell's way to create a key, used by
//! `scripts/bench`) against a fresh PostgreSQL database per test.

mod common;

use app::{
    domain::{address::WebhookPolicy, draft::field},
    error::AppError,
};
use common::TestApp;
use keyhold::cli::{create_key, describe, NewKey};
use sqlx::PgPool;

fn new_key(name: &str, accounts: &[&str]) -> NewKey {
    NewKey {
        name: name.into(),
        webhook_url: "https://hooks.example.com/keyhold".into(),
        accounts: accounts.iter().map(|a| a.to_string()).collect(),
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_created_from_the_shell_verifies_with_the_token_it_printed(pool: PgPool) {
    let app = TestApp::new(pool);
    let (key, token) =
        create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new_key("Bench", &["default"])).await.unwrap();
    assert_eq!(key.accounts, vec![app.default_account().await]);

    let reply = app.verify(token.expose()).await;
    let body = reply.json();
    assert_eq!(body["code"], "VALID", "{body}");
    assert_eq!(body["keyId"], key.id.to_string());
    // Operators can copy it from the Keys page like any other key.
    let copied: String = app.key_token(key.id).await.ok();
    assert_eq!(copied, token.expose());
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_can_grant_several_accounts_named_on_the_command_line(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme Corp").await;
    let (key, _) = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new_key("Both", &["Default", "ACME CORP"]))
        .await
        .unwrap();
    let names: Vec<&str> = key.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec![acme.name.as_str(), "Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_for_an_unknown_account_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let err = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new_key("Orphan", &["Nobody"])).await.unwrap_err();
    assert!(err.field_message(field::ACCOUNTS).unwrap().contains("Nobody"), "{err:?}");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_is_validated_like_on_the_keys_page_and_every_problem_is_named_by_its_option(pool: PgPool) {
    let app = TestApp::new(pool);
    let mut new = new_key(" ", &["Default"]);
    new.webhook_url = "ftp://example.com".into();
    let err = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new).await.unwrap_err();
    assert!(matches!(err, AppError::Invalid(ref errors) if errors.len() == 2), "{err:?}");
    let line = describe(&err);
    assert!(line.starts_with("--name: ") && line.contains("; --webhook-url: "), "{line}");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_second_key_with_the_same_name_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new_key("Twice", &["Default"])).await.unwrap();
    let err = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new_key("twice", &["Default"])).await.unwrap_err();
    assert!(err.field_message(field::NAME).is_some(), "{err:?}");
    assert_eq!(app.key_count().await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_webhook_url_inside_the_network_is_refused_as_on_the_keys_page_unless_private_webhooks_are_allowed(pool: PgPool) {
    let app = TestApp::new(pool);
    let mut new = new_key("Internal", &["Default"]);
    new.webhook_url = "http://127.0.0.1:9000/".into();

    let err = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::STRICT, &new).await.unwrap_err();
    let message = err.field_message(field::WEBHOOK_URL).unwrap_or_else(|| panic!("{err:?}"));
    assert!(message.contains("loopback"), "{message}");
    assert_eq!(describe(&err).split(':').next(), Some("--webhook-url"));
    assert_eq!(app.key_count().await, 0);

    let (key, _) = create_key(&app.store, &app.state.services.vault, &WebhookPolicy::ALLOW_PRIVATE, &new).await.unwrap();
    assert_eq!(key.webhook_url, "http://127.0.0.1:9000/");
}

/// `keyhold key create` itself, on the test's database: the settings decide.
async fn run_key_create(pool: &PgPool, url: &str, allow_private: &str) -> std::process::Output {
    let name: String = sqlx::query_scalar("SELECT current_database()").fetch_one(pool).await.unwrap();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL is set for #[sqlx::test]");
    let (server, _) = base.rsplit_once('/').expect("DATABASE_URL ends with a database name");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_keyhold"))
        .args(["key", "create", "--name", "Local", "--webhook-url", url])
        .env("DATABASE_URL", format!("{server}/{name}"))
        .env("KEYHOLD_MASTER_KEY", app::domain::vault::TokenVault::generate_master_key())
        .env("KEYHOLD_ALLOW_PRIVATE_WEBHOOKS", allow_private)
        .env("RUST_LOG", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .await
        .expect("the keyhold binary runs")
}

#[sqlx::test(migrations = "./migrations")]
async fn the_key_create_command_refuses_a_loopback_webhook_unless_the_setting_allows_it(pool: PgPool) {
    let app = TestApp::new(pool.clone());

    let refused = run_key_create(&pool, "http://127.0.0.1:9000/", "false").await;
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty(), "no token is printed");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--webhook-url") && stderr.contains("loopback"), "{stderr}");
    assert_eq!(app.key_count().await, 0);

    // The review's example: Redis's port is refused even where loopback is allowed.
    let redis = run_key_create(&pool, "http://127.0.0.1:6379/", "true").await;
    assert!(!redis.status.success());
    let stderr = String::from_utf8_lossy(&redis.stderr);
    assert!(stderr.contains("--webhook-url") && stderr.contains("ports"), "{stderr}");
    assert_eq!(app.key_count().await, 0);

    let allowed = run_key_create(&pool, "http://127.0.0.1:9000/", "true").await;
    assert!(allowed.status.success(), "{}", String::from_utf8_lossy(&allowed.stderr));
    assert!(String::from_utf8_lossy(&allowed.stdout).trim().starts_with("kh_"));
    assert_eq!(app.key_count().await, 1);
}
