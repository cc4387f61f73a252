//! Whether a key is active, blocked or expired: the one rule the Keys page,
//! the verification API and webhook payloads all use.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A key's state at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    Active,
    /// An operator blocked it.
    Blocked,
    /// Its expiry date has passed.
    Expired,
}

impl KeyStatus {
    /// Blocked beats expired beats active: a blocked key says so even once
    /// it has expired, since the operator's decision is the more useful
    /// thing to report.
    pub fn at(blocked: bool, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        if blocked {
            KeyStatus::Blocked
        } else if has_expired(expires_at, now) {
            KeyStatus::Expired
        } else {
            KeyStatus::Active
        }
    }

    /// `active`, `blocked` or `expired`, as webhook payloads write it.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Blocked => "blocked",
            KeyStatus::Expired => "expired",
        }
    }
}

/// A key expires at the instant of its expiry, not a moment later.
pub fn has_expired(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_some_and(|at| at <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn blocked_beats_expired_beats_active() {
        let now = Utc::now();
        let past = Some(now - Duration::days(1));
        let future = Some(now + Duration::days(1));
        assert_eq!(KeyStatus::at(true, past, now), KeyStatus::Blocked);
        assert_eq!(KeyStatus::at(true, None, now), KeyStatus::Blocked);
        assert_eq!(KeyStatus::at(false, past, now), KeyStatus::Expired);
        assert_eq!(KeyStatus::at(false, future, now), KeyStatus::Active);
        assert_eq!(KeyStatus::at(false, None, now), KeyStatus::Active);
    }

    #[test]
    fn a_key_expires_at_the_instant_of_its_expiry_and_not_before() {
        let at = Utc::now();
        assert!(!has_expired(Some(at), at - Duration::milliseconds(1)));
        assert!(has_expired(Some(at), at));
        assert!(!has_expired(None, at));
    }

    #[test]
    fn statuses_are_written_in_lowercase() {
        for s in [KeyStatus::Active, KeyStatus::Blocked, KeyStatus::Expired] {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
    }
}
