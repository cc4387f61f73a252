//! Accounts as the Accounts page shows them.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An account with how many keys grant it.
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
