//! The Keys page's server functions, driven through the whole router against a
//! fresh PostgreSQL database per test (`#[sqlx::test]`).
//!
//! Run with `DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo test -p keyhold`.

mod common;

use app::{
    domain::key::ApiKey,
    domain::token::{Token, TOKEN_LEN},
    error::AppError,
};
use axum::http::{header, StatusCode};
use common::{contains, image, Multipart, TestApp};
use image::{GenericImageView, ImageFormat};
use sqlx::PgPool;
use uuid::Uuid;

const HOOK: &str = "https://hooks.example.com/keyhold";

fn names(keys: &[ApiKey]) -> Vec<&str> {
    keys.iter().map(|k| k.name.as_str()).collect()
}

fn fields(errors: &[(String, String)]) -> Vec<&str> {
    errors.iter().map(|(f, _)| f.as_str()).collect()
}

/// Asserts the reply is a 422 with exactly one message, for `field`, that
/// contains `needle`.
#[track_caller]
fn assert_refused(reply: &common::Reply, field: &str, needle: &str) {
    let errors = reply.invalid_fields();
    assert_eq!(fields(&errors), vec![field], "{errors:?}");
    assert!(errors[0].1.contains(needle), "the {field} message {:?} should mention {needle:?}", errors[0].1);
}

// --- list_accounts ----------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn listing_accounts_returns_every_account_sorted_by_name_ignoring_case(pool: PgPool) {
    let app = TestApp::new(pool);
    let zeta = app.account("zeta").await;
    let alpha = app.account("Alpha").await;
    let default = app.default_account().await;

    let accounts = app.list_accounts().await;

    assert_eq!(accounts, vec![alpha, default, zeta]);
}

