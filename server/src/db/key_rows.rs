//! Reading a key as the pages and webhook payloads see it (the
//! `api_key_listing` view), shared by the key changes and the outbox.

use super::internal;
use app::{
    domain::key::{Account, ApiKey},
    error::AppError,
};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub(super) struct KeyRow {
    id: Uuid,
    name: String,
    webhook_url: String,
    blocked: bool,
    version: i64,
    created_at: DateTime<Utc>,
    has_avatar: bool,
    /// `[[id, name], ...]` as JSON, ordered by account name.
    accounts: sqlx::types::Json<Vec<(Uuid, String)>>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    webhook_failing: bool,
}

impl From<KeyRow> for ApiKey {
    fn from(r: KeyRow) -> Self {
        ApiKey {
            id: r.id,
            name: r.name,
            webhook_url: r.webhook_url,
            accounts: r.accounts.0.into_iter().map(|(id, name)| Account { id, name }).collect(),
            blocked: r.blocked,
            has_avatar: r.has_avatar,
            version: r.version,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            webhook_failing: r.webhook_failing,
        }
    }
}

/// The answer for a key that is not there (any more).
pub(super) fn key_gone() -> AppError {
    AppError::NotFound("This API key no longer exists: it was deleted in another tab or by another operator.".into())
}

/// The key `id`, or [`key_gone`].
pub(super) async fn fetch_key(conn: &mut PgConnection, id: Uuid) -> Result<ApiKey, AppError> {
    sqlx::query_as::<_, KeyRow>("SELECT * FROM api_key_listing WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await
        .map_err(internal)?
        .map(ApiKey::from)
        .ok_or_else(key_gone)
}
