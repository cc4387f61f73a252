//! Keeps the verification cache honest: LISTENs on `keyhold_keys` (see the
//! triggers in `migrations/*_verification.sql`) and forgets the key each
//! notification names. A lost connection may have lost notifications, so
//! the cache is emptied whenever the listener (re)connects, and bypassed
//! while it is down.

use super::cache::VerifyCache;
use sqlx::{postgres::PgListener, PgPool};
use std::{sync::Arc, time::Duration};
use uuid::Uuid;

/// The channel the triggers notify.
pub const CHANNEL: &str = "keyhold_keys";
/// The payload that means "every key".
pub const ALL_KEYS: &str = "*";

/// First wait before reconnecting; doubled after each failed attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between two attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What a notification asks of the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalidation {
    Key(Uuid),
    All,
}

impl Invalidation {
    /// Anything but a key id means "all": forgetting too much is safe.
    pub fn from_payload(payload: &str) -> Self {
        match Uuid::parse_str(payload) {
            Ok(id) => Invalidation::Key(id),
            Err(_) => {
                if payload != ALL_KEYS {
                    tracing::warn!(payload, "unexpected notification on {CHANNEL}; emptying the verification cache");
                }
                Invalidation::All
            }
        }
    }

    pub fn apply(self, cache: &VerifyCache) {
        match self {
            Invalidation::Key(id) => cache.invalidate_key(id),
            Invalidation::All => cache.invalidate_all(),
        }
    }
}

/// Takes the cache offline however the task ends: returned, aborted or
/// panicked. A cache nobody keeps honest must not be trusted.
struct OfflineOnExit(Arc<VerifyCache>);

impl Drop for OfflineOnExit {
    fn drop(&mut self) {
        self.0.go_offline();
    }
}

/// Runs until `pool` is closed.
pub async fn run(pool: PgPool, cache: Arc<VerifyCache>) {
    let _offline = OfflineOnExit(cache.clone());
    let mut backoff = FIRST_BACKOFF;
    while !pool.is_closed() {
        match listen(&pool, &cache, &mut backoff).await {
            // Only returns once the pool is closed.
            Ok(()) => break,
            Err(err) => {
                cache.go_offline();
                if pool.is_closed() {
                    break;
                }
                tracing::warn!(error = %err, retry_in = ?backoff, "the verification cache listener lost the database; verifying without the cache until it is back");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
    tracing::debug!("the verification cache listener stopped");
}

async fn listen(pool: &PgPool, cache: &VerifyCache, backoff: &mut Duration) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // Listening from here on: anything earlier may be in the cache, so drop it.
    cache.go_live();
    *backoff = FIRST_BACKOFF;
    tracing::debug!("the verification cache listener is live");
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => Invalidation::from_payload(notification.payload()).apply(cache),
            // The connection was lost and has been re-established (and
            // LISTEN re-issued); what was notified in between is lost.
            Ok(None) => {
                tracing::info!("the verification cache listener reconnected; emptying the cache");
                cache.go_live();
            }
            Err(sqlx::Error::PoolClosed) => return Ok(()),
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_id_payload_invalidates_that_key() {
        let id = Uuid::new_v4();
        assert_eq!(Invalidation::from_payload(&id.to_string()), Invalidation::Key(id));
    }

    #[test]
    fn the_star_payload_and_anything_unexpected_invalidate_everything() {
        assert_eq!(Invalidation::from_payload("*"), Invalidation::All);
        assert_eq!(Invalidation::from_payload("nonsense"), Invalidation::All);
    }
}
