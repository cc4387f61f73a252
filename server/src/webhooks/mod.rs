//! Webhook delivery. Every change to a key writes an event to the outbox
//! (`webhook_deliveries`) in the change's own transaction
//! (`db::webhooks::enqueue`); a [`worker`] in every `keyhold serve` process
//! claims due deliveries, signs them ([`sign`]) and POSTs them
//! ([`deliver`]), retrying failures on a [`backoff`] schedule.
//!
//! Order: a key's deliveries go out in the order they were created; a
//! delivery waits while an earlier one of the same key is pending (being
//! retried included). One that fails for good (after its last retry)
//! releases the next, so a dead receiver delays a key's events by the
//! retry schedule but never blocks them forever.
//!
//! At least once: a worker that dies after the receiver got a delivery but
//! before recording it sends it again when its lease runs out, with the
//! same `webhook-id`; receivers drop duplicates by that id.

pub mod backoff;
pub mod deliver;
pub mod payload;
pub mod sign;
pub mod worker;

use std::time::Duration;

pub use worker::{Worker, WorkerHandle};

/// Tunables of the webhook worker.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookSettings {
    /// `KEYHOLD_ALLOW_PRIVATE_WEBHOOKS`: send to loopback and private
    /// addresses too (for development and tests).
    pub allow_private: bool,
    /// How often an idle worker looks for due deliveries (new ones also
    /// wake it through a notification).
    pub poll_interval: Duration,
    /// How long a claimed delivery stays another worker's; longer than
    /// `timeout`, so a live worker always records its result first.
    pub lease: Duration,
    /// Longest an attempt may take.
    pub timeout: Duration,
    /// Waits between attempts; after the last, a delivery has failed.
    pub schedule: Vec<Duration>,
    /// Deliveries claimed (and sent concurrently) at once.
    pub batch: i64,
    /// How often the worker looks for keys about to expire (and prunes old
    /// deliveries).
    pub expiry_scan_interval: Duration,
    /// How long delivered and failed deliveries are kept.
    pub retention: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private: false,
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            schedule: backoff::DEFAULT_SCHEDULE.to_vec(),
            batch: 64,
            expiry_scan_interval: Duration::from_secs(60),
            retention: Duration::from_secs(30 * 24 * 3600),
        }
    }
}
