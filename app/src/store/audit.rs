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
    /// The audit log, newest first, of one key or of everything.
    async fn activity(&self, key: Option<Uuid>, limit: i64) -> Result<Vec<ActivityEntry>, AppError>;
    /// Every key the audit log mentions, by name, for its filter.
    async fn activity_keys(&self) -> Result<Vec<ActivityKey>, AppError>;
}
