//! The one query behind every list of keys (the Keys page, the management
//! API): a filter, a sort and a keyset cursor, 1–200 keys a page, and the
//! total.
//!
//! Unlike the rest of `db/`, these statements are built at run time: each
//! condition is written into the SQL only when it applies (no `$1 = '' OR
//! ...` shapes), values are always bound, and every statement is sent
//! unnamed (`persistent(false)`), so Postgres plans it with the values it is
//! given. A cached generic plan cannot see that `'%zzzz%'` matches nothing
//! and walks the newest-first index through every key; a plan for the
//! actual pattern asks the trigram index (`api_keys_name_search`) first.
//! The integration tests in `server/tests/key_list.rs` run every filter,
//! sort and direction against Postgres.

use super::{internal, key_rows::KeyRow, PgStore};
use app::{
    domain::key::ApiKey,
    domain::key_query::{
        Cursor, KeyCount, KeyFilter, KeyPage, KeyQuery, KeySort, PageLink, Position, SortValue, StatusFilter, EXACT_COUNT_LIMIT,
    },
    error::AppError,
};
use sqlx::{Postgres, QueryBuilder};

/// The columns of a [`KeyRow`], read from `api_key_listing k`.
const COLUMNS: &str = "SELECT k.id, k.name, k.webhook_url, k.blocked, k.version, k.created_at, k.has_avatar, k.accounts, \
                       k.expires_at, k.last_used_at, k.webhook_failing FROM api_key_listing k";

/// Escapes `%`, `_` and `\` so a search matches them literally.
fn like_pattern(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `WHERE` and the filter's conditions.
fn push_filter(sql: &mut QueryBuilder<Postgres>, filter: &KeyFilter) {
    sql.push(" WHERE true");
    if !filter.search.is_empty() {
        // Postgres's lower() on both sides: the index is on lower(name).
        sql.push(" AND lower(k.name) LIKE lower(").push_bind(like_pattern(&filter.search)).push(") ESCAPE '\\'");
    }
    sql.push(match filter.status {
        StatusFilter::All => "",
        // Blocked beats expired beats active (domain::key_status).
        StatusFilter::Active => " AND NOT k.blocked AND (k.expires_at IS NULL OR k.expires_at > now())",
        StatusFilter::Blocked => " AND k.blocked",
        StatusFilter::Expired => " AND NOT k.blocked AND k.expires_at <= now()",
        // Only keys with a failed or much-retried delivery can be failing:
        // start from those (few) instead of asking every key.
        StatusFilter::WebhookFailing => {
            " AND k.id IN (SELECT d.key_id FROM webhook_deliveries d
                           WHERE d.state = 'failed' OR (d.state = 'pending' AND d.attempts >= 3))
              AND k.webhook_failing"
        }
    });
    if let Some(account) = filter.account {
        sql.push(" AND EXISTS (SELECT 1 FROM api_key_accounts ka WHERE ka.key_id = k.id AND ka.account_id = ").push_bind(account).push(")");
    }
}

/// Which way a page is read from its cursor.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// In the sort order, after the cursor.
    Forward,
    /// Against it, before the cursor (the rows are turned round afterwards).
    Backward,
}

/// `ORDER BY` for `sort` read in `direction`. Each matches an index (see
/// the migration `20261202160500_key_list.sql`).
fn order_by(sort: KeySort, direction: Direction) -> &'static str {
    use Direction::*;
    match (sort, direction) {
        (KeySort::Newest, Forward) | (KeySort::Oldest, Backward) => " ORDER BY k.created_at DESC, k.id DESC",
        (KeySort::Newest, Backward) | (KeySort::Oldest, Forward) => " ORDER BY k.created_at ASC, k.id ASC",
        // lower(name) is unique (api_keys_name_unique): no tie to break.
        (KeySort::Name, Forward) => " ORDER BY lower(k.name) ASC",
        (KeySort::Name, Backward) => " ORDER BY lower(k.name) DESC",
        (KeySort::LastUsed, Forward) => " ORDER BY COALESCE(k.last_used_at, '-infinity') DESC, k.id DESC",
        (KeySort::LastUsed, Backward) => " ORDER BY COALESCE(k.last_used_at, '-infinity') ASC, k.id ASC",
    }
}

