//! The audit log as the Activity page reads it.

use super::audit::{AuditAction, FieldChange};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who did it: an operator's email, "command line", or for a failed
    /// sign-in the email that was tried.
    pub actor: Option<String>,
    pub address: Option<String>,
    pub action: AuditAction,
    pub key_id: Option<Uuid>,
    pub key_name: Option<String>,
    pub account_name: Option<String>,
    /// The management token created or revoked.
    #[serde(default)]
    pub token_name: Option<String>,
    /// What changed, field by field (modify, rename).
    pub changes: Vec<FieldChange>,
}

/// A key the Activity page's filter offers (a deleted one only while chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityKey {
    pub id: Uuid,
    pub name: String,
}

/// Entries on one page of the Activity page; older ones are a link away.
pub const ACTIVITY_PAGE: i64 = 100;
/// Keys the Activity page's filter offers at most (by name).
pub const ACTIVITY_KEY_MENU: i64 = 1000;
