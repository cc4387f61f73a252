//! The audit log: read by the Activity page; written by every change in its
//! own transaction, and by sign-ins and sign-outs here.

use crate::{
    domain::{
        activity::{ActivityEntry, ActivityKey},
        actor::Actor,
        audit::AuditAction,
    },
    error::AppError,
};
use uuid::Uuid;

#[async_trait::async_trait]
pub trait AuditStore: Send + Sync + 'static {
    /// Records a sign-in, failed sign-in or sign-out.
    async fn record_session_event(&self, actor: &Actor, action: AuditAction, details: serde_json::Value) -> Result<(), AppError>;
    /// The audit log, newest first, of one key or of everything: the
    /// `limit` entries older than the entry `before` (the newest when `None`).
    async fn activity(&self, key: Option<Uuid>, before: Option<i64>, limit: i64) -> Result<Vec<ActivityEntry>, AppError>;
    /// The keys there are, by name (at most `limit`), for the Activity
    /// page's filter, and the key `selected` even if it was deleted (under
    /// the last name the audit log knows).
    async fn activity_keys(&self, selected: Option<Uuid>, limit: i64) -> Result<Vec<ActivityKey>, AppError>;
}
