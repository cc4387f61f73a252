//! "Last used" without slowing verification down: each valid verification
//! drops `(key, time)` into a bounded channel, and one task writes what
//! piled up every `interval`, in one statement, so a key is written at most
//! once per interval however often it is used.

use crate::db::PgStore;
use app::store::VerifyStore;
use chrono::{DateTime, Utc};
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::{mpsc, Notify};
use uuid::Uuid;

/// How often pending uses are written, unless configured otherwise.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Uses waiting in the channel at most; past this they are dropped (the
/// next use of the key records it again).
pub const CHANNEL_CAPACITY: usize = 16_384;

/// The sending side, cheap to clone, used on the hot path.
#[derive(Debug, Clone)]
pub struct LastUsed {
    tx: mpsc::Sender<(Uuid, DateTime<Utc>)>,
}

impl LastUsed {
    /// The recorder and the receiver the writer task drains.
    pub fn channel() -> (Self, mpsc::Receiver<(Uuid, DateTime<Utc>)>) {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        (Self { tx }, rx)
    }

    /// Never waits: a full channel (or no writer) drops the use. Answers
    /// whether the use was queued.
    pub fn record(&self, key: Uuid, at: DateTime<Utc>) -> bool {
        self.tx.try_send((key, at)).is_ok()
    }
}

/// Uses received since the last write, the latest per key.
#[derive(Debug, Default)]
pub struct Pending {
    latest: HashMap<Uuid, DateTime<Utc>>,
}

impl Pending {
    pub fn add(&mut self, key: Uuid, at: DateTime<Utc>) {
        let slot = self.latest.entry(key).or_insert(at);
        if *slot < at {
            *slot = at;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    /// Everything pending as the two arrays of one `unnest`, leaving it empty.
    pub fn take(&mut self) -> (Vec<Uuid>, Vec<DateTime<Utc>>) {
        std::mem::take(&mut self.latest).into_iter().unzip()
    }
}

/// Writes pending uses every `interval` until `stop` is notified or every
/// sender is gone (what is pending then is written first), or the database
/// pool is closed.
pub async fn run(store: PgStore, mut rx: mpsc::Receiver<(Uuid, DateTime<Utc>)>, interval: Duration, stop: Arc<Notify>) {
    let mut pending = Pending::default();
    // The first write one interval from now (not at once), so a use made
    // right after the start waits for it like any other.
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let closed = store.pool().close_event();
    tokio::pin!(closed);
    loop {
        tokio::select! {
            used = rx.recv() => match used {
                Some((key, at)) => pending.add(key, at),
                None => break,
            },
            _ = ticks.tick() => write(&store, &mut pending).await,
            _ = &mut closed => return,
            _ = stop.notified() => break,
        }
    }
    while let Ok((key, at)) = rx.try_recv() {
        pending.add(key, at);
    }
    write(&store, &mut pending).await;
}

async fn write(store: &PgStore, pending: &mut Pending) {
    if pending.is_empty() {
        return;
    }
    let (keys, times) = pending.take();
    // A failure is logged by the store; the uses are dropped, as retrying
    // would only pile up behind a database that is down.
    let _ = store.record_last_used(&keys, &times).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_keeps_the_latest_use_of_each_key() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let t0 = Utc::now();
        let t1 = t0 + chrono::Duration::seconds(1);
        let mut pending = Pending::default();
        pending.add(a, t1);
        pending.add(a, t0);
        pending.add(b, t0);
        let (keys, times) = pending.take();
        let mut written: Vec<_> = keys.into_iter().zip(times).collect();
        written.sort();
        let mut expected = vec![(a, t1), (b, t0)];
        expected.sort();
        assert_eq!(written, expected);
        assert!(pending.is_empty());
    }

    #[test]
    fn a_full_channel_drops_uses_instead_of_waiting() {
        let (recorder, mut rx) = LastUsed::channel();
        let queued = (0..CHANNEL_CAPACITY + 10).filter(|_| recorder.record(Uuid::new_v4(), Utc::now())).count();
        assert_eq!(queued, CHANNEL_CAPACITY, "exactly a channel's worth is queued, the rest dropped");
        assert!(!recorder.record(Uuid::new_v4(), Utc::now()));
        assert!(rx.try_recv().is_ok());
        assert!(recorder.record(Uuid::new_v4(), Utc::now()), "room again once the writer took one");
    }

    #[test]
    fn without_a_writer_every_use_is_dropped() {
        let (recorder, rx) = LastUsed::channel();
        drop(rx);
        assert!(!recorder.record(Uuid::new_v4(), Utc::now()));
    }
}
