//! Webhook deliveries, as the Deliveries dialog shows them.

use super::webhook_event::EventType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
