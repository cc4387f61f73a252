//! Keeps the verification cache honest: listens for key changes (see the
//! triggers in `migrations/*_verification.sql`) and forgets the key each
//! notification names. A lost connection may have lost notifications, so
//! the cache is emptied whenever the listener (re)connects, and bypassed
//! while it is down.

use super::cache::VerifyCache;
use crate::db::{
    listen::{Heard, ALL_KEYS, KEY_CHANGES},
    PgStore,
};
use std::sync::Arc;
use uuid::Uuid;

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
                    tracing::warn!(payload, "unexpected notification on {KEY_CHANGES}; emptying the verification cache");
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

/// Runs until the store's pool is closed.
pub async fn run(store: PgStore, cache: Arc<VerifyCache>) {
    let _offline = OfflineOnExit(cache.clone());
    store
        .listen(KEY_CHANGES, |heard| match heard {
            // Listening from here on: anything earlier may be in the cache, so drop it.
            Heard::Listening => {
                tracing::debug!("the verification cache listener is live; emptying the cache");
                cache.go_live();
            }
            Heard::Notification(payload) => Invalidation::from_payload(payload).apply(&cache),
            Heard::Lost(reason) => {
                cache.go_offline();
                tracing::warn!(
                    error = reason,
                    "the verification cache listener lost the database; verifying without the cache until it is back"
                );
            }
        })
        .await;
    tracing::debug!("the verification cache listener stopped");
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
