//! The in-process cache of verification look-ups, keyed by the token's
//! SHA-256, so a repeated verification makes no database round trip.
//!
//! Two bounded [`moka`] caches with least-recently-used eviction hold the
//! answers: one for the tokens of keys (each token its own entry, so a
//! rolled key's old and new tokens are both cached during the grace period)
//! and a smaller one for unknown tokens, so made-up tokens cannot evict
//! real ones. A full cache evicts the least recently used entry to make
//! room; concurrent misses for one token make one database read.
//!
//! It is only trusted while the change listener (see `listener.rs`) is
//! connected: the cache serves and fills only when *live*, and going live or
//! losing the listener forgets everything. Each invalidation bumps a
//! generation; every entry carries the generation its read started at, and
//! an entry read before the latest invalidation of its key (or, for an
//! unknown token, before any invalidation) is never served. This is checked
//! on every read, so a slow read racing a change notified meanwhile cannot
//! leave a stale answer behind.

use app::{domain::verification::KeyRecord, error::AppError, store::VerifyStore};
use moka::{future::Cache, policy::EvictionPolicy};
use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex, MutexGuard,
    },
};
use uuid::Uuid;

/// SHA-256 of a token.
pub type TokenHash = [u8; 32];

/// Tokens of keys kept at most; past this, the least recently used go.
pub const DEFAULT_CAPACITY: usize = 100_000;
/// Unknown tokens remembered at most (they cost little to look up again).
const UNKNOWN_CAPACITY: u64 = 10_000;
/// Keys whose last invalidation is remembered at most; past this, the
/// whole cache is forgotten instead (always safe).
const MAX_INVALIDATED_KEYS: usize = 100_000;
/// Tries through the cache before a look-up reads the database directly
/// (each retry follows an invalidation that arrived during the read).
const TRIES: usize = 3;

/// A key's answer and the generation its read started at.
#[derive(Debug, Clone)]
struct Entry {
    generation: u64,
    key: Arc<KeyRecord>,
}

/// Why a look-up through the cache found no key.
#[derive(Debug)]
enum Miss {
    /// No key has this token; read at this generation.
    Unknown(u64),
    /// The database could not be read.
    Failed(AppError),
}

#[derive(Debug, Default)]
struct Generations {
    current: u64,
    /// Nothing read before this is served (going live or offline, `*`).
    everything: u64,
    /// Unknown tokens read before this are not served (any invalidation:
    /// the change may be the creation of a key with one of them).
    unknown: u64,
    /// Entries of a key read before its generation here are not served.
    keys: HashMap<Uuid, u64>,
}

impl Generations {
    fn forget_everything(&mut self) {
        self.current += 1;
        self.everything = self.current;
        self.unknown = self.current;
        self.keys.clear();
    }

    fn key_is_fresh(&self, entry: &Entry) -> bool {
        entry.generation >= self.everything && entry.generation >= self.keys.get(&entry.key.id).copied().unwrap_or(0)
    }

    fn unknown_is_fresh(&self, generation: u64) -> bool {
        generation >= self.everything && generation >= self.unknown
    }
}

pub struct VerifyCache {
    live: AtomicBool,
    keys: Cache<TokenHash, Entry>,
    unknown: Cache<TokenHash, u64>,
    generations: Mutex<Generations>,
}

impl Default for VerifyCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl std::fmt::Debug for VerifyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyCache")
            .field("live", &self.is_live())
            .field("keys", &self.keys.entry_count())
            .field("unknown", &self.unknown.entry_count())
            .finish()
    }
}

