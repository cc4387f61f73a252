//! Reads and writes of the verification API: a key by its token hash, and
//! the batched "last used" times.

use super::{internal, PgStore};
use app::{
    domain::{key::Account, verification::KeyRecord},
    error::AppError,
    store::VerifyStore,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

struct VerifyRow {
    id: Uuid,
    name: String,
    blocked: bool,
    expires_at: Option<DateTime<Utc>>,
    /// `[[id, name], ...]` as JSON, ordered by account name.
    accounts: sqlx::types::Json<Vec<(Uuid, String)>>,
    /// Set when the token is a rolled key's previous one.
    token_valid_until: Option<DateTime<Utc>>,
}

impl From<VerifyRow> for KeyRecord {
    fn from(r: VerifyRow) -> Self {
        KeyRecord {
            id: r.id,
            name: r.name,
            blocked: r.blocked,
            expires_at: r.expires_at,
            accounts: r.accounts.0.into_iter().map(|(id, name)| Account { id, name }).collect(),
            token_valid_until: r.token_valid_until,
        }
    }
}

#[async_trait::async_trait]
impl VerifyStore for PgStore {
    async fn key_by_token_hash(&self, hash: &[u8]) -> Result<Option<KeyRecord>, AppError> {
        sqlx::query_as!(
            VerifyRow,
            r#"SELECT k.id, k.name, k.blocked, k.expires_at,
                    COALESCE((
                        SELECT json_agg(json_build_array(a.id, a.name) ORDER BY lower(a.name), a.id)
                        FROM api_key_accounts ka JOIN accounts a ON a.id = ka.account_id
                        WHERE ka.key_id = k.id
                    ), '[]'::json) AS "accounts!: _",
                    t.valid_until AS token_valid_until
             FROM (
                 SELECT id AS key_id, NULL::timestamptz AS valid_until FROM api_keys WHERE token_hash = $1
                 UNION ALL
                 SELECT key_id, valid_until FROM api_key_previous_tokens WHERE token_hash = $1 AND valid_until > now()
             ) t
             JOIN api_keys k ON k.id = t.key_id
             LIMIT 1"#,
            hash
        )
        .fetch_optional(&self.pool)
        .await
        .map(|row| row.map(KeyRecord::from))
        .map_err(internal)
    }

    /// One statement for the whole batch.
    async fn record_last_used(&self, keys: &[Uuid], times: &[DateTime<Utc>]) -> Result<u64, AppError> {
        sqlx::query!(
            "UPDATE api_keys AS k SET last_used_at = u.at
             FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
             WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)",
            keys,
            times
        )
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected())
        .map_err(internal)
    }

    /// `SELECT 1`; one at a time, checks in flight sharing its answer
    /// (the health check is public).
    async fn ping(&self) -> bool {
        self.anonymous.ping(async { sqlx::query_scalar!("SELECT 1 AS one").fetch_one(&self.pool).await.is_ok() }).await
    }
}
