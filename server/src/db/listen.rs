//! Postgres notifications (`LISTEN`), for the workers that react to changes:
//! the verification cache forgets changed keys, the webhook worker wakes up
//! for new deliveries. The channels and their payloads are the triggers'
//! (see `migrations/`).

use super::PgStore;
use sqlx::postgres::PgListener;
use std::time::Duration;

/// Notified with a key's id (or [`ALL_KEYS`]) when anything a verification
/// answers changes.
pub const KEY_CHANGES: &str = "keyhold_keys";
/// The payload of [`KEY_CHANGES`] that means "every key".
pub const ALL_KEYS: &str = "*";
/// Notified (empty payload) when deliveries are added to the outbox.
pub const NEW_DELIVERIES: &str = "keyhold_webhooks";

/// First wait before reconnecting; doubled after each failed attempt.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between two attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What a listener hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard<'a> {
    /// Listening from now on (also after a reconnect): whatever was
    /// notified while not listening is lost.
    Listening,
    /// A notification's payload.
    Notification(&'a str),
    /// Not listening any more, for this reason; retried after a backoff.
    Lost(&'a str),
}

impl PgStore {
    /// Listens on `channel` until the pool is closed, telling `on` what it
    /// hears. A lost connection is reported and retried with backoff.
    pub async fn listen(&self, channel: &str, mut on: impl FnMut(Heard<'_>) + Send) {
        let mut backoff = FIRST_BACKOFF;
        while !self.pool.is_closed() {
            let lost = match PgListener::connect_with(&self.pool).await {
                Ok(mut listener) => match listener.listen(channel).await {
                    Ok(()) => {
                        on(Heard::Listening);
                        backoff = FIRST_BACKOFF;
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(notification)) => on(Heard::Notification(notification.payload())),
                                // The connection was lost and re-established
                                // (LISTEN re-issued); what came in between is lost.
                                Ok(None) => on(Heard::Listening),
                                Err(sqlx::Error::PoolClosed) => return,
                                Err(err) => break err,
                            }
                        }
                    }
                    Err(err) => err,
                },
                Err(err) => err,
            };
            if self.pool.is_closed() {
                return;
            }
            on(Heard::Lost(&lost.to_string()));
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }
}