impl VerifyCache {
    /// A cache of at most `capacity` tokens of keys that is not live yet:
    /// it neither serves nor fills.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity as u64;
        Self {
            live: AtomicBool::new(false),
            keys: Cache::builder().max_capacity(capacity).eviction_policy(EvictionPolicy::lru()).build(),
            unknown: Cache::builder().max_capacity(UNKNOWN_CAPACITY.min(capacity)).eviction_policy(EvictionPolicy::lru()).build(),
            generations: Mutex::default(),
        }
    }

    // A panic while holding the lock cannot leave the generations
    // inconsistent in a way that matters (each method is a few integer and
    // map operations), so a poisoned lock is used as is rather than failing
    // every later verification.
    fn generations(&self) -> MutexGuard<'_, Generations> {
        self.generations.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Called when the listener has (re)connected and is listening: whatever
    /// changed while it was away was not notified, so start empty.
    pub fn go_live(&self) {
        let mut generations = self.generations();
        self.forget(&mut generations);
        self.live.store(true, Ordering::Release);
    }

    /// Called when the listener is lost: stop trusting the cache.
    pub fn go_offline(&self) {
        let mut generations = self.generations();
        self.live.store(false, Ordering::Release);
        self.forget(&mut generations);
    }

    fn forget(&self, generations: &mut Generations) {
        generations.forget_everything();
        self.keys.invalidate_all();
        self.unknown.invalidate_all();
    }

    /// Forgets the key `id` (all its tokens). Also forgets every unknown
    /// token: the change may be the creation of a key with one of them.
    pub fn invalidate_key(&self, id: Uuid) {
        let mut generations = self.generations();
        if generations.keys.len() >= MAX_INVALIDATED_KEYS && !generations.keys.contains_key(&id) {
            self.forget(&mut generations);
            return;
        }
        generations.current += 1;
        let current = generations.current;
        generations.keys.insert(id, current);
        generations.unknown = current;
    }

    /// Forgets everything but stays live (a notification said "all keys").
    pub fn invalidate_all(&self) {
        let mut generations = self.generations();
        self.forget(&mut generations);
    }

    /// True once an invalidation of the key `id` was applied (and nothing
    /// forgot it since): what a test waits for to know a change arrived.
    pub fn has_invalidated(&self, id: Uuid) -> bool {
        self.generations().keys.contains_key(&id)
    }

    /// The key whose token hashes to `hash`, from the cache when it holds a
    /// fresh answer, else from `store` (remembered when the cache is live).
    /// Concurrent misses for one token share one read.
    pub async fn lookup(&self, store: &dyn VerifyStore, hash: &TokenHash) -> Result<Option<Arc<KeyRecord>>, AppError> {
        for _ in 0..TRIES {
            if !self.is_live() {
                break;
            }
            if let Some(found) = self.cached(hash).await {
                return Ok(found);
            }
            let read = self
                .keys
                .try_get_with(*hash, async {
                    // Taken before reading: an invalidation during the read makes the entry stale.
                    let generation = self.generations().current;
                    match store.key_by_token_hash(hash).await {
                        Ok(Some(key)) => Ok(Entry { generation, key: Arc::new(key) }),
                        Ok(None) => Err(Miss::Unknown(generation)),
                        Err(err) => Err(Miss::Failed(err)),
                    }
                })
                .await;
            match read {
                Ok(entry) => {
                    if self.is_live() && self.generations().key_is_fresh(&entry) {
                        return Ok(Some(entry.key));
                    }
                    self.keys.invalidate(hash).await;
                }
                Err(miss) => match &*miss {
                    Miss::Unknown(generation) => {
                        if self.is_live() && self.generations().unknown_is_fresh(*generation) {
                            self.unknown.insert(*hash, *generation).await;
                            return Ok(None);
                        }
                    }
                    Miss::Failed(err) => return Err(err.clone()),
                },
            }
        }
        Ok(store.key_by_token_hash(hash).await?.map(Arc::new))
    }

    /// The fresh answer the cache holds for `hash` (`Some(None)`: a token no
    /// key has), or `None` when it holds none; stale entries are dropped.
    async fn cached(&self, hash: &TokenHash) -> Option<Option<Arc<KeyRecord>>> {
        if let Some(entry) = self.keys.get(hash).await {
            if self.generations().key_is_fresh(&entry) {
                return Some(Some(entry.key));
            }
            self.keys.invalidate(hash).await;
        }
        if let Some(generation) = self.unknown.get(hash).await {
            if self.generations().unknown_is_fresh(generation) {
                return Some(None);
            }
            self.unknown.invalidate(hash).await;
        }
        None
    }

    /// Whether a look-up of `hash` would be answered from the cache now.
    pub async fn holds(&self, hash: &TokenHash) -> bool {
        self.is_live() && self.cached(hash).await.is_some()
    }

    /// Answers the cache would serve now (tokens of keys and unknown
    /// tokens). Walks the whole cache: for tests and diagnostics.
    pub fn len(&self) -> usize {
        if !self.is_live() {
            return 0;
        }
        let generations = self.generations();
        let keys = self.keys.iter().filter(|(_, entry)| generations.key_is_fresh(entry)).count();
        let unknown = self.unknown.iter().filter(|(_, generation)| generations.unknown_is_fresh(*generation)).count();
        keys + unknown
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::key::Account;
    use chrono::{DateTime, Utc};
    use std::sync::atomic::AtomicUsize;
    use tokio::sync::Semaphore;

    /// A store that counts its reads and, while `gate` has no permits,
    /// holds every answer (read when asked) until the test lets it go.
    struct CountingStore {
        keys: Mutex<HashMap<TokenHash, KeyRecord>>,
        reads: AtomicUsize,
        gate: Semaphore,
    }

    impl CountingStore {
        fn open() -> Arc<Self> {
            Arc::new(Self { keys: Mutex::default(), reads: AtomicUsize::new(0), gate: Semaphore::new(Semaphore::MAX_PERMITS) })
        }

        fn closed() -> Arc<Self> {
            Arc::new(Self { keys: Mutex::default(), reads: AtomicUsize::new(0), gate: Semaphore::new(0) })
        }

        fn with(self: Arc<Self>, hash: TokenHash, key: &KeyRecord) -> Arc<Self> {
            self.keys.lock().unwrap().insert(hash, key.clone());
            self
        }

        fn reads(&self) -> usize {
            self.reads.load(Ordering::SeqCst)
        }
    }

    #[async_trait::async_trait]
    impl VerifyStore for CountingStore {
        async fn key_by_token_hash(&self, hash: &[u8]) -> Result<Option<KeyRecord>, AppError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let hash: TokenHash = hash.try_into().map_err(|_| AppError::Internal)?;
            // Read first, answer when let: what a slow database read does.
            let found = self.keys.lock().unwrap().get(&hash).cloned();
            let _permit = self.gate.acquire().await.map_err(|_| AppError::Internal)?;
            Ok(found)
        }

        async fn record_last_used(&self, _keys: &[Uuid], _times: &[DateTime<Utc>]) -> Result<u64, AppError> {
            Ok(0)
        }

        async fn ping(&self) -> bool {
            true
        }
    }

    fn key(name: &str) -> KeyRecord {
        KeyRecord {
            id: Uuid::new_v4(),
            name: name.into(),
            blocked: false,
            expires_at: None,
            accounts: vec![Account { id: Uuid::new_v4(), name: "Default".into() }],
            token_valid_until: None,
        }
    }

    fn live(capacity: usize) -> Arc<VerifyCache> {
        let cache = VerifyCache::new(capacity);
        cache.go_live();
        Arc::new(cache)
    }

    async fn name_of(cache: &VerifyCache, store: &CountingStore, hash: TokenHash) -> Option<String> {
        cache.lookup(store, &hash).await.unwrap().map(|k| k.name.clone())
    }

    #[tokio::test]
    async fn a_key_read_once_is_served_from_the_cache() {
        let cache = live(DEFAULT_CAPACITY);
        let store = CountingStore::open().with([1; 32], &key("Payments"));
        assert_eq!(name_of(&cache, &store, [1; 32]).await.as_deref(), Some("Payments"));
        assert_eq!(name_of(&cache, &store, [1; 32]).await.as_deref(), Some("Payments"));
        assert_eq!(store.reads(), 1);
        assert_eq!(cache.len(), 1);
    }

    #[tokio::test]
    async fn an_unknown_token_is_remembered_as_unknown() {
        let cache = live(DEFAULT_CAPACITY);
        let store = CountingStore::open();
        assert_eq!(name_of(&cache, &store, [1; 32]).await, None);
        assert_eq!(name_of(&cache, &store, [1; 32]).await, None);
        assert_eq!(store.reads(), 1);
        assert!(cache.holds(&[1; 32]).await);
    }

    #[tokio::test]
    async fn a_cache_that_is_not_live_neither_serves_nor_fills() {
        let cache = VerifyCache::default();
        let store = CountingStore::open().with([1; 32], &key("Payments"));
        name_of(&cache, &store, [1; 32]).await;
        name_of(&cache, &store, [1; 32]).await;
        assert_eq!(store.reads(), 2);
        assert!(!cache.holds(&[1; 32]).await);
        cache.go_live();
        name_of(&cache, &store, [1; 32]).await;
        cache.go_offline();
        assert!(cache.is_empty());
        name_of(&cache, &store, [1; 32]).await;
        assert_eq!(store.reads(), 4);
    }

    #[tokio::test]
    async fn both_tokens_of_a_rolled_key_stay_cached_during_the_grace_period() {
        let cache = live(DEFAULT_CAPACITY);
        let current = key("Payments");
        let previous = KeyRecord { token_valid_until: Some(Utc::now() + chrono::Duration::hours(1)), ..current.clone() };
        let store = CountingStore::open().with([1; 32], &previous).with([2; 32], &current);
        for _ in 0..3 {
            assert_eq!(name_of(&cache, &store, [1; 32]).await.as_deref(), Some("Payments"));
            assert_eq!(name_of(&cache, &store, [2; 32]).await.as_deref(), Some("Payments"));
        }
        assert_eq!(store.reads(), 2, "each token read once, neither evicting the other");
        assert!(cache.holds(&[1; 32]).await && cache.holds(&[2; 32]).await);
    }

    #[tokio::test]
    async fn invalidating_a_key_forgets_all_its_tokens_and_only_its() {
        let cache = live(DEFAULT_CAPACITY);
        let (a, b) = (key("A"), key("B"));
        let store = CountingStore::open().with([1; 32], &a).with([2; 32], &a).with([3; 32], &b);
        for hash in [[1; 32], [2; 32], [3; 32]] {
            name_of(&cache, &store, hash).await;
        }
        cache.invalidate_key(a.id);
        assert!(cache.has_invalidated(a.id));
        assert!(!cache.holds(&[1; 32]).await);
        assert!(!cache.holds(&[2; 32]).await);
        assert!(cache.holds(&[3; 32]).await);
        name_of(&cache, &store, [1; 32]).await;
        assert_eq!(store.reads(), 4, "the forgotten token is read again");
    }

    #[tokio::test]
    async fn any_invalidation_forgets_unknown_tokens_because_the_key_may_just_have_been_created() {
        let cache = live(DEFAULT_CAPACITY);
        let store = CountingStore::open();
        name_of(&cache, &store, [1; 32]).await;
        let created = key("New");
        let store = store.with([1; 32], &created);
        cache.invalidate_key(created.id);
        assert_eq!(name_of(&cache, &store, [1; 32]).await.as_deref(), Some("New"));
    }

    #[tokio::test]
    async fn a_full_cache_evicts_the_least_recently_used_token_instead_of_refusing_new_ones() {
        let cache = live(2);
        let store = CountingStore::open().with([1; 32], &key("A")).with([2; 32], &key("B")).with([3; 32], &key("C"));
        // moka keeps its order of use in batches; each step is let to settle
        // so the test knows which entry is the least recently used.
        for hash in [[1; 32], [2; 32], [1; 32], [3; 32]] {
            name_of(&cache, &store, hash).await;
            cache.keys.run_pending_tasks().await;
        }
        // A was used again after B, so B made room for C.
        assert!(cache.holds(&[3; 32]).await, "the new token is cached");
        assert!(cache.holds(&[1; 32]).await);
        assert!(!cache.holds(&[2; 32]).await, "the least recently used one made room");
        assert_eq!(cache.len(), 2);
    }

    /// Starts `count` look-ups of `hash` that all wait on the store's
    /// closed gate, checks the store was asked once, opens the gate and
    /// answers with what each look-up found.
    async fn concurrent_lookups(store: Arc<CountingStore>, hash: TokenHash, count: usize) -> Vec<Option<String>> {
        let cache = live(DEFAULT_CAPACITY);
        let lookups: Vec<_> = (0..count)
            .map(|_| {
                let (cache, store) = (cache.clone(), store.clone());
                tokio::spawn(async move { name_of(&cache, &store, hash).await })
            })
            .collect();
        // On this single-threaded runtime each yield lets every spawned
        // look-up run until it waits (on the gate, or on the one read).
        for _ in 0..64 {
            tokio::task::yield_now().await;
        }
        assert_eq!(store.reads(), 1, "every look-up but the first waits for its read");
        store.gate.add_permits(Semaphore::MAX_PERMITS);
        let mut found = Vec::new();
        for lookup in lookups {
            found.push(lookup.await.unwrap());
        }
        assert_eq!(store.reads(), 1);
        found
    }

    #[tokio::test]
    async fn concurrent_misses_for_one_token_make_one_database_read() {
        let store = CountingStore::closed().with([1; 32], &key("Payments"));
        let found = concurrent_lookups(store, [1; 32], 8).await;
        assert_eq!(found, vec![Some("Payments".to_string()); 8]);
    }

    #[tokio::test]
    async fn concurrent_misses_for_an_unknown_token_make_one_database_read() {
        let found = concurrent_lookups(CountingStore::closed(), [1; 32], 8).await;
        assert_eq!(found, vec![None; 8]);
    }

    #[tokio::test]
    async fn a_read_that_started_before_an_invalidation_is_not_served_afterwards() {
        let cache = live(DEFAULT_CAPACITY);
        let before = key("Before");
        let store = CountingStore::closed().with([1; 32], &before);
        let slow = {
            let (cache, store) = (cache.clone(), store.clone());
            tokio::spawn(async move { name_of(&cache, &store, [1; 32]).await })
        };
        for _ in 0..64 {
            tokio::task::yield_now().await;
        }
        assert_eq!(store.reads(), 1, "the read is in flight");
        // The key is renamed (and notified) while the read is in flight.
        let after = KeyRecord { name: "After".into(), ..before.clone() };
        let store = store.with([1; 32], &after);
        cache.invalidate_key(before.id);
        store.gate.add_permits(Semaphore::MAX_PERMITS);
        // The slow look-up read "Before" at a generation the invalidation made stale, so it reads again.
        assert_eq!(slow.await.unwrap().as_deref(), Some("After"));
        assert_eq!(name_of(&cache, &store, [1; 32]).await.as_deref(), Some("After"));
        assert_eq!(store.reads(), 2);
    }

    #[tokio::test]
    async fn reconnecting_the_listener_empties_the_cache() {
        let cache = live(DEFAULT_CAPACITY);
        let store = CountingStore::open().with([1; 32], &key("A"));
        name_of(&cache, &store, [1; 32]).await;
        name_of(&cache, &store, [2; 32]).await;
        assert_eq!(cache.len(), 2);
        cache.go_live();
        assert!(cache.is_empty());
        assert!(cache.is_live());
    }

    #[tokio::test]
    async fn invalidating_everything_empties_the_cache_and_stays_live() {
        let cache = live(DEFAULT_CAPACITY);
        let store = CountingStore::open().with([1; 32], &key("A"));
        name_of(&cache, &store, [1; 32]).await;
        name_of(&cache, &store, [2; 32]).await;
        cache.invalidate_all();
        assert!(cache.is_empty());
        assert!(cache.is_live());
        name_of(&cache, &store, [1; 32]).await;
        assert_eq!(store.reads(), 3);
    }

    #[tokio::test]
    async fn past_the_cap_on_remembered_invalidations_everything_is_forgotten() {
        let cache = live(DEFAULT_CAPACITY);
        let a = key("A");
        let store = CountingStore::open().with([1; 32], &a);
        name_of(&cache, &store, [1; 32]).await;
        for _ in 0..MAX_INVALIDATED_KEYS {
            cache.invalidate_key(Uuid::new_v4());
        }
        assert!(cache.holds(&[1; 32]).await, "other keys' changes leave A cached");
        cache.invalidate_key(Uuid::new_v4());
        assert!(!cache.holds(&[1; 32]).await);
        assert!(cache.generations().keys.is_empty());
    }
}
