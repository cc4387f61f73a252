//! The Accounts page's server functions, driven through the whole router
//! against a fresh PostgreSQL database per test (`#[sqlx::test]`).
//!
//! Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo test -p keyhold`.

mod common;

use app::{
    domain::{
        account::AccountUsage,
        key::{Account, ApiKey},
    },
    error::AppError,
};
use common::{Multipart, Reply, TestApp};
use sqlx::{postgres::PgListener, PgPool};
use std::{collections::HashSet, future::Future, time::Duration};
use uuid::Uuid;

const HOOK: &str = "https://hooks.example.com/keyhold";

/// Asserts the reply is a 422 with exactly one message, for `name`, that
/// contains `needle`.
#[track_caller]
fn assert_name_refused(reply: &Reply, needle: &str) {
    let errors = reply.invalid_fields();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "name", "{errors:?}");
    assert!(errors[0].1.contains(needle), "the name message {:?} should mention {needle:?}", errors[0].1);
}

fn usage(account: &Account, key_count: i64) -> AccountUsage {
    AccountUsage { id: account.id, name: account.name.clone(), key_count }
}

/// A key granting exactly `accounts`.
async fn key_for(app: &TestApp, name: &str, accounts: &[&Account]) -> ApiKey {
    let ids: Vec<Uuid> = accounts.iter().map(|a| a.id).collect();
    app.create_key(&Multipart::key(name, HOOK, &ids)).await.ok()
}

async fn account_names(app: &TestApp) -> Vec<String> {
    app.list_account_usage().await.into_iter().map(|a| a.name).collect()
}

/// What the verification caches are told while `change` runs: listens on
/// their channel first, runs the change, then sends a marker notification
/// and collects every payload until the marker arrives (notifications come
/// in commit order, so everything the change sent is in by then).
async fn notified_during<F: Future>(pool: &PgPool, change: F) -> (F::Output, Vec<String>) {
    let mut listener = PgListener::connect_with(pool).await.expect("a listener connects");
    listener.listen("keyhold_keys").await.expect("the listener listens");
    let output = change.await;
    sqlx::query("SELECT pg_notify('keyhold_keys', 'marker')").execute(pool).await.unwrap();
    let mut payloads = Vec::new();
    loop {
        let notification = tokio::time::timeout(Duration::from_secs(10), listener.recv())
            .await
            .expect("the marker arrives within 10 s")
            .expect("the listener stays connected");
        if notification.payload() == "marker" {
            return (output, payloads);
        }
        payloads.push(notification.payload().to_string());
    }
}

/// `count` keys made in SQL (they need no real token here) that grant `account`.
async fn bulk_keys(pool: &PgPool, count: i32, account: &Account) -> Vec<Uuid> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO api_keys (name, webhook_url, token_hash, token_nonce, token_ciphertext)
         SELECT 'Bulk ' || i, $2, sha256(('bulk ' || i)::bytea), '\\x00', '\\x00' FROM generate_series(1, $1) AS i
         RETURNING id",
    )
    .bind(count)
    .bind(HOOK)
    .fetch_all(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO api_key_accounts (key_id, account_id) SELECT unnest($1::uuid[]), $2")
        .bind(&ids)
        .bind(account.id)
        .execute(pool)
        .await
        .unwrap();
    ids
}

// --- list_account_usage -----------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn listing_account_usage_counts_the_keys_of_each_account_sorted_by_name_ignoring_case(pool: PgPool) {
    let app = TestApp::new(pool);
    let default = app.default_account().await;
    let zeta = app.account("zeta").await;
    let alpha = app.account("Alpha").await;
    key_for(&app, "Payments", &[&default, &alpha]).await;
    key_for(&app, "Billing", &[&alpha]).await;
    key_for(&app, "Search", &[&alpha]).await;

    let listed = app.list_account_usage().await;

    assert_eq!(listed, vec![usage(&alpha, 3), usage(&default, 1), usage(&zeta, 0)]);
}

#[test]
fn keys_text_says_no_keys_one_key_or_how_many() {
    let account = Account { id: Uuid::nil(), name: "Acme".into() };
    assert_eq!(usage(&account, 0).keys_text(), "No keys");
    assert_eq!(usage(&account, 1).keys_text(), "1 key");
    assert_eq!(usage(&account, 3).keys_text(), "3 keys");
}