// --- create_key -------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_saves_it_and_answers_with_the_key_but_not_its_token(pool: PgPool) {
    let app = TestApp::new(pool);
    let default = app.default_account().await;
    let billing = app.account("Billing").await;

    let reply = app.create_key(&Multipart::key("  Payments  ", HOOK, &[default.id, billing.id, default.id])).await;
    let key: ApiKey = reply.ok();

    assert_eq!(key.name, "Payments", "the name is trimmed");
    assert_eq!(key.webhook_url, HOOK);
    assert_eq!(key.accounts, vec![billing, default], "accounts are distinct and sorted by name");
    assert!(!key.blocked);
    assert!(!key.has_avatar);
    assert_eq!(key.version, 1);
    assert!(!reply.text().contains("kh_"), "the create answer must not carry the token: {}", reply.text());
    assert_eq!(app.stored(key.id).await, Some(key.clone()));
    assert_eq!(app.list_keys("").await, vec![key]);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_an_empty_name_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    for name in ["", "   \t "] {
        let reply = app.create_key(&Multipart::key(name, HOOK, &[account.id])).await;
        assert_refused(&reply, "name", "Enter a name.");
    }
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_name_over_100_characters_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let reply = app.create_key(&Multipart::key(&"n".repeat(101), HOOK, &[account.id])).await;

    assert_refused(&reply, "name", "at most 100");
    assert_eq!(app.key_count().await, 0);
    // The limit counts characters, not bytes.
    let key: ApiKey = app.create_key(&Multipart::key(&"é".repeat(100), HOOK, &[account.id])).await.ok();
    assert_eq!(key.name.chars().count(), 100);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_line_break_in_its_name_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let reply = app.create_key(&Multipart::key("two\nlines", HOOK, &[account.id])).await;

    assert_refused(&reply, "name", "control characters");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_the_name_of_another_key_in_other_case_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let first = app.key("Payments").await;
    let account = app.default_account().await;

    for name in ["Payments", "PAYMENTS", " payments "] {
        let reply = app.create_key(&Multipart::key(name, HOOK, &[account.id])).await;
        assert_refused(&reply, "name", "already exists");
    }
    assert_eq!(app.list_keys("").await, vec![first]);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_name_differing_only_in_non_ascii_case_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("École").await;
    let account = app.default_account().await;

    let reply = app.create_key(&Multipart::key("éCOLE", HOOK, &[account.id])).await;

    assert_refused(&reply, "name", "already exists");
    assert_eq!(app.key_count().await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_webhook_url_that_is_not_a_url_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    for url in ["not a url", "https://", "http://:80/x"] {
        let reply = app.create_key(&Multipart::key("Payments", url, &[account.id])).await;
        let errors = reply.invalid_fields();
        assert_eq!(fields(&errors), vec!["webhook_url"], "{url}: {errors:?}");
    }
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_an_empty_webhook_url_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let reply = app.create_key(&Multipart::key("Payments", "  ", &[account.id])).await;

    assert_refused(&reply, "webhook_url", "Enter a webhook URL.");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_relative_webhook_url_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    for url in ["/hooks/keyhold", "hooks.example.com/keyhold"] {
        let reply = app.create_key(&Multipart::key("Payments", url, &[account.id])).await;
        assert_refused(&reply, "webhook_url", "absolute URL");
    }
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_an_ftp_or_script_webhook_url_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    for url in ["ftp://files.example.com/hook", "javascript:alert(1)", "file:///etc/passwd"] {
        let reply = app.create_key(&Multipart::key("Payments", url, &[account.id])).await;
        assert_refused(&reply, "webhook_url", "http:// or https://");
    }
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_credentials_in_the_webhook_url_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let reply = app.create_key(&Multipart::key("Payments", "https://user:secret@example.com/hook", &[account.id])).await;

    assert_refused(&reply, "webhook_url", "passwords");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_webhook_url_over_2048_characters_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let base = "https://example.com/";
    let longest = format!("{base}{}", "a".repeat(2048 - base.len()));

    let reply = app.create_key(&Multipart::key("Payments", &format!("{longest}a"), &[account.id])).await;

    assert_refused(&reply, "webhook_url", "2048");
    assert_eq!(app.key_count().await, 0);
    let key: ApiKey = app.create_key(&Multipart::key("Payments", &longest, &[account.id])).await.ok();
    assert_eq!(key.webhook_url, longest);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_without_accounts_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);

    let reply = app.create_key(&Multipart::key("Payments", HOOK, &[])).await;

    assert_refused(&reply, "accounts", "at least one account");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_an_account_id_that_is_not_a_uuid_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);

    let form = Multipart::new().text("name", "Payments").text("webhook_url", HOOK).text("accounts", "1; DROP TABLE api_keys");
    let reply = app.create_key(&form).await;

    assert_refused(&reply, "accounts", "Choose accounts from the list.");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_for_an_unknown_account_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let reply = app.create_key(&Multipart::key("Payments", HOOK, &[account.id, Uuid::new_v4()])).await;

    assert_refused(&reply, "accounts", "no longer exists");
    assert_eq!(app.key_count().await, 0);
    assert_eq!(app.count("SELECT count(*) FROM api_key_accounts").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_every_field_wrong_reports_every_field_at_once(pool: PgPool) {
    let app = TestApp::new(pool);

    let form = Multipart::key("", "ftp://x", &[]).avatar("cv.pdf", "application/pdf", b"%PDF-1.7 not an image".to_vec());
    let reply = app.create_key(&form).await;

    let errors = reply.invalid_fields();
    assert_eq!(fields(&errors), vec!["name", "webhook_url", "accounts", "avatar"]);
    assert_eq!(reply.err().to_string(), "Some fields need attention.");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_non_image_avatar_is_refused_whatever_its_declared_type(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let cases = [
        ("notes.txt", "text/plain", b"hello, I am text".to_vec()),
        // Claims to be a PNG by name and type; the content decides.
        ("avatar.png", "image/png", b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()),
        // A bitmap header: an image, but not a format Keyhold takes.
        ("avatar.bmp", "image/bmp", b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec()),
    ];
    for (filename, content_type, bytes) in cases {
        let form = Multipart::key("Payments", HOOK, &[account.id]).avatar(filename, content_type, bytes);
        let reply = app.create_key(&form).await;
        assert_refused(&reply, "avatar", "PNG, JPEG, WebP or GIF");
    }
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_damaged_png_avatar_is_refused(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let png = image(ImageFormat::Png, 64, 64);

    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("a.png", "image/png", png[..png.len() / 2].to_vec());
    let reply = app.create_key(&form).await;

    assert_refused(&reply, "avatar", "could not be read");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_an_avatar_over_one_mebibyte_is_refused_and_saves_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    // A real PNG padded past the limit: only its size is wrong.
    let mut big = image(ImageFormat::Png, 16, 16);
    big.resize(1024 * 1024 + 1, 0);

    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("big.png", "image/png", big);
    let reply = app.create_key(&form).await;

    assert_refused(&reply, "avatar", "at most 1 MiB");
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_request_body_far_over_the_limit_is_refused_as_too_large(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("huge.png", "image/png", vec![0; 3 * 1024 * 1024]);
    let reply = app.create_key(&form).await;

    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.text());
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_png_avatar_serves_it_re_encoded_as_a_128_pixel_png(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let original = image(ImageFormat::Png, 300, 200);

    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("me.png", "image/png", original.clone());
    let key: ApiKey = app.create_key(&form).await.ok();

    assert!(key.has_avatar);
    let url = key.avatar_url().expect("a key with an avatar has its URL");
    assert_eq!(url, format!("/avatars/{}?v=1", key.id));
    let reply = app.get(&url).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(image::guess_format(&reply.body).unwrap(), ImageFormat::Png);
    let served = image::load_from_memory_with_format(&reply.body, ImageFormat::Png).unwrap();
    assert_eq!(served.dimensions(), (128, 128));
    assert_ne!(&reply.body[..], &original[..], "the upload is re-encoded, not stored as sent");
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_a_jpeg_avatar_serves_it_as_a_png(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("me.jpg", "image/jpeg", image(ImageFormat::Jpeg, 40, 90));
    let key: ApiKey = app.create_key(&form).await.ok();

    let reply = app.get(&format!("/avatars/{}", key.id)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let served = image::load_from_memory_with_format(&reply.body, ImageFormat::Png).unwrap();
    assert_eq!(served.dimensions(), (128, 128));
}

#[sqlx::test(migrations = "./migrations")]
async fn creating_a_key_with_an_empty_avatar_part_saves_no_avatar(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    // What a browser sends when no file was chosen.
    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("", "application/octet-stream", Vec::new());
    let key: ApiKey = app.create_key(&form).await.ok();

    assert!(!key.has_avatar);
    assert_eq!(app.get(&format!("/avatars/{}", key.id)).await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "./migrations")]
async fn asking_for_the_avatar_of_a_missing_key_or_a_malformed_id_answers_not_found(pool: PgPool) {
    let app = TestApp::new(pool);

    assert_eq!(app.get(&format!("/avatars/{}", Uuid::new_v4())).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/avatars/not-a-uuid").await.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_create_or_modify_request_that_is_not_multipart_is_a_client_error_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let id = key.id.to_string();

    let create = app.rpc("create_key", &[("name", "Shipping"), ("webhook_url", HOOK)]).await;
    let modify = app.rpc("modify_key", &[("id", &id), ("version", "1"), ("name", "Shipping"), ("webhook_url", HOOK)]).await;
    // Multipart in name only: no boundary.
    let request = axum::http::Request::post("/rpc/create_key")
        .header(header::CONTENT_TYPE, "multipart/form-data")
        .body(axum::body::Body::from("name=Shipping"))
        .unwrap();
    let no_boundary = app.send(request).await;

    for reply in [create, modify, no_boundary] {
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert_eq!(reply.err(), AppError::Transport("the form could not be read".into()));
    }
    assert_eq!(app.list_keys("").await, vec![key]);
}

// --- list_keys ---------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn the_list_shows_the_newest_key_first(pool: PgPool) {
    let app = TestApp::new(pool);
    for name in ["first", "second", "third"] {
        app.key(name).await;
    }

    let keys = app.list_keys("").await;

    assert_eq!(names(&keys), vec!["third", "second", "first"]);
    assert!(keys.windows(2).all(|w| w[0].created_at >= w[1].created_at));
}

#[sqlx::test(migrations = "./migrations")]
async fn searching_finds_keys_whose_name_contains_the_search_ignoring_case(pool: PgPool) {
    let app = TestApp::new(pool);
    for name in ["Billing EU", "billing US", "Shipping", "Rebilling"] {
        app.key(name).await;
    }

    assert_eq!(names(&app.list_keys("BILL").await), vec!["Rebilling", "billing US", "Billing EU"]);
    assert_eq!(names(&app.list_keys("  ping ").await), vec!["Shipping"], "the search is trimmed");
    assert_eq!(names(&app.list_keys("eu").await), vec!["Billing EU"]);
    assert!(app.list_keys("invoices").await.is_empty());
    assert_eq!(app.list_keys("   ").await.len(), 4, "a blank search lists every key");
}

#[sqlx::test(migrations = "./migrations")]
async fn searching_matches_percent_underscore_and_backslash_literally(pool: PgPool) {
    let app = TestApp::new(pool);
    for name in ["50% off", "500 off", "snake_case", "snakeXcase", r"back\slash", "backslash"] {
        app.key(name).await;
    }

    assert_eq!(names(&app.list_keys("%").await), vec!["50% off"]);
    assert_eq!(names(&app.list_keys("0%").await), vec!["50% off"]);
    assert_eq!(names(&app.list_keys("_").await), vec!["snake_case"]);
    assert_eq!(names(&app.list_keys("E_C").await), vec!["snake_case"]);
    assert_eq!(names(&app.list_keys(r"\").await), vec![r"back\slash"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn searching_ignores_case_beyond_ascii(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("École Paris").await;
    app.key("Ecole Lyon").await;

    assert_eq!(names(&app.list_keys("éCOLE").await), vec!["École Paris"]);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_search_longer_than_any_name_finds_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let name = "k".repeat(100);
    app.key(&name).await;

    assert_eq!(app.list_keys(&name).await.len(), 1);
    assert!(app.list_keys(&"k".repeat(101)).await.is_empty());
}

// --- modify_key ----------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_saves_every_field_and_bumps_its_version(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let billing = app.account("Billing").await;
    let token_before: String = app.key_token(key.id).await.ok();

    let reply = app.modify_key(&Multipart::modify(&key, " Payouts ", "http://example.org/new", &[billing.id])).await;
    let modified: ApiKey = reply.ok();

    assert_eq!(modified.id, key.id);
    assert_eq!(modified.name, "Payouts");
    assert_eq!(modified.webhook_url, "http://example.org/new");
    assert_eq!(modified.accounts, vec![billing]);
    assert_eq!(modified.version, key.version + 1);
    assert_eq!(modified.created_at, key.created_at);
    assert_eq!(app.stored(key.id).await, Some(modified));
    let token_after: String = app.key_token(key.id).await.ok();
    assert_eq!(token_after, token_before, "modifying keeps the token");
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_may_change_only_the_case_of_its_own_name(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("payments").await;
    let account = app.default_account().await;

    let modified: ApiKey = app.modify_key(&Multipart::modify(&key, "Payments", HOOK, &[account.id])).await.ok();

    assert_eq!(modified.name, "Payments");
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_to_the_name_of_another_key_is_refused_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("Payments").await;
    let key = app.key("Shipping").await;
    let account = app.default_account().await;

    let reply = app.modify_key(&Multipart::modify(&key, "PAYMENTS", "https://changed.example.com", &[account.id])).await;

    assert_refused(&reply, "name", "already exists");
    assert_eq!(app.stored(key.id).await, Some(key));
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_with_invalid_fields_is_refused_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    let reply = app.modify_key(&Multipart::modify(&key, "", "/relative", &[])).await;

    assert_eq!(fields(&reply.invalid_fields()), vec!["name", "webhook_url", "accounts"]);
    assert_eq!(app.stored(key.id).await, Some(key));
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_for_an_unknown_account_is_refused_and_keeps_its_accounts(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    let reply = app.modify_key(&Multipart::modify(&key, "Renamed", HOOK, &[Uuid::new_v4()])).await;

    assert_refused(&reply, "accounts", "no longer exists");
    let stored = app.stored(key.id).await.expect("the key is still there");
    assert_eq!(stored, key, "neither the name nor the accounts changed");
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_with_a_stale_version_is_a_conflict_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let account = app.default_account().await;
    let blocked: ApiKey = app.block_key(key.id).await.ok(); // another tab bumps the version

    let reply = app.modify_key(&Multipart::modify(&key, "Payouts", HOOK, &[account.id])).await;

    let message = reply.conflict();
    assert!(message.contains("changed in another tab"), "{message}");
    assert_eq!(app.stored(key.id).await, Some(blocked));
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_missing_key_answers_not_found_with_a_message(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    let form = Multipart::new()
        .text("id", &Uuid::new_v4().to_string())
        .text("version", "1")
        .text("name", "Payments")
        .text("webhook_url", HOOK)
        .text("accounts", &account.id.to_string());
    let reply = app.modify_key(&form).await;

    assert!(reply.not_found().contains("no longer exists"));
    assert_eq!(app.key_count().await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_without_saying_which_key_is_a_client_error(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let account = app.default_account().await;

    for form in [
        Multipart::key("Renamed", HOOK, &[account.id]),
        Multipart::key("Renamed", HOOK, &[account.id]).text("id", "not-a-uuid").text("version", "1"),
        Multipart::key("Renamed", HOOK, &[account.id]).text("id", &key.id.to_string()).text("version", "one"),
    ] {
        let reply = app.modify_key(&form).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        assert!(matches!(reply.err(), AppError::Transport(_)));
    }
    assert_eq!(app.stored(key.id).await, Some(key));
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_keeps_replaces_or_removes_its_avatar(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let red = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(10, 10, image::Rgb([255, 0, 0])));
    let mut red_png = Vec::new();
    red.write_to(&mut std::io::Cursor::new(&mut red_png), ImageFormat::Png).unwrap();
    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("a.png", "image/png", image(ImageFormat::Png, 50, 50));
    let key: ApiKey = app.create_key(&form).await.ok();
    let first = app.get(&format!("/avatars/{}", key.id)).await.body;

    // Keep: no avatar part, no remove flag.
    let kept: ApiKey = app.modify_key(&Multipart::modify(&key, "Payments", HOOK, &[account.id])).await.ok();
    assert!(kept.has_avatar);
    assert_eq!(app.get(&format!("/avatars/{}", key.id)).await.body, first);

    // Replace.
    let form = Multipart::modify(&kept, "Payments", HOOK, &[account.id]).avatar("red.png", "image/png", red_png);
    let replaced: ApiKey = app.modify_key(&form).await.ok();
    assert!(replaced.has_avatar);
    let second = app.get(&format!("/avatars/{}", key.id)).await.body;
    assert_ne!(second, first);
    let pixel = image::load_from_memory(&second).unwrap().to_rgba8().get_pixel(64, 64).0;
    assert_eq!(pixel, [255, 0, 0, 255], "the served avatar is the new image");
    assert_ne!(replaced.avatar_url(), key.avatar_url(), "the URL changes so browsers refetch it");

    // Remove.
    let form = Multipart::modify(&replaced, "Payments", HOOK, &[account.id]).text("remove_avatar", "1");
    let removed: ApiKey = app.modify_key(&form).await.ok();
    assert!(!removed.has_avatar);
    assert_eq!(removed.avatar_url(), None);
    assert_eq!(app.get(&format!("/avatars/{}", key.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT count(*) FROM api_key_avatars").await, 0);
}

#[sqlx::test(migrations = "./migrations")]
async fn modifying_a_key_with_a_bad_avatar_is_refused_and_keeps_the_old_one(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("a.png", "image/png", image(ImageFormat::Png, 50, 50));
    let key: ApiKey = app.create_key(&form).await.ok();
    let before = app.get(&format!("/avatars/{}", key.id)).await.body;
    let mut big = image(ImageFormat::Png, 8, 8);
    big.resize(1024 * 1024 + 10, 0);

    for (bytes, needle) in [(b"GIF87a? no".to_vec(), "could not be read"), (b"plain".to_vec(), "PNG, JPEG"), (big, "1 MiB")] {
        let form = Multipart::modify(&key, "Renamed", HOOK, &[account.id]).avatar("x.gif", "image/gif", bytes);
        assert_refused(&app.modify_key(&form).await, "avatar", needle);
    }

    assert_eq!(app.stored(key.id).await, Some(key.clone()));
    assert_eq!(app.get(&format!("/avatars/{}", key.id)).await.body, before);
}

// --- block_key / unblock_key -------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn blocking_and_unblocking_a_key_flip_its_state_and_bump_its_version(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    let blocked: ApiKey = app.block_key(key.id).await.ok();
    assert!(blocked.blocked);
    assert_eq!(blocked.version, key.version + 1);
    assert_eq!(app.stored(key.id).await, Some(blocked.clone()));

    let unblocked: ApiKey = app.unblock_key(key.id).await.ok();
    assert!(!unblocked.blocked);
    assert_eq!(unblocked.version, key.version + 2);
    assert_eq!(app.stored(key.id).await, Some(unblocked));
}

#[sqlx::test(migrations = "./migrations")]
async fn blocking_an_already_blocked_key_is_a_conflict(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let blocked: ApiKey = app.block_key(key.id).await.ok();

    let message = app.block_key(key.id).await.conflict();

    assert!(message.contains("already blocked"), "{message}");
    assert_eq!(app.stored(key.id).await, Some(blocked), "the version is not bumped again");
}

#[sqlx::test(migrations = "./migrations")]
async fn unblocking_a_key_that_is_not_blocked_is_a_conflict(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    let message = app.unblock_key(key.id).await.conflict();

    assert!(message.contains("already unblocked"), "{message}");
    assert_eq!(app.stored(key.id).await, Some(key));
}

#[sqlx::test(migrations = "./migrations")]
async fn blocking_or_unblocking_a_missing_key_answers_not_found_with_a_message(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("Payments").await;

    assert!(app.block_key(Uuid::new_v4()).await.not_found().contains("no longer exists"));
    assert!(app.unblock_key(Uuid::new_v4()).await.not_found().contains("no longer exists"));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_malformed_key_id_is_a_client_error(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    for endpoint in ["block_key", "unblock_key", "delete_key", "key_token"] {
        let reply = app.rpc(endpoint, &[("id", "1 OR 1=1")]).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{endpoint}: {}", reply.text());
        assert_eq!(reply.err(), AppError::Transport("the request was malformed".into()), "{endpoint}");
    }
    assert_eq!(app.stored(key.id).await, Some(key));
}

// --- delete_key ------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn deleting_a_key_removes_it_with_its_accounts_and_avatar(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let form = Multipart::key("Payments", HOOK, &[account.id]).avatar("a.png", "image/png", image(ImageFormat::Png, 20, 20));
    let key: ApiKey = app.create_key(&form).await.ok();
    let other = app.key("Shipping").await;

    let reply = app.delete_key(key.id).await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(app.list_keys("").await, vec![other.clone()]);
    assert_eq!(app.count("SELECT count(*) FROM api_key_avatars").await, 0);
    assert_eq!(app.count("SELECT count(*) FROM api_key_accounts").await, 1, "only the other key's link is left");
    assert_eq!(app.get(&format!("/avatars/{}", key.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.list_accounts().await, vec![account], "accounts are not deleted with keys");
    // The name is free again.
    app.key("Payments").await;
}

#[sqlx::test(migrations = "./migrations")]
async fn deleting_a_missing_key_answers_not_found_with_a_message(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    assert!(app.delete_key(Uuid::new_v4()).await.not_found().contains("no longer exists"));
    assert_eq!(app.key_count().await, 1);
    assert_eq!(app.delete_key(key.id).await.status, StatusCode::OK);
    assert!(app.delete_key(key.id).await.not_found().contains("no longer exists"), "deleting twice");
}

// --- key_token -------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn the_token_of_a_key_is_well_formed_stable_and_its_own(pool: PgPool) {
    let app = TestApp::new(pool);
    let a = app.key("Payments").await;
    let b = app.key("Shipping").await;

    let token: String = app.key_token(a.id).await.ok();

    assert_eq!(token.len(), TOKEN_LEN);
    assert!(token.starts_with("kh_"));
    Token::parse(&token).expect("the token passes its own checks");
    let again: String = app.key_token(a.id).await.ok();
    assert_eq!(again, token, "copying twice gives the same token");
    let other: String = app.key_token(b.id).await.ok();
    assert_ne!(other, token);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_token_is_stored_only_hashed_and_encrypted(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;
    let token: String = app.key_token(key.id).await.ok();
    let token = Token::parse(&token).unwrap();

    let (hash, nonce, ciphertext): (Vec<u8>, Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT token_hash, token_nonce, token_ciphertext FROM api_keys WHERE id = $1")
            .bind(key.id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let plain = token.expose().as_bytes();
    for (column, bytes) in [("token_hash", &hash), ("token_nonce", &nonce), ("token_ciphertext", &ciphertext)] {
        assert!(!contains(bytes, plain), "{column} holds the token in plain text");
        // Not even the random part without its prefix.
        assert!(!contains(bytes, &plain[3..35]), "{column} holds the token's random part");
    }
    assert_eq!(hash, app::domain::vault::TokenVault::hash(&token), "the hash finds the key by its token");
    assert_eq!(nonce.len(), 12);

    // Nothing in the database shows the token as text, in any table.
    let row_texts: Vec<String> = sqlx::query_scalar(
        "SELECT row_to_json(k)::text FROM api_keys k
         UNION ALL SELECT row_to_json(a)::text FROM api_key_accounts a
         UNION ALL SELECT row_to_json(v)::text FROM api_key_avatars v
         UNION ALL SELECT row_to_json(l)::text FROM api_key_listing l",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(!row_texts.is_empty());
    for text in row_texts {
        assert!(!text.contains(token.expose()), "a row holds the token: {text}");
        assert!(!text.contains(&token.expose()[3..35]), "a row holds the token's random part: {text}");
    }
    // Nor does the list answer.
    let listing = app.rpc("list_keys", &[("q", "")]).await;
    assert!(!listing.text().contains(token.expose()));
}

#[sqlx::test(migrations = "./migrations")]
async fn asking_for_the_token_of_a_missing_key_answers_not_found_with_a_message(pool: PgPool) {
    let app = TestApp::new(pool);
    let key = app.key("Payments").await;

    let message = app.key_token(Uuid::new_v4()).await.not_found();

    assert!(message.contains("no longer exists"), "{message}");
    app.delete_key(key.id).await.ok::<()>();
    assert!(app.key_token(key.id).await.not_found().contains("no longer exists"));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_token_sealed_under_another_master_key_is_an_internal_error_without_details(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let key = app.key("Payments").await;
    // The same database served with a different master key.
    let other = TestApp::new(pool);

    let reply = other.key_token(key.id).await;

    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.err(), AppError::Internal);
    assert!(!reply.text().contains("kh_"));
}

// --- concurrency -------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn modifying_and_deleting_a_key_at_the_same_time_always_ends_with_the_key_deleted(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;
    let (mut modified_then_deleted, mut deleted_first) = (0, 0);

    for round in 0..20 {
        let key = app.key(&format!("Key {round}")).await;
        let modify_form = Multipart::modify(&key, &format!("Renamed {round}"), "https://new.example.com", &[account.id]).avatar(
            "a.png",
            "image/png",
            image(ImageFormat::Png, 32, 32),
        );
        let (modifier, deleter) = (app.clone(), app.clone());
        let modify = async move { modifier.modify_key(&modify_form).await };
        let delete = async move { deleter.delete_key(key.id).await };
        // Alternate which request is polled first.
        let (modified, deleted) = if round % 2 == 0 {
            tokio::join!(modify, delete)
        } else {
            let (d, m) = tokio::join!(delete, modify);
            (m, d)
        };

        assert_eq!(deleted.status, StatusCode::OK, "round {round}: the delete must win: {}", deleted.text());
        match modified.status {
            StatusCode::OK => {
                let key_after: ApiKey = modified.ok();
                assert_eq!(key_after.name, format!("Renamed {round}"));
                assert_eq!(key_after.version, 2);
                modified_then_deleted += 1;
            }
            StatusCode::NOT_FOUND => {
                assert!(modified.not_found().contains("no longer exists"));
                deleted_first += 1;
            }
            other => panic!("round {round}: the modify answered {other} {}", modified.text()),
        }
        assert_eq!(app.stored(key.id).await, None, "round {round}: the key must be gone");
        assert_eq!(app.key_count().await, 0, "round {round}");
        assert_eq!(app.count("SELECT count(*) FROM api_key_accounts").await, 0, "round {round}: no orphaned links");
        assert_eq!(app.count("SELECT count(*) FROM api_key_avatars").await, 0, "round {round}: no orphaned avatar");
    }
    eprintln!("modify then delete: {modified_then_deleted}, delete first: {deleted_first}");
}

#[sqlx::test(migrations = "./migrations")]
async fn two_modifies_from_the_same_version_let_exactly_one_win(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    for round in 0..10 {
        let key = app.key(&format!("Key {round}")).await;
        let (a, b) = (app.clone(), app.clone());
        let form_a = Multipart::modify(&key, &format!("A {round}"), "https://a.example.com", &[account.id]);
        let form_b = Multipart::modify(&key, &format!("B {round}"), "https://b.example.com", &[account.id]);
        let (reply_a, reply_b) = tokio::join!(async move { a.modify_key(&form_a).await }, async move { b.modify_key(&form_b).await });

        let (winner, loser, prefix) = match (reply_a.status, reply_b.status) {
            (StatusCode::OK, StatusCode::CONFLICT) => (reply_a, reply_b, "A"),
            (StatusCode::CONFLICT, StatusCode::OK) => (reply_b, reply_a, "B"),
            other => panic!("round {round}: expected one 200 and one 409, got {other:?}: {} / {}", reply_a.text(), reply_b.text()),
        };
        loser.conflict();
        let won: ApiKey = winner.ok();
        assert_eq!(won.version, 2);
        assert_eq!(won.name, format!("{prefix} {round}"));
        assert_eq!(app.stored(key.id).await, Some(won), "round {round}: the winner's change is what is stored");
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn two_creates_with_the_same_name_at_the_same_time_save_one_key(pool: PgPool) {
    let app = TestApp::new(pool);
    let account = app.default_account().await;

    for round in 0..10 {
        let name = format!("Twin {round}");
        let (a, b) = (app.clone(), app.clone());
        let form_a = Multipart::key(&name, HOOK, &[account.id]);
        let form_b = Multipart::key(&name.to_uppercase(), HOOK, &[account.id]);
        let (reply_a, reply_b) = tokio::join!(async move { a.create_key(&form_a).await }, async move { b.create_key(&form_b).await });

        let statuses = [reply_a.status, reply_b.status];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY),
            "round {round}: got {statuses:?}: {} / {}",
            reply_a.text(),
            reply_b.text()
        );
        let loser = if reply_a.status == StatusCode::OK { &reply_b } else { &reply_a };
        assert_refused(loser, "name", "already exists");
        assert_eq!(app.list_keys(&name).await.len(), 1, "round {round}");
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn two_blocks_at_the_same_time_block_once_and_report_a_conflict(pool: PgPool) {
    let app = TestApp::new(pool);

    for round in 0..10 {
        let key = app.key(&format!("Key {round}")).await;
        let (a, b) = (app.clone(), app.clone());
        let (reply_a, reply_b) = tokio::join!(async move { a.block_key(key.id).await }, async move { b.block_key(key.id).await });

        let mut statuses = [reply_a.status, reply_b.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "round {round}: {} / {}", reply_a.text(), reply_b.text());
        let stored = app.stored(key.id).await.unwrap();
        assert!(stored.blocked);
        assert_eq!(stored.version, 2, "round {round}: blocked exactly once");
    }
}

// --- the page ----------------------------------------------------------------------

#[sqlx::test(migrations = "./migrations")]
async fn the_keys_page_is_rendered_on_the_server_with_the_keys_in_it(pool: PgPool) {
    let app = TestApp::new(pool);
    app.key("Payments <script>alert(1)</script>").await;

    let reply = app.get("/keys").await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let html = reply.text();
    assert!(html.contains("Payments &lt;script&gt;"), "the key's name is in the page, escaped");
    assert!(!html.contains("<script>alert(1)</script>"), "markup in a name is never rendered as markup");
}
