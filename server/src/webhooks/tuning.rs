//! How the webhook worker paces itself.

use super::backoff;
use std::time::Duration;

/// Tunables of the webhook worker (where it may send is a setting:
/// `Settings::webhook_policy`).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookTuning {
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
    /// Old deliveries deleted per statement when pruning (each statement
    /// holds its locks only that long).
    pub prune_batch: i64,
}

impl Default for WebhookTuning {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            schedule: backoff::DEFAULT_SCHEDULE.to_vec(),
            batch: 64,
            expiry_scan_interval: Duration::from_secs(60),
            retention: Duration::from_secs(30 * 24 * 3600),
            prune_batch: 1000,
        }
    }
}
