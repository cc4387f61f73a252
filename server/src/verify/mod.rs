//! The machinery behind `POST /api/v1/keys/verify`: the answer rule
//! (`app::domain::verification`), the in-process cache ([`cache`]) kept honest by Postgres
//! notifications ([`listener`]), last-use recording off the hot path
//! ([`last_used`]) and the per-client rate limit ([`rate_limit`]).

pub mod cache;
pub mod last_used;
pub mod listener;
pub mod rate_limit;

use crate::db::PgStore;
use app::{
    domain::{
        token::Token,
        vault::TokenVault,
        verification::{Code, KeyRecord},
    },
    error::AppError,
    store::VerifyStore,
};
use cache::{TokenHash, VerifyCache};
use chrono::Utc;
use last_used::LastUsed;
use rate_limit::VerifyRateLimit;
use std::{
    num::NonZeroU32,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    sync::{mpsc, Notify},
    task::JoinHandle,
};

/// Tunables of the verification API that are not settings (the rate limit
/// is: `Settings::verify_rate_limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyTuning {
    /// How often the last use of keys is written.
    pub last_used_interval: Duration,
    /// Cached tokens at most.
    pub cache_capacity: usize,
}

impl Default for VerifyTuning {
    fn default() -> Self {
        Self { last_used_interval: last_used::DEFAULT_INTERVAL, cache_capacity: cache::DEFAULT_CAPACITY }
    }
}

/// The outcome of one verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub code: Code,
    /// The key the token belongs to, when there is one.
    pub key: Option<Arc<KeyRecord>>,
}

type UsesReceiver = mpsc::Receiver<(uuid::Uuid, chrono::DateTime<Utc>)>;

/// Verifies tokens; one per server, shared by all requests.
pub struct Verifier {
    pub cache: Arc<VerifyCache>,
    pub rate_limit: VerifyRateLimit,
    last_used: LastUsed,
    /// Taken by the writer task when [`Verifier::start`] runs.
    uses: Mutex<Option<UsesReceiver>>,
    tuning: VerifyTuning,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("cache", &self.cache).field("tuning", &self.tuning).finish()
    }
}

impl Verifier {
    /// A verifier allowing `rate_limit` verifications a second per client,
    /// whose cache stays off and whose uses are not written until
    /// [`Verifier::start`] runs its background tasks.
    pub fn new(rate_limit: NonZeroU32, tuning: VerifyTuning) -> Self {
        let (last_used, uses) = LastUsed::channel();
        Self {
            cache: Arc::new(VerifyCache::new(tuning.cache_capacity)),
            rate_limit: VerifyRateLimit::new(rate_limit),
            last_used,
            uses: Mutex::new(Some(uses)),
            tuning,
        }
    }

    pub fn tuning(&self) -> VerifyTuning {
        self.tuning
    }

    /// Checks `presented` (never logged). A malformed token is answered
    /// without touching the database; a known one from the cache when it can.
    pub async fn verify(&self, store: &dyn VerifyStore, presented: &str) -> Result<Verification, AppError> {
        let Ok(token) = Token::parse(presented) else {
            return Ok(Verification { code: Code::Malformed, key: None });
        };
        let hash: TokenHash = TokenVault::hash(&token).try_into().map_err(|_| {
            tracing::error!("a SHA-256 hash is not 32 bytes long");
            AppError::Internal
        })?;
        let Some(key) = self.cache.lookup(store, &hash).await? else {
            return Ok(Verification { code: Code::NotFound, key: None });
        };
        let now = Utc::now();
        let code = key.code_at(now);
        if code == Code::NotFound {
            // A previous token whose grace period is over names no key.
            return Ok(Verification { code, key: None });
        }
        if code.is_valid() {
            self.last_used.record(key.id, now);
        }
        Ok(Verification { code, key: Some(key) })
    }

    /// Starts the cache listener and the last-use writer; they stop when the
    /// returned handle is dropped or the store's pool is closed. Call once
    /// per verifier (a second call starts only the listener).
    pub fn start(&self, store: &PgStore) -> BackgroundTasks {
        let listener = tokio::spawn(listener::run(store.clone(), self.cache.clone()));
        let stop = Arc::new(Notify::new());
        let uses = self.uses.lock().unwrap_or_else(|e| e.into_inner()).take();
        let writer = match uses {
            Some(uses) => Some(tokio::spawn(last_used::run(store.clone(), uses, self.tuning.last_used_interval, stop.clone()))),
            None => {
                tracing::warn!("the last-use writer was already started for this verifier");
                None
            }
        };
        BackgroundTasks { listener, writer, stop, others: Vec::new() }
    }
}

/// The verifier's background tasks; dropping this stops them at once,
/// [`BackgroundTasks::shutdown`] first writes the pending last uses.
#[derive(Debug)]
#[must_use = "dropping the handle stops the background tasks"]
pub struct BackgroundTasks {
    listener: JoinHandle<()>,
    writer: Option<JoinHandle<()>>,
    stop: Arc<Notify>,
    /// Other loops that run as long as the server (aborted on drop).
    others: Vec<JoinHandle<()>>,
}

/// Longest a shutdown waits for the pending last uses to be written.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

impl BackgroundTasks {
    /// Adds a loop that should stop with these tasks.
    pub fn also(mut self, task: JoinHandle<()>) -> Self {
        self.others.push(task);
        self
    }

    /// Writes the pending last uses (for at most a few seconds), then stops.
    pub async fn shutdown(mut self) {
        if let Some(writer) = self.writer.take() {
            self.stop.notify_one();
            if tokio::time::timeout(SHUTDOWN_TIMEOUT, writer).await.is_err() {
                tracing::warn!("the last uses of keys could not be written before shutting down");
            }
        }
    }
}

impl Drop for BackgroundTasks {
    fn drop(&mut self) {
        self.listener.abort();
        for task in &self.others {
            task.abort();
        }
        if let Some(writer) = &self.writer {
            writer.abort();
        }
    }
}