/// The condition "after the cursor, reading in `direction`".
fn push_cursor(sql: &mut QueryBuilder<Postgres>, sort: KeySort, cursor: &Cursor, direction: Direction) {
    // Newest and Last used run downwards; Oldest and Name upwards.
    let descending = matches!(sort, KeySort::Newest | KeySort::LastUsed);
    let op = if descending == (direction == Direction::Forward) { " < " } else { " > " };
    match &cursor.value {
        SortValue::Created(at) => {
            sql.push(" AND (k.created_at, k.id)").push(op).push("(").push_bind(*at).push(", ").push_bind(cursor.id).push(")");
        }
        SortValue::Name(name) => {
            sql.push(" AND lower(k.name)").push(op).push("lower(").push_bind(name.clone()).push(")");
        }
        SortValue::LastUsed(at) => {
            sql.push(" AND (COALESCE(k.last_used_at, '-infinity'), k.id)")
                .push(op)
                .push("(COALESCE(")
                .push_bind(*at)
                .push("::timestamptz, '-infinity'), ")
                .push_bind(cursor.id)
                .push(")");
        }
    }
}

impl PgStore {
    /// Up to `limit + 1` keys from `cursor` in `direction` (the extra one
    /// tells whether there are more), in that reading order.
    async fn key_rows(&self, query: &KeyQuery, cursor: Option<&Cursor>, direction: Direction) -> Result<Vec<ApiKey>, AppError> {
        let mut sql = QueryBuilder::new(COLUMNS);
        push_filter(&mut sql, &query.filter);
        if let Some(cursor) = cursor {
            push_cursor(&mut sql, query.sort, cursor, direction);
        }
        sql.push(order_by(query.sort, direction)).push(" LIMIT ").push_bind(query.limit + 1);
        let rows: Vec<KeyRow> = sql.build_query_as().persistent(false).fetch_all(&self.pool).await.map_err(internal)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// How many keys match: counted up to [`EXACT_COUNT_LIMIT`], estimated
    /// above it. The planner's estimate comes first (a fraction of a
    /// millisecond): far above the limit, it is the answer, since counting
    /// even 10,000 rows of a search that matches a tenth of a million keys
    /// takes about 100 ms.
    async fn key_count(&self, filter: &KeyFilter) -> Result<KeyCount, AppError> {
        let mut sql = QueryBuilder::new("EXPLAIN (FORMAT JSON) SELECT 1 FROM api_key_listing k");
        push_filter(&mut sql, filter);
        let plan: sqlx::types::Json<serde_json::Value> =
            sql.build_query_scalar().persistent(false).fetch_one(&self.pool).await.map_err(internal)?;
        let estimate = plan.0[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64;
        if estimate > 2 * EXACT_COUNT_LIMIT {
            return Ok(KeyCount::About(estimate));
        }
        let mut sql = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM api_key_listing k");
        push_filter(&mut sql, filter);
        sql.push(" LIMIT ").push_bind(EXACT_COUNT_LIMIT + 1).push(") AS matching");
        let counted: i64 = sql.build_query_scalar().persistent(false).fetch_one(&self.pool).await.map_err(internal)?;
        Ok(if counted <= EXACT_COUNT_LIMIT { KeyCount::Exact(counted) } else { KeyCount::About(estimate.max(counted)) })
    }

    /// One page of keys: see [`app::store::KeyStore::list_keys`].
    pub(super) async fn key_page(&self, query: &KeyQuery) -> Result<KeyPage, AppError> {
        if query.filter.matches_nothing() {
            return Ok(KeyPage::empty());
        }
        let limit = query.limit as usize;
        let sort = query.sort;
        let link = |key: &ApiKey| Cursor::of(key, sort).encode();
        let first_page = |mut keys: Vec<ApiKey>| {
            let more = keys.len() > limit;
            keys.truncate(limit);
            let next = if more { keys.last().map(|k| PageLink::After(link(k))) } else { None };
            (keys, None, next)
        };
        let (keys, previous, next) = match &query.position {
            Position::First => first_page(self.key_rows(query, None, Direction::Forward).await?),
            Position::After(cursor) => {
                let mut keys = self.key_rows(query, Some(cursor), Direction::Forward).await?;
                let more = keys.len() > limit;
                keys.truncate(limit);
                let next = if more { keys.last().map(|k| PageLink::After(link(k))) } else { None };
                // Past the end (the keys there were deleted): back to the start.
                let previous = Some(keys.first().map_or(PageLink::First, |k| PageLink::Before(link(k))));
                (keys, previous, next)
            }
            Position::Before(cursor) => {
                let mut keys = self.key_rows(query, Some(cursor), Direction::Backward).await?;
                if keys.len() <= limit {
                    // Back at the start: the first page, full (with the keys
                    // added at the top meanwhile).
                    first_page(self.key_rows(query, None, Direction::Forward).await?)
                } else {
                    keys.truncate(limit);
                    keys.reverse();
                    let previous = keys.first().map(|k| PageLink::Before(link(k)));
                    let next = keys.last().map(|k| PageLink::After(link(k)));
                    (keys, previous, next)
                }
            }
        };
        let total = self.key_count(&query.filter).await?;
        Ok(KeyPage { keys, previous, next, total })
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("Ab"), "%ab%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
