//! What the verification API reads and writes.

use crate::{domain::verification::KeyRecord, error::AppError};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[async_trait::async_trait]
pub trait VerifyStore: Send + Sync + 'static {
    /// The key whose token hashes to `hash`, if any: its current token, or
    /// a previous one still in its grace period after a roll.
    async fn key_by_token_hash(&self, hash: &[u8]) -> Result<Option<KeyRecord>, AppError>;
    /// Sets `last_used_at` of each key to its time (pairs of `keys` and
    /// `times`), never moving it backwards. Answers how many keys changed.
    async fn record_last_used(&self, keys: &[Uuid], times: &[DateTime<Utc>]) -> Result<u64, AppError>;
    /// True when the database answers.
    async fn ping(&self) -> bool;
}
