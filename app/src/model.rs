//! Data the server sends to the page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: Uuid,
    pub name: String,
}

/// A key as the Keys page shows it. Never holds the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    pub webhook_url: String,
    pub accounts: Vec<Account>,
    pub blocked: bool,
    pub has_avatar: bool,
    /// Bumped by every change; a modify must name the version it started from.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// When the key stops verifying; `None` for never.
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The key's latest finished webhook delivery failed, or one is still
    /// being retried after 3 attempts.
    #[serde(default)]
    pub webhook_failing: bool,
}

impl ApiKey {
    /// Where the key's uploaded avatar is served; changes with every version so
    /// browsers never show a stale image.
    pub fn avatar_url(&self) -> Option<String> {
        self.has_avatar.then(|| format!("/avatars/{}?v={}", self.id, self.version))
    }
}

/// The newest keys the list shows at most; a search narrows further.
pub const LIST_LIMIT: i64 = 500;

/// An account as the Accounts page shows it: with how many keys grant it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountUsage {
    pub id: Uuid,
    pub name: String,
    /// Keys that grant this account.
    pub key_count: i64,
}

impl AccountUsage {
    /// "No keys", "1 key", "3 keys".
    pub fn keys_text(&self) -> String {
        match self.key_count {
            0 => "No keys".into(),
            1 => "1 key".into(),
            n => format!("{n} keys"),
        }
    }
}

/// One line of the audit log as the Activity page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Who did it: an operator's email, "command line", or for a failed
    /// sign-in the email that was tried.
    pub actor: Option<String>,
    pub address: Option<String>,
    /// What happened, such as `key.modified` (see `activity::describe`).
    pub action: String,
    pub key_id: Option<Uuid>,
    pub key_name: Option<String>,
    pub account_name: Option<String>,
    /// What changed, field by field (modify, rename).
    pub changes: Vec<FieldChange>,
}

/// One field's value before and after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A key the audit log mentions (it may be deleted since).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityKey {
    pub id: Uuid,
    pub name: String,
}

/// Lines the Activity page shows at most.
pub const ACTIVITY_LIMIT: i64 = 500;