// --- create_account ---------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn creating_an_account_saves_it_trimmed_with_no_keys(pool: PgPool) {
    let app = TestApp::new(pool);

    let created: AccountUsage = app.create_account("  Acme Corp  ").await.ok();

    assert_eq!(created.name, "Acme Corp");
    assert_eq!(created.key_count, 0);
    assert!(app.list_account_usage().await.contains(&created));
    assert!(app.list_accounts().await.contains(&Account { id: created.id, name: created.name.clone() }), "the key dialogs offer it");
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_an_account_with_an_empty_name_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);

    for name in ["", "  \t "] {
        assert_name_refused(&app.create_account(name).await, "Enter a name.");
    }
    assert_eq!(account_names(&app).await, vec!["Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_an_account_with_a_name_over_100_characters_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);

    assert_name_refused(&app.create_account(&"n".repeat(101)).await, "at most 100");
    assert_eq!(account_names(&app).await, vec!["Default"]);
    // The limit counts characters, not bytes.
    let created: AccountUsage = app.create_account(&"é".repeat(100)).await.ok();
    assert_eq!(created.name.chars().count(), 100);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_an_account_with_a_line_break_in_its_name_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);

    assert_name_refused(&app.create_account("two\nlines").await, "control characters");
    assert_eq!(account_names(&app).await, vec!["Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_an_account_with_the_name_of_another_in_other_case_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    app.account("Acme").await;

    for name in ["Acme", "ACME", " acme "] {
        let reply = app.create_account(name).await;
        assert_name_refused(&reply, &format!("An account named “{}” already exists.", name.trim()));
    }
    assert_eq!(account_names(&app).await, vec!["Acme", "Default"]);
}

// --- rename_account ---------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn renaming_an_account_saves_the_trimmed_name_and_shows_on_its_keys(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;
    let key = key_for(&app, "Payments", &[&acme]).await;

    let renamed: AccountUsage = app.rename_account(acme.id, "  Acme Corp ").await.ok();

    assert_eq!(renamed, AccountUsage { id: acme.id, name: "Acme Corp".into(), key_count: 1 });
    assert!(app.list_account_usage().await.contains(&renamed));
    let key = app.stored(key.id).await.expect("the key is kept");
    assert_eq!(key.accounts, vec![Account { id: acme.id, name: "Acme Corp".into() }]);
}

#[sqlx::test(migrations = "./migrations")]
async fn renaming_an_account_to_its_own_name_in_other_case_is_allowed(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("acme").await;

    let renamed: AccountUsage = app.rename_account(acme.id, "ACME").await.ok();

    assert_eq!(renamed.name, "ACME");
}

#[sqlx::test(migrations = "./migrations")]
async fn renaming_an_account_to_an_empty_or_too_long_name_is_refused_and_keeps_the_old_name(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;

    assert_name_refused(&app.rename_account(acme.id, " ").await, "Enter a name.");
    assert_name_refused(&app.rename_account(acme.id, &"n".repeat(101)).await, "at most 100");

    assert_eq!(account_names(&app).await, vec!["Acme", "Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn renaming_an_account_to_the_name_of_another_in_other_case_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;

    let reply = app.rename_account(acme.id, "DEFAULT").await;

    assert_name_refused(&reply, "An account named “DEFAULT” already exists.");
    assert_eq!(account_names(&app).await, vec!["Acme", "Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn renaming_a_deleted_account_answers_not_found_and_creates_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;
    app.delete_account(acme.id).await.ok::<AccountUsage>();

    let message = app.rename_account(acme.id, "Acme Corp").await.not_found();

    assert!(message.contains("no longer exists"), "{message}");
    assert_eq!(account_names(&app).await, vec!["Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn renaming_an_account_that_never_existed_answers_not_found(pool: PgPool) {
    let app = TestApp::new(pool);

    app.rename_account(Uuid::new_v4(), "Acme").await.not_found();
}

// --- delete_account ---------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn deleting_an_account_reports_the_keys_that_lose_it_and_removes_it_from_them(pool: PgPool) {
    let app = TestApp::new(pool);
    let default = app.default_account().await;
    let acme = app.account("Acme").await;
    let shared = key_for(&app, "Shared", &[&default, &acme]).await;
    let only = key_for(&app, "Only Acme", &[&acme]).await;
    let other = key_for(&app, "Other", &[&default]).await;

    let deleted: AccountUsage = app.delete_account(acme.id).await.ok();

    assert_eq!(deleted, usage(&acme, 2));
    assert_eq!(app.list_account_usage().await, vec![usage(&default, 2)]);
    assert_eq!(app.stored(shared.id).await.expect("keys are kept").accounts, vec![default.clone()]);
    assert_eq!(app.stored(only.id).await.expect("keys are kept").accounts, vec![], "a key that had only this account has none");
    assert_eq!(app.stored(other.id).await.expect("keys are kept").accounts, vec![default]);
    assert_eq!(app.key_count().await, 3);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_key_whose_only_account_was_deleted_stops_verifying(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;
    let key = key_for(&app, "Payments", &[&acme]).await;
    let token: String = app.key_token(key.id).await.ok();

    app.delete_account(acme.id).await.ok::<AccountUsage>();

    assert_eq!(app.verify(&token).await.json()["code"], "NO_ACCOUNT");
}

#[sqlx::test(migrations = "./migrations")]
async fn deleting_an_unused_account_reports_no_keys(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;

    let deleted: AccountUsage = app.delete_account(acme.id).await.ok();

    assert_eq!(deleted, usage(&acme, 0));
    assert_eq!(account_names(&app).await, vec!["Default"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn deleting_an_account_twice_answers_not_found_the_second_time(pool: PgPool) {
    let app = TestApp::new(pool);
    let acme = app.account("Acme").await;
    app.delete_account(acme.id).await.ok::<AccountUsage>();

    let message = app.delete_account(acme.id).await.not_found();

    assert!(message.contains("no longer exists"), "{message}");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_malformed_account_id_is_a_client_error(pool: PgPool) {
    let app = TestApp::new(pool);

    let reply = app.rpc("delete_account", &[("id", "not-a-uuid")]).await;

    assert!(matches!(reply.err(), AppError::Transport(_)), "{}", reply.text());
    assert_eq!(account_names(&app).await, vec!["Default"]);
}

// --- what the verification caches are told -----------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn deleting_an_account_of_a_few_keys_names_each_key_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let default = app.default_account().await;
    let acme = app.account("Acme").await;
    let shared = key_for(&app, "Shared", &[&default, &acme]).await;
    let only = key_for(&app, "Only Acme", &[&acme]).await;
    key_for(&app, "Other", &[&default]).await;

    let (deleted, payloads) = notified_during(&pool, app.delete_account(acme.id)).await;

    assert_eq!(deleted.ok::<AccountUsage>().key_count, 2);
    assert_eq!(payloads.len(), 2, "{payloads:?}");
    let named: HashSet<String> = payloads.into_iter().collect();
    assert_eq!(named, HashSet::from([shared.id.to_string(), only.id.to_string()]));
}

#[sqlx::test(migrations = "./migrations")]
async fn deleting_an_account_of_more_than_1000_keys_sends_one_notification_for_all(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let acme = app.account("Acme").await;
    bulk_keys(&pool, 1001, &acme).await;

    let (deleted, payloads) = notified_during(&pool, app.delete_account(acme.id)).await;

    assert_eq!(deleted.ok::<AccountUsage>().key_count, 1001);
    assert_eq!(payloads, vec!["*".to_string()]);
}

#[sqlx::test(migrations = "./migrations")]
async fn renaming_an_account_of_more_than_1000_keys_sends_one_notification_for_all(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let acme = app.account("Acme").await;
    bulk_keys(&pool, 1001, &acme).await;

    let (renamed, payloads) = notified_during(&pool, app.rename_account(acme.id, "Acme Corp")).await;

    assert_eq!(renamed.ok::<AccountUsage>().key_count, 1001);
    assert_eq!(payloads, vec!["*".to_string()]);
}

#[sqlx::test(migrations = "./migrations")]
async fn changing_a_keys_accounts_names_that_key_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let default = app.default_account().await;
    let acme = app.account("Acme").await;
    let key = key_for(&app, "Payments", &[&default]).await;

    let form = Multipart::modify(&key, "Payments", HOOK, &[default.id, acme.id]);
    let (modified, payloads) = notified_during(&pool, app.modify_key(&form)).await;

    assert_eq!(modified.ok::<ApiKey>().accounts.len(), 2);
    assert_eq!(payloads, vec![key.id.to_string()]);
}
