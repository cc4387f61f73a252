//! The one list query (`KeyStore::list_keys`, `server/src/db/key_list.rs`):
//! keyset pages in every sort and both directions, filters, totals, and the
//! `list_keys` server function that the Keys page calls.

mod common;

use app::{
    domain::{
        key::ApiKey,
        key_query::{Cursor, KeyCount, KeyFilter, KeyPage, KeyQuery, KeySort, PageLink, Position, StatusFilter, EXACT_COUNT_LIMIT},
    },
    store::KeyStore,
};
use axum::http::StatusCode;
use common::TestApp;
use sqlx::PgPool;
use std::collections::HashSet;
use uuid::Uuid;

/// Inserts `n` keys named `<prefix> 000001`, ... in one statement (so they
/// share one creation time), granting Default.
async fn insert_keys(pool: &PgPool, prefix: &str, n: i32) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO api_keys (name, webhook_url, token_hash, token_nonce, token_ciphertext)
         SELECT $1 || ' ' || lpad(i::text, 6, '0'), 'https://hooks.example.com/k', sha256(($1 || i)::bytea), '\\x00', '\\x00'
         FROM generate_series(1, $2) AS i",
    )
    .bind(prefix)
    .bind(n)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO api_key_accounts (key_id, account_id)
         SELECT k.id, a.id FROM api_keys k, accounts a WHERE a.name = 'Default' AND k.name LIKE $1 || ' %'",
    )
    .bind(prefix)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn sql(pool: &PgPool, statement: &'static str) {
    sqlx::query(statement).execute(pool).await.unwrap();
}

fn query(sort: KeySort, position: Position, limit: i64) -> KeyQuery {
    KeyQuery { filter: KeyFilter::default(), sort, position, limit }
}

/// The position a page's link points at.
fn position(link: &PageLink, sort: KeySort) -> Position {
    match link {
        PageLink::First => Position::First,
        PageLink::After(c) => Position::After(Cursor::decode(c, sort).unwrap()),
        PageLink::Before(c) => Position::Before(Cursor::decode(c, sort).unwrap()),
    }
}

fn ids(keys: &[ApiKey]) -> Vec<Uuid> {
    keys.iter().map(|k| k.id).collect()
}

/// Every key as the database orders it for `sort`, in one statement.
async fn expected_order(pool: &PgPool, sort: KeySort) -> Vec<Uuid> {
    let order = match sort {
        KeySort::Newest => "created_at DESC, id DESC",
        KeySort::Oldest => "created_at, id",
        KeySort::Name => "lower(name)",
        KeySort::LastUsed => "last_used_at DESC NULLS LAST, id DESC",
    };
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT id FROM api_keys ORDER BY {order}"))).fetch_all(pool).await.unwrap()
}

