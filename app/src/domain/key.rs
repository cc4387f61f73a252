//! A key as the pages, the store and webhook payloads see it.

use super::key_status::{self, KeyStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An account a key grants access to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Account {
    pub id: Uuid,
    pub name: String,
}

/// A key as the Keys page shows it. Never holds the token. Hashed whole:
/// the list keys its rows by the whole value, so a row is rebuilt whenever
/// anything it shows changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// Blocked, expired or active at `now` (see [`KeyStatus::at`]).
    pub fn status(&self, now: DateTime<Utc>) -> KeyStatus {
        KeyStatus::at(self.blocked, self.expires_at, now)
    }

    /// Whether the expiry date has passed at `now`, blocked or not.
    pub fn has_expired(&self, now: DateTime<Utc>) -> bool {
        key_status::has_expired(self.expires_at, now)
    }
}
