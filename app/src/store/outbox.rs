//! The webhook outbox as the delivery workers use it. Events are written by
//! the key changes themselves (in their transactions); workers claim due
//! deliveries under a lease, send them and record each outcome.

use crate::error::AppError;
use std::time::Duration;
use uuid::Uuid;

/// A delivery a worker has claimed and must now send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: Uuid,
    pub key_id: Uuid,
    /// The exact body to send and sign.
    pub payload: String,
    pub url: String,
    /// Attempts so far, this one included; the outcome of this attempt is
    /// recorded only while the delivery is still at this attempt.
    pub attempts: i32,
}

#[async_trait::async_trait]
pub trait Outbox: Send + Sync + 'static {
    /// Claims up to `limit` due deliveries for `lease`: pending, due, not
    /// under someone else's lease, and the oldest pending one of their key
    /// (so a key's events go out in order, one at a time).
    async fn claim_deliveries(&self, limit: i64, lease: Duration) -> Result<Vec<Claimed>, AppError>;
    /// Records a 2xx answer to `delivery`'s attempt. Changes nothing when
    /// the delivery is no longer pending at that attempt (the lease ran out
    /// and another worker claimed it since, or recorded its outcome).
    async fn record_delivered(&self, delivery: &Claimed, status: u16) -> Result<(), AppError>;
    /// Records a failed attempt: due again after `retry_in`, or failed for
    /// good when it is `None`. Like [`Outbox::record_delivered`], only
    /// while the delivery is still pending at `delivery`'s attempt.
    async fn record_failure(
        &self,
        delivery: &Claimed,
        status: Option<u16>,
        error: &str,
        retry_in: Option<Duration>,
    ) -> Result<(), AppError>;
    /// Ends the leases of these claims (`(id, attempts)` as claimed; a claim
    /// another worker made since, with more attempts, is left alone), so any
    /// worker may send them at once. `attempted`: the attempt was cut short
    /// and still counts (the receiver may have seen it); otherwise it never
    /// started and is not counted.
    async fn release_deliveries(&self, claims: &[(Uuid, i32)], attempted: bool) -> Result<(), AppError>;
    /// Queues `key.expiring` for keys that entered the 7-day or 1-day window
    /// before their expiry, once per threshold and expiry date; answers with
    /// the number of events queued.
    async fn enqueue_expiring(&self) -> Result<usize, AppError>;
    /// Deletes finished deliveries last touched longer than `keep` ago,
    /// oldest first, at most `batch` per statement; pending ones are never
    /// deleted. Answers how many were deleted.
    async fn prune_deliveries(&self, keep: Duration, batch: i64) -> Result<u64, AppError>;
    /// Forgets the signing secrets of deleted keys once none of their
    /// deliveries is pending any more.
    async fn forget_unused_webhook_secrets(&self) -> Result<u64, AppError>;
}
