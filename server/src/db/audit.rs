//! The audit log: one row per change, written inside the change's own
//! transaction so that a change and its record commit (or vanish) together.

use super::{internal, PgStore};
use app::{
    domain::{
        activity::{ActivityEntry, ActivityKey},
        actor::Actor,
        audit::{AuditAction, FieldChange},
    },
    error::AppError,
    store::AuditStore,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::PgConnection;
use uuid::Uuid;

/// What an audit row is about besides who did it.
#[derive(Debug)]
pub(super) struct Entry<'a> {
    pub action: AuditAction,
    pub key: Option<(Uuid, &'a str)>,
    pub account: Option<(Uuid, &'a str)>,
    pub changes: Vec<FieldChange>,
    pub details: Option<Value>,
}

impl<'a> Entry<'a> {
    /// About nothing in particular (a sign-in, an operator).
    pub fn new(action: AuditAction) -> Self {
        Entry { action, key: None, account: None, changes: Vec::new(), details: None }
    }

    pub fn key(action: AuditAction, id: Uuid, name: &'a str) -> Self {
        Entry { key: Some((id, name)), ..Entry::new(action) }
    }

    pub fn account(action: AuditAction, id: Uuid, name: &'a str) -> Self {
        Entry { account: Some((id, name)), ..Entry::new(action) }
    }

    pub fn with_changes(self, changes: Vec<FieldChange>) -> Self {
        Entry { changes, ..self }
    }

    pub fn with_details(self, details: Value) -> Self {
        Entry { details: Some(details), ..self }
    }
}

/// Writes one audit row on `conn` (a transaction's connection).
pub(super) async fn record(conn: &mut PgConnection, actor: &Actor, entry: Entry<'_>) -> Result<(), AppError> {
    let mut details = entry.details.unwrap_or_else(|| json!({}));
    if !entry.changes.is_empty() {
        details["changes"] = serde_json::to_value(&entry.changes).map_err(|_| AppError::Internal)?;
    }
    sqlx::query!(
        "INSERT INTO audit_log (actor_kind, operator_id, operator_email, address, action, key_id, key_name, account_id, account_name, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        actor.kind(),
        actor.operator_id(),
        actor.label(),
        actor.address(),
        entry.action.as_str(),
        entry.key.map(|(id, _)| id),
        entry.key.map(|(_, name)| name),
        entry.account.map(|(id, _)| id),
        entry.account.map(|(_, name)| name),
        details
    )
    .execute(conn)
    .await
    .map_err(internal)?;
    Ok(())
}

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

impl TryFrom<Row> for ActivityEntry {
    type Error = AppError;

    fn try_from(r: Row) -> Result<Self, AppError> {
        let action = AuditAction::parse(&r.action).ok_or_else(|| {
            tracing::error!(entry = r.id, action = r.action, "unknown action in the audit log");
            AppError::Internal
        })?;
        let changes =
            r.details.0.get("changes").cloned().and_then(|c| serde_json::from_value::<Vec<FieldChange>>(c).ok()).unwrap_or_default();
        let token_name = r.details.0.get("token").and_then(Value::as_str).map(str::to_owned);
        Ok(ActivityEntry {
            id: r.id,
            at: r.at,
            actor: r.operator_email,
            address: r.address,
            action,
            key_id: r.key_id,
            key_name: r.key_name,
            account_name: r.account_name,
            token_name,
            changes,
        })
    }
}

#[async_trait::async_trait]
impl AuditStore for PgStore {
    async fn record_session_event(&self, actor: &Actor, action: AuditAction, details: Value) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        record(&mut tx, actor, Entry::new(action).with_details(details)).await?;
        tx.commit().await.map_err(internal)
    }

    async fn activity(&self, key: Option<Uuid>, before: Option<i64>, limit: i64) -> Result<Vec<ActivityEntry>, AppError> {
        // Keyset paging on (at, id), the order of both indexes.
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id, at, operator_email, address, action, key_id, key_name, account_name, details AS "details: _"
               FROM audit_log
               WHERE ($1::uuid IS NULL OR key_id = $1)
                 AND ($2::int8 IS NULL OR (at, id) < (SELECT b.at, b.id FROM audit_log b WHERE b.id = $2))
               ORDER BY at DESC, id DESC
               LIMIT $3"#,
            key,
            before,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.into_iter().map(ActivityEntry::try_from).collect()
    }

    async fn activity_keys(&self, selected: Option<Uuid>, limit: i64) -> Result<Vec<ActivityKey>, AppError> {
        let mut keys: Vec<ActivityKey> =
            sqlx::query_as!(ActivityKey, "SELECT id, name FROM api_keys ORDER BY lower(name), id LIMIT $1", limit)
                .fetch_all(&self.pool)
                .await
                .map_err(internal)?;
        let Some(selected) = selected.filter(|id| !keys.iter().any(|k| k.id == *id)) else {
            return Ok(keys);
        };
        // Deleted, or past the menu's length: its current name, else the last one logged.
        let name = sqlx::query_scalar!(
            r#"SELECT COALESCE(
                   (SELECT name FROM api_keys WHERE id = $1),
                   (SELECT key_name FROM audit_log WHERE key_id = $1 AND key_name IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1)
               ) AS name"#,
            selected
        )
        .fetch_one(&self.pool)
        .await
        .map_err(internal)?;
        if let Some(name) = name {
            let at = keys.partition_point(|k| k.name.to_lowercase() < name.to_lowercase());
            keys.insert(at, ActivityKey { id: selected, name });
        }
        Ok(keys)
    }
}