#[sqlx::test(migrations = "./migrations")]
async fn each_sort_pages_forward_and_back_through_every_key_exactly_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    // Ties on every sort value: five keys share one creation time, most
    // were never used, two were used at the same moment.
    insert_keys(&pool, "Tied", 5).await;
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo", "Foxtrot"] {
        app.key(name).await;
    }
    sql(&pool, "UPDATE api_keys SET last_used_at = now() - interval '1 hour' WHERE name IN ('delta', 'Tied 000003')").await;
    sql(&pool, "UPDATE api_keys SET last_used_at = now() - interval '1 minute' WHERE name = 'echo'").await;

    for sort in [KeySort::Newest, KeySort::Oldest, KeySort::Name, KeySort::LastUsed] {
        let expected = expected_order(&pool, sort).await;
        assert_eq!(expected.len(), 11);

        // Forward, 3 a page: 3 + 3 + 3 + 2.
        let mut pages: Vec<KeyPage> = Vec::new();
        let mut at = Position::First;
        loop {
            let page = app.store.list_keys(&query(sort, at, 3)).await.unwrap();
            assert_eq!(page.total, KeyCount::Exact(11), "{sort:?}");
            let next = page.next.clone();
            pages.push(page);
            match next {
                Some(link) => at = position(&link, sort),
                None => break,
            }
            assert!(pages.len() < 10, "{sort:?}: the pages never end");
        }
        let walked: Vec<Uuid> = pages.iter().flat_map(|p| ids(&p.keys)).collect();
        assert_eq!(walked, expected, "{sort:?}: forward");
        assert_eq!(pages.iter().map(|p| p.keys.len()).collect::<Vec<_>>(), vec![3, 3, 3, 2], "{sort:?}");
        assert_eq!(pages[0].previous, None, "{sort:?}: the first page has no previous page");
        assert!(pages[3].next.is_none(), "{sort:?}: the last page has no next page");

        // Back from the last page, each "Previous page" is the page before.
        for i in (1..pages.len()).rev() {
            let link = pages[i].previous.clone().expect("a later page has a previous page");
            let back = app.store.list_keys(&query(sort, position(&link, sort), 3)).await.unwrap();
            assert_eq!(ids(&back.keys), ids(&pages[i - 1].keys), "{sort:?}: back from page {}", i + 1);
            assert_eq!(back.previous.is_none(), i == 1, "{sort:?}: only the first page has no previous page");
        }
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn walking_the_pages_while_keys_are_added_shows_every_key_once(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    insert_keys(&pool, "Before", 10).await;
    for sort in [KeySort::Newest, KeySort::Oldest, KeySort::Name] {
        let there_all_along: HashSet<Uuid> = expected_order(&pool, sort).await.into_iter().collect();
        let mut seen = Vec::new();
        let mut at = Position::First;
        for round in 0.. {
            let page = app.store.list_keys(&query(sort, at, 4)).await.unwrap();
            seen.extend(ids(&page.keys));
            // Another operator adds keys between two page loads: at the top
            // (Newest), at the end (Oldest), in the middle (Name).
            app.key(&format!("Before 00000{round} added {sort:?}")).await;
            match page.next {
                Some(link) => at = position(&link, sort),
                None => break,
            }
        }
        let unique: HashSet<Uuid> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{sort:?}: a key was shown twice");
        assert!(there_all_along.is_subset(&unique), "{sort:?}: a key that was there all along was skipped");
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn going_back_after_keys_were_added_shows_the_same_page_then_a_full_first_page_with_them(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    insert_keys(&pool, "Old", 6).await;
    let at = |link: &Option<PageLink>| position(link.as_ref().unwrap(), KeySort::Newest);
    let first = app.store.list_keys(&query(KeySort::Newest, Position::First, 3)).await.unwrap();
    let second = app.store.list_keys(&query(KeySort::Newest, at(&first.next), 3)).await.unwrap();
    let newer = app.key("Newer").await;

    let back = app.store.list_keys(&query(KeySort::Newest, at(&second.previous), 3)).await.unwrap();
    assert_eq!(ids(&back.keys), ids(&first.keys), "the page before is the one shown before");
    assert_eq!(back.next, first.next);

    // Before it, fewer than a page is left: the first page, full.
    let start = app.store.list_keys(&query(KeySort::Newest, at(&back.previous), 3)).await.unwrap();
    assert_eq!(start.previous, None);
    assert_eq!(start.keys.len(), 3);
    assert_eq!(start.keys[0].id, newer.id);
    assert_eq!(ids(&start.keys[1..]), ids(&first.keys[..2]));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_page_after_the_last_key_links_back_to_the_start(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let only = app.key("Only").await;
    let cursor = Cursor::of(&only, KeySort::Newest);
    sql(&pool, "DELETE FROM api_keys").await;

    let page = app.store.list_keys(&query(KeySort::Newest, Position::After(cursor), 3)).await.unwrap();

    assert!(page.keys.is_empty());
    assert_eq!(page.previous, Some(PageLink::First));
    assert_eq!(page.next, None);
}

#[sqlx::test(migrations = "./migrations")]
async fn filters_combine_with_the_search_and_the_total_counts_what_they_match(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    let acme = app.account("Acme").await;
    for name in ["Billing active", "Billing blocked", "Billing expired", "Billing failing", "Shipping blocked", "Shipping expired"] {
        app.key(name).await;
    }
    sql(&pool, "UPDATE api_keys SET blocked = true WHERE name LIKE '% blocked'").await;
    sql(&pool, "UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE name LIKE '% expired'").await;
    // Blocked beats expired.
    sql(&pool, "UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE name = 'Shipping blocked'").await;
    sql(
        &pool,
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url, state, attempts)
         SELECT id, 'key.created', '{}', webhook_url, 'failed', 8 FROM api_keys WHERE name = 'Billing failing'",
    )
    .await;
    // A failure followed by a success is not failing any more.
    sql(
        &pool,
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url, state, attempts)
         SELECT id, 'key.created', '{}', webhook_url, 'failed', 8 FROM api_keys WHERE name = 'Billing active'",
    )
    .await;
    sql(
        &pool,
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url, state, attempts)
         SELECT id, 'key.modified', '{}', webhook_url, 'delivered', 1 FROM api_keys WHERE name = 'Billing active'",
    )
    .await;
    sql(&pool, "UPDATE webhook_deliveries SET state = 'delivered' WHERE state = 'pending'").await;
    sqlx::query(
        "INSERT INTO api_key_accounts (key_id, account_id) SELECT id, $1 FROM api_keys WHERE name IN ('Billing active', 'Shipping blocked')",
    )
    .bind(acme.id)
    .execute(&pool)
    .await
    .unwrap();

    let list = |search: &str, status: StatusFilter, account: Option<Uuid>| {
        let app = app.clone();
        let filter = KeyFilter { search: search.into(), status, account };
        async move {
            let page = app.store.list_keys(&KeyQuery { filter, sort: KeySort::Name, ..KeyQuery::default() }).await.unwrap();
            let names: Vec<String> = page.keys.iter().map(|k| k.name.clone()).collect();
            assert_eq!(page.total, KeyCount::Exact(names.len() as i64));
            names
        }
    };
    assert_eq!(list("", StatusFilter::All, None).await.len(), 6);
    assert_eq!(list("", StatusFilter::Active, None).await, ["Billing active", "Billing failing"]);
    assert_eq!(list("", StatusFilter::Blocked, None).await, ["Billing blocked", "Shipping blocked"]);
    assert_eq!(list("", StatusFilter::Expired, None).await, ["Billing expired", "Shipping expired"]);
    assert_eq!(list("", StatusFilter::WebhookFailing, None).await, ["Billing failing"]);
    assert_eq!(list("bill", StatusFilter::Blocked, None).await, ["Billing blocked"]);
    assert_eq!(list("", StatusFilter::All, Some(acme.id)).await, ["Billing active", "Shipping blocked"]);
    assert_eq!(list("ship", StatusFilter::Blocked, Some(acme.id)).await, ["Shipping blocked"]);
    assert!(list("ship", StatusFilter::Active, Some(acme.id)).await.is_empty());
    assert!(list("", StatusFilter::All, Some(Uuid::new_v4())).await.is_empty());
}

#[sqlx::test(migrations = "./migrations")]
async fn above_ten_thousand_the_total_is_an_estimate_and_below_it_is_exact(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    insert_keys(&pool, "Many", 25_000).await;
    sql(&pool, "ANALYZE api_keys").await;
    let total = |search: &str| {
        let app = app.clone();
        let filter = KeyFilter { search: search.into(), ..KeyFilter::default() };
        async move { app.store.list_keys(&KeyQuery { filter, ..KeyQuery::default() }).await.unwrap().total }
    };

    let KeyCount::About(estimate) = total("").await else { panic!("expected an estimate") };
    assert!((20_000..=30_000).contains(&estimate), "{estimate} is far from 25,000");
    // 000001 to 009999: near the limit, so counted, and below it.
    assert_eq!(total("many 00").await, KeyCount::Exact(9_999));
    // 010000 to 019999: exactly the limit is still exact.
    assert_eq!(total("many 01").await, KeyCount::Exact(10_000));
    // Every key: above it.
    let KeyCount::About(estimate) = total("Many 0").await else { panic!("expected an estimate") };
    assert!(estimate > EXACT_COUNT_LIMIT, "{estimate}");
    assert_eq!(total("Many 00001").await, KeyCount::Exact(10));
    assert_eq!(app.store.list_keys(&KeyQuery::default()).await.unwrap().keys.len(), 50);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_keys_page_gets_pages_of_fifty_through_links_that_keep_the_search(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    insert_keys(&pool, "Paged", 120).await;
    insert_keys(&pool, "Other", 3).await;

    let first = app.list_page(&[("q", "paged")]).await;
    assert_eq!(first.keys.len(), 50);
    assert_eq!(first.total, KeyCount::Exact(120));
    assert_eq!(first.previous, None);
    let PageLink::After(after) = first.next.clone().unwrap() else { panic!("next is a page after") };
    let second = app.list_page(&[("q", "paged"), ("after", &after)]).await;
    let PageLink::After(after) = second.next.clone().unwrap() else { panic!("next is a page after") };
    let third = app.list_page(&[("q", "paged"), ("after", &after)]).await;
    assert_eq!(third.keys.len(), 20);
    assert_eq!(third.next, None);
    let all: HashSet<Uuid> = [&first, &second, &third].iter().flat_map(|p| ids(&p.keys)).collect();
    assert_eq!(all.len(), 120);
    assert!([&first, &second, &third].iter().flat_map(|p| &p.keys).all(|k| k.name.starts_with("Paged ")));

    let PageLink::Before(before) = second.previous.clone().unwrap() else { panic!("previous is a page before") };
    let back = app.list_page(&[("q", "paged"), ("before", &before)]).await;
    assert_eq!(ids(&back.keys), ids(&first.keys));
}

#[sqlx::test(migrations = "./migrations")]
async fn bad_list_parameters_are_refused_with_a_message_not_a_500(pool: PgPool) {
    let app = TestApp::new(pool.clone());
    app.key("Payments").await;
    let newest = Cursor::of(&app.list_keys("").await[0], KeySort::Newest).encode();
    for (params, field) in [
        (vec![("status", "gone")], "status"),
        (vec![("sort", "size")], "sort"),
        (vec![("account", "acme")], "account"),
        (vec![("after", "not a cursor")], "cursor"),
        (vec![("sort", "name"), ("after", newest.as_str())], "cursor"),
        (vec![("after", newest.as_str()), ("before", newest.as_str())], "cursor"),
    ] {
        let reply = app.rpc("list_keys", &params).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{params:?}: {}", reply.text());
        assert!(reply.err().field_message(field).is_some(), "{params:?}: {}", reply.text());
    }
    // Every parameter may be left out.
    assert_eq!(app.rpc("list_keys", &[]).await.status, StatusCode::OK);
}
