//! What a verification knows about a key, and the rule that turns it into an
//! answer. Plain Rust: the expiry is compared with the time of each call, so
//! a cached key expires on time.

use super::{
    key::Account,
    key_status::{self, KeyStatus},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// A key as verification sees it, read by its token hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub id: Uuid,
    pub name: String,
    pub blocked: bool,
    pub expires_at: Option<DateTime<Utc>>,
    /// Ordered by name, as the Keys page shows them.
    pub accounts: Vec<Account>,
    /// For a rolled key's previous token: when its grace period ends.
    /// `None` for the key's current token.
    pub token_valid_until: Option<DateTime<Utc>>,
}

/// The answer of a verification (`valid` is true exactly for `VALID`):
///
/// - `VALID`: the key exists, is not blocked, has not expired and grants at least one account.
/// - `BLOCKED`: an operator blocked the key (reported even if it has also expired).
/// - `EXPIRED`: the key's `expiresAt` has passed.
/// - `NO_ACCOUNT`: the key grants no account (its accounts were removed or deleted), so it opens nothing.
/// - `NOT_FOUND`: the token is well formed but belongs to no key (never issued, or the key was deleted).
/// - `MALFORMED`: the token's prefix, length, alphabet or checksum is wrong; no database look-up was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    Valid,
    Blocked,
    Expired,
    // Not one of the first five codes on purpose: a key without accounts is
    // neither blocked nor missing, and calling it either would send whoever
    // debugs a refusal down the wrong path. Documented in the OpenAPI `Code`.
    NoAccount,
    NotFound,
    Malformed,
}

impl Code {
    pub fn is_valid(self) -> bool {
        self == Code::Valid
    }
}

impl KeyRecord {
    /// The answer at `now`: the key's status ([`KeyStatus::at`]: blocked
    /// beats expired), then a key without accounts, refused last as the least
    /// likely to be deliberate.
    pub fn code_at(&self, now: DateTime<Utc>) -> Code {
        // A previous token past its grace period belongs to no key any more.
        if key_status::has_expired(self.token_valid_until, now) {
            return Code::NotFound;
        }
        match KeyStatus::at(self.blocked, self.expires_at, now) {
            KeyStatus::Blocked => Code::Blocked,
            KeyStatus::Expired => Code::Expired,
            KeyStatus::Active if self.accounts.is_empty() => Code::NoAccount,
            KeyStatus::Active => Code::Valid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn record() -> KeyRecord {
        KeyRecord {
            id: Uuid::new_v4(),
            name: "Payments".into(),
            blocked: false,
            expires_at: None,
            accounts: vec![Account { id: Uuid::new_v4(), name: "Default".into() }],
            token_valid_until: None,
        }
    }

    #[test]
    fn a_previous_token_works_until_its_grace_period_ends_then_is_unknown() {
        let until = Utc::now();
        let key = KeyRecord { token_valid_until: Some(until), ..record() };
        assert_eq!(key.code_at(until - Duration::seconds(1)), Code::Valid);
        assert_eq!(key.code_at(until), Code::NotFound);
    }

    #[test]
    fn an_unblocked_key_with_an_account_and_no_expiry_is_valid() {
        assert_eq!(record().code_at(Utc::now()), Code::Valid);
    }

    #[test]
    fn a_blocked_key_is_blocked_even_when_it_has_also_expired() {
        let now = Utc::now();
        let key = KeyRecord { blocked: true, expires_at: Some(now - Duration::days(1)), ..record() };
        assert_eq!(key.code_at(now), Code::Blocked);
    }

    #[test]
    fn a_key_expires_at_the_instant_of_its_expiry_and_not_before() {
        let at = Utc::now();
        let key = KeyRecord { expires_at: Some(at), ..record() };
        assert_eq!(key.code_at(at - Duration::milliseconds(1)), Code::Valid);
        assert_eq!(key.code_at(at), Code::Expired);
    }

    #[test]
    fn a_key_without_accounts_grants_nothing() {
        let key = KeyRecord { accounts: vec![], ..record() };
        assert_eq!(key.code_at(Utc::now()), Code::NoAccount);
    }

    #[test]
    fn codes_are_written_in_screaming_snake_case() {
        assert_eq!(serde_json::to_string(&Code::NotFound).unwrap(), "\"NOT_FOUND\"");
        assert_eq!(serde_json::to_string(&Code::NoAccount).unwrap(), "\"NO_ACCOUNT\"");
        assert_eq!(serde_json::to_string(&Code::Valid).unwrap(), "\"VALID\"");
    }
}
