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

/// A row of the `api_key_listing` view, selected with
/// every column named (the view's columns would otherwise all be nullable).
#[derive(sqlx::FromRow)]
pub(super) struct KeyRow {
    pub(super) id: Uuid,
    pub(super) name: String,
    pub(super) webhook_url: String,
    pub(super) blocked: bool,
    pub(super) version: i64,
    pub(super) created_at: DateTime<Utc>,
    pub(super) has_avatar: bool,
    /// `[[id, name], ...]` as JSON, ordered by account name.
    pub(super) accounts: sqlx::types::Json<Vec<(Uuid, String)>>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    pub(super) last_used_at: Option<DateTime<Utc>>,
    pub(super) webhook_failing: bool,
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
    sqlx::query_as!(
        KeyRow,
        r#"SELECT id AS "id!", name AS "name!", webhook_url AS "webhook_url!", blocked AS "blocked!", version AS "version!",
                  created_at AS "created_at!", has_avatar AS "has_avatar!", accounts AS "accounts!: _", expires_at,
                  last_used_at, webhook_failing AS "webhook_failing!"
           FROM api_key_listing WHERE id = $1"#,
        id
    )
    .fetch_optional(conn)
    .await
    .map_err(internal)?
    .map(ApiKey::from)
    .ok_or_else(key_gone)
}
