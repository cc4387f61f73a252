//! The audit log: one row per change, written inside the change's own
//! transaction so that a change and its record commit (or vanish) together.

use super::internal;
use app::{
    auth::Actor,
    error::AppError,
    model::{ActivityEntry, ActivityKey, FieldChange},
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::PgConnection;
use uuid::Uuid;

/// What an audit row is about besides who did it.
#[derive(Debug, Default)]
pub(crate) struct Entry<'a> {
    pub action: &'a str,
    pub key: Option<(Uuid, &'a str)>,
    pub account: Option<(Uuid, &'a str)>,
    pub changes: Vec<FieldChange>,
    pub details: Option<Value>,
}

impl<'a> Entry<'a> {
    pub fn key(action: &'a str, id: Uuid, name: &'a str) -> Self {
        Entry { action, key: Some((id, name)), ..Entry::default() }
    }

    pub fn account(action: &'a str, id: Uuid, name: &'a str) -> Self {
        Entry { action, account: Some((id, name)), ..Entry::default() }
    }
}

/// Writes one audit row on `conn` (a transaction's connection).
pub(crate) async fn record(conn: &mut PgConnection, actor: &Actor, entry: Entry<'_>) -> Result<(), AppError> {
    let mut details = entry.details.unwrap_or_else(|| json!({}));
    if !entry.changes.is_empty() {
        details["changes"] = serde_json::to_value(&entry.changes).map_err(|_| AppError::Internal)?;
    }
    sqlx::query(
        "INSERT INTO audit_log (operator_id, operator_email, address, action, key_id, key_name, account_id, account_name, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(actor.operator_id)
    .bind(actor.operator_email.as_deref())
    .bind(actor.address.as_deref())
    .bind(entry.action)
    .bind(entry.key.map(|(id, _)| id))
    .bind(entry.key.map(|(_, name)| name))
    .bind(entry.account.map(|(id, _)| id))
    .bind(entry.account.map(|(_, name)| name))
    .bind(sqlx::types::Json(details))
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: DateTime<Utc>,
    operator_email: Option<String>,
    address: Option<String>,
    action: String,
    key_id: Option<Uuid>,
    key_name: Option<String>,
    account_name: Option<String>,
    details: sqlx::types::Json<Value>,
}

impl From<Row> for ActivityEntry {
    fn from(r: Row) -> Self {
        let changes =
            r.details.0.get("changes").cloned().and_then(|c| serde_json::from_value::<Vec<FieldChange>>(c).ok()).unwrap_or_default();
        ActivityEntry {
            id: r.id,
            at: r.at,
            actor: r.operator_email,
            address: r.address,
            action: r.action,
            key_id: r.key_id,
            key_name: r.key_name,
            account_name: r.account_name,
            changes,
        }
    }
}

/// The newest `limit` rows, of one key or of all.
pub(crate) async fn activity(conn: &mut PgConnection, key: Option<Uuid>, limit: i64) -> Result<Vec<ActivityEntry>, AppError> {
    let rows = sqlx::query_as::<_, Row>(
        "SELECT id, at, operator_email, address, action, key_id, key_name, account_name, details
         FROM audit_log
         WHERE $1::uuid IS NULL OR key_id = $1
         ORDER BY at DESC, id DESC
         LIMIT $2",
    )
    .bind(key)
    .bind(limit)
    .fetch_all(conn)
    .await
    .map_err(internal)?;
    Ok(rows.into_iter().map(ActivityEntry::from).collect())
}

/// Each key the log mentions, under its latest recorded name.
pub(crate) async fn activity_keys(conn: &mut PgConnection) -> Result<Vec<ActivityKey>, AppError> {
    sqlx::query_as::<_, (Uuid, String)>(
        "SELECT DISTINCT ON (key_id) key_id, key_name FROM audit_log
         WHERE key_id IS NOT NULL AND key_name IS NOT NULL
         ORDER BY key_id, at DESC, id DESC",
    )
    .fetch_all(conn)
    .await
    .map(|rows| {
        let mut keys: Vec<_> = rows.into_iter().map(|(id, name)| ActivityKey { id, name }).collect();
        keys.sort_by_key(|k| k.name.to_lowercase());
        keys
    })
    .map_err(internal)
}
