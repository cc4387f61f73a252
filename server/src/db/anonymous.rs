//! A limit on the database work of requests not known to come from a
//! signed-in operator: loading the session a cookie names (a cookie holding
//! a random id costs a query like a real one), the sign-in page's question
//! whether any operator exists, the sign-in look-up and the health check.
//! However many such requests arrive at once, they hold at most
//! [`ANONYMOUS_QUERIES`] of the pool's connections (the health check one of
//! those at most, shared by all checks in flight); the rest of the pool
//! stays free for signed-in operators, verifications and the webhook
//! worker.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};
use tokio::{
    sync::{Mutex, Semaphore, SemaphorePermit},
    time::Instant,
};

/// Most queries of anonymous requests running at once (the pool has 10
/// connections).
pub const ANONYMOUS_QUERIES: usize = 3;

/// Longest such a query waits for its turn; then the request is answered
/// that the server is busy.
pub const ANONYMOUS_WAIT: Duration = Duration::from_secs(1);

/// No turn came within [`ANONYMOUS_WAIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Shared by every clone of one `PgStore` and its session store.
#[derive(Debug)]
pub(super) struct Anonymous {
    queries: Semaphore,
    /// Set once an operator is known to exist. Operators are never deleted,
    /// so from then on the sign-in page's question costs no query.
    operators_exist: AtomicBool,
    /// When the newest health ping started, and whether it answered.
    last_ping: Mutex<Option<(Instant, bool)>>,
}

impl Default for Anonymous {
    fn default() -> Self {
        Self { queries: Semaphore::new(ANONYMOUS_QUERIES), operators_exist: AtomicBool::new(false), last_ping: Mutex::new(None) }
    }
}

impl Anonymous {
    /// A turn to run one query, held until dropped.
    pub(super) async fn turn(&self) -> Result<SemaphorePermit<'_>, Busy> {
        match tokio::time::timeout(ANONYMOUS_WAIT, self.queries.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                tracing::warn!("anonymous requests are using all their database connections; one was refused");
                Err(Busy)
            }
        }
    }

    pub(super) fn operators_exist(&self) -> bool {
        self.operators_exist.load(Ordering::Relaxed)
    }

    pub(super) fn remember_operators_exist(&self) {
        self.operators_exist.store(true, Ordering::Relaxed);
    }

    /// Runs `ping` unless a ping that started after this call began has
    /// answered meanwhile (then shares its answer): one ping at a time,
    /// each answer fresh for the calls waiting on it.
    pub(super) async fn ping(&self, ping: impl std::future::Future<Output = bool>) -> bool {
        let asked = Instant::now();
        let mut last = self.last_ping.lock().await;
        if let Some((started, answered)) = *last {
            if started >= asked {
                return answered;
            }
        }
        let started = Instant::now();
        let answered = ping.await;
        *last = Some((started, answered));
        answered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };

    #[tokio::test]
    async fn no_more_than_the_limit_run_at_once_and_the_rest_are_busy_after_the_wait() {
        let anonymous = Anonymous::default();
        let held = take_every_turn(&anonymous).await;
        assert_eq!(held.len(), ANONYMOUS_QUERIES);
        let start = Instant::now();
        assert_eq!(anonymous.turn().await.err(), Some(Busy));
        assert!(start.elapsed() >= ANONYMOUS_WAIT);
        drop(held);
        assert!(anonymous.turn().await.is_ok(), "turns are given back");
    }

    async fn take_every_turn(anonymous: &Anonymous) -> Vec<SemaphorePermit<'_>> {
        let mut held = Vec::new();
        for _ in 0..ANONYMOUS_QUERIES {
            held.push(anonymous.turn().await.unwrap());
        }
        held
    }

    #[tokio::test]
    async fn concurrent_health_pings_share_one_query() {
        let anonymous = Arc::new(Anonymous::default());
        let queries = Arc::new(AtomicUsize::new(0));
        let ping = |queries: Arc<AtomicUsize>| async move {
            queries.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            true
        };
        let calls: Vec<_> = (0..20)
            .map(|_| {
                let (anonymous, queries) = (anonymous.clone(), queries.clone());
                tokio::spawn(async move { anonymous.ping(ping(queries)).await })
            })
            .collect();
        for call in calls {
            assert!(call.await.unwrap());
        }
        // The first call's ping, then one more for all who asked while it ran.
        assert!(queries.load(Ordering::SeqCst) <= 2, "{} queries for 20 checks", queries.load(Ordering::SeqCst));
        // A check after those asks again.
        assert!(anonymous.ping(ping(queries.clone())).await);
        assert!(queries.load(Ordering::SeqCst) <= 3);
    }
}
