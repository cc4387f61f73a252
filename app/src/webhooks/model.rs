//! Webhook events and their deliveries, as sent to the page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened to a key; the `type` of a webhook event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    #[serde(rename = "key.created")]
    Created,
    #[serde(rename = "key.modified")]
    Modified,
    #[serde(rename = "key.blocked")]
    Blocked,
    #[serde(rename = "key.unblocked")]
    Unblocked,
    #[serde(rename = "key.deleted")]
    Deleted,
    #[serde(rename = "key.rolled")]
    Rolled,
    /// 7 days and 1 day before the key's `expires_at`.
    #[serde(rename = "key.expiring")]
    Expiring,
    /// Sent on request from the Deliveries dialog.
    #[serde(rename = "key.test")]
    Test,
}

impl EventType {
    pub const ALL: [EventType; 8] = [
        EventType::Created,
        EventType::Modified,
        EventType::Blocked,
        EventType::Unblocked,
        EventType::Deleted,
        EventType::Rolled,
        EventType::Expiring,
        EventType::Test,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Created => "key.created",
            EventType::Modified => "key.modified",
            EventType::Blocked => "key.blocked",
            EventType::Unblocked => "key.unblocked",
            EventType::Deleted => "key.deleted",
            EventType::Rolled => "key.rolled",
            EventType::Expiring => "key.expiring",
            EventType::Test => "key.test",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    /// Waiting for its first attempt or a retry.
    Pending,
    /// A worker is sending it right now.
    Sending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed; no more retries.
    Failed,
}

impl DeliveryState {
    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Pending => "Pending",
            DeliveryState::Sending => "Sending",
            DeliveryState::Delivered => "Delivered",
            DeliveryState::Failed => "Failed",
        }
    }
}

/// One event on its way to a key's webhook URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Also the `webhook-id` header: the same across retries.
    pub id: Uuid,
    pub key_id: Uuid,
    pub event_type: EventType,
    pub url: String,
    pub state: DeliveryState,
    pub attempts: i32,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Delivery {
    /// "HTTP 200", "HTTP 500: …", the error alone, or "Not sent yet".
    pub fn outcome(&self) -> String {
        match (self.last_status, &self.last_error) {
            (Some(status), Some(error)) => format!("HTTP {status}: {error}"),
            (Some(status), None) => format!("HTTP {status}"),
            (None, Some(error)) => error.clone(),
            (None, None) if self.attempts == 0 => "Not sent yet".into(),
            (None, None) => "No answer yet".into(),
        }
    }
}

/// Deliveries the dialog shows at most, newest first.
pub const DELIVERIES_LIMIT: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_read_back_from_their_names() {
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), serde_json::json!(e.as_str()));
        }
        assert_eq!(EventType::parse("key.unknown"), None);
    }
}
