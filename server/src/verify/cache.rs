//! The in-process cache of verification look-ups, keyed by the token's
//! SHA-256, so a repeated verification makes no database round trip.
//!
//! It is only trusted while the change listener (see `listener.rs`) is
//! connected: the cache serves and fills only when *live*, and going live or
//! losing the listener empties it. Each invalidation bumps a generation; a
//! look-up that started before an invalidation may not fill the cache with
//! what it read (it may be stale), which closes the race between a slow read
//! and a change notified meanwhile.

use app::domain::verification::KeyRecord;
use std::{
    collections::{HashMap, HashSet},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, RwLock, RwLockReadGuard, RwLockWriteGuard,
    },
};
use uuid::Uuid;

/// SHA-256 of a token.
pub type TokenHash = [u8; 32];

/// Entries kept at most; past this, new look-ups are simply not cached.
pub const DEFAULT_CAPACITY: usize = 100_000;
/// Unknown tokens remembered at most (they cost nothing to look up again).
const UNKNOWN_CAPACITY: usize = 10_000;

/// What the cache knows about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cached {
    Key(Arc<KeyRecord>),
    /// Well formed, but no key has this token.
    Unknown,
}

/// Permission to fill the cache with the result of a look-up that started
/// at this generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

#[derive(Default)]
struct Entries {
    generation: u64,
    by_hash: HashMap<TokenHash, Arc<KeyRecord>>,
    /// The invalidation index: which hash a key id is cached under.
    by_key: HashMap<Uuid, TokenHash>,
    unknown: HashSet<TokenHash>,
}

impl Entries {
    fn forget_everything(&mut self) {
        self.generation += 1;
        self.by_hash.clear();
        self.by_key.clear();
        self.unknown.clear();
    }
}

pub struct VerifyCache {
    live: AtomicBool,
    capacity: usize,
    entries: RwLock<Entries>,
}

impl Default for VerifyCache {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl std::fmt::Debug for VerifyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyCache").field("live", &self.is_live()).field("len", &self.len()).finish()
    }
}

impl VerifyCache {
    /// A cache that is not live yet: it neither serves nor fills.
    pub fn new(capacity: usize) -> Self {
        Self { live: AtomicBool::new(false), capacity, entries: RwLock::default() }
    }

    // A panic while holding the lock cannot leave the maps inconsistent in a
    // way that matters (each method is a few map operations), so a poisoned
    // lock is used as is rather than failing every later verification.
    fn read(&self) -> RwLockReadGuard<'_, Entries> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Entries> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Called when the listener has (re)connected and is listening: whatever
    /// changed while it was away was not notified, so start empty.
    pub fn go_live(&self) {
        let mut entries = self.write();
        entries.forget_everything();
        self.live.store(true, Ordering::Release);
    }

    /// Called when the listener is lost: stop trusting the cache.
    pub fn go_offline(&self) {
        let mut entries = self.write();
        self.live.store(false, Ordering::Release);
        entries.forget_everything();
    }

    /// The cached answer for `hash`, if the cache is live and has one.
    pub fn get(&self, hash: &TokenHash) -> Option<Cached> {
        if !self.is_live() {
            return None;
        }
        let entries = self.read();
        if let Some(key) = entries.by_hash.get(hash) {
            return Some(Cached::Key(key.clone()));
        }
        entries.unknown.contains(hash).then_some(Cached::Unknown)
    }

    /// Take before reading the database; `None` when the cache is not live.
    pub fn ticket(&self) -> Option<Ticket> {
        if !self.is_live() {
            return None;
        }
        Some(Ticket(self.read().generation))
    }

    /// Remembers what a look-up found (`None`: no such key). Ignored, and
    /// `false`, when anything was invalidated since `ticket` was taken, when
    /// the cache is not live, or when it is full.
    pub fn fill(&self, ticket: Ticket, hash: TokenHash, found: Option<Arc<KeyRecord>>) -> bool {
        let mut entries = self.write();
        if !self.is_live() || entries.generation != ticket.0 {
            return false;
        }
        match found {
            Some(key) => {
                if entries.by_hash.len() >= self.capacity && !entries.by_hash.contains_key(&hash) {
                    return false;
                }
                // A key has one token; if it was cached under another hash, drop that.
                if let Some(old) = entries.by_key.insert(key.id, hash) {
                    if old != hash {
                        entries.by_hash.remove(&old);
                    }
                }
                entries.unknown.remove(&hash);
                entries.by_hash.insert(hash, key);
            }
            None => {
                if entries.unknown.len() >= UNKNOWN_CAPACITY.min(self.capacity) {
                    return false;
                }
                entries.unknown.insert(hash);
            }
        }
        true
    }

    /// Forgets the key `id`. Also forgets every unknown token: the change may
    /// be the creation of a key with one of them.
    pub fn invalidate_key(&self, id: Uuid) {
        let mut entries = self.write();
        entries.generation += 1;
        if let Some(hash) = entries.by_key.remove(&id) {
            entries.by_hash.remove(&hash);
        }
        entries.unknown.clear();
    }

    /// Forgets everything but stays live (a notification said "all keys").
    pub fn invalidate_all(&self) {
        self.write().forget_everything();
    }

    /// Cached keys and unknown tokens.
    pub fn len(&self) -> usize {
        let entries = self.read();
        entries.by_hash.len() + entries.unknown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::key::Account;

    fn key(id: Uuid) -> Arc<KeyRecord> {
        Arc::new(KeyRecord {
            id,
            name: "Payments".into(),
            blocked: false,
            expires_at: None,
            accounts: vec![Account { id: Uuid::new_v4(), name: "Default".into() }],
            token_valid_until: None,
        })
    }

    fn live() -> VerifyCache {
        let cache = VerifyCache::new(DEFAULT_CAPACITY);
        cache.go_live();
        cache
    }

    fn fill(cache: &VerifyCache, hash: TokenHash, found: Option<Arc<KeyRecord>>) -> bool {
        let ticket = cache.ticket().expect("the cache is live");
        cache.fill(ticket, hash, found)
    }

    #[test]
    fn a_filled_key_is_served_from_the_cache() {
        let cache = live();
        let k = key(Uuid::new_v4());
        assert!(fill(&cache, [1; 32], Some(k.clone())));
        assert_eq!(cache.get(&[1; 32]), Some(Cached::Key(k)));
        assert_eq!(cache.get(&[2; 32]), None);
    }

    #[test]
    fn an_unknown_token_is_remembered_as_unknown() {
        let cache = live();
        assert!(fill(&cache, [1; 32], None));
        assert_eq!(cache.get(&[1; 32]), Some(Cached::Unknown));
    }

    #[test]
    fn a_cache_that_is_not_live_neither_serves_nor_fills() {
        let cache = VerifyCache::default();
        assert_eq!(cache.ticket(), None);
        cache.go_live();
        let ticket = cache.ticket().unwrap();
        cache.go_offline();
        assert!(!cache.fill(ticket, [1; 32], Some(key(Uuid::new_v4()))));
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn invalidating_a_key_forgets_it_and_only_it() {
        let cache = live();
        let (a, b) = (key(Uuid::new_v4()), key(Uuid::new_v4()));
        fill(&cache, [1; 32], Some(a.clone()));
        fill(&cache, [2; 32], Some(b.clone()));
        cache.invalidate_key(a.id);
        assert_eq!(cache.get(&[1; 32]), None);
        assert_eq!(cache.get(&[2; 32]), Some(Cached::Key(b)));
    }

    #[test]
    fn any_invalidation_forgets_unknown_tokens_because_the_key_may_just_have_been_created() {
        let cache = live();
        fill(&cache, [1; 32], None);
        cache.invalidate_key(Uuid::new_v4());
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn a_look_up_that_started_before_an_invalidation_does_not_fill_the_cache() {
        let cache = live();
        let k = key(Uuid::new_v4());
        let ticket = cache.ticket().unwrap();
        // The key changes (and is notified) while the look-up is in flight.
        cache.invalidate_key(k.id);
        assert!(!cache.fill(ticket, [1; 32], Some(k)));
        assert_eq!(cache.get(&[1; 32]), None);
    }

    #[test]
    fn reconnecting_the_listener_empties_the_cache() {
        let cache = live();
        fill(&cache, [1; 32], Some(key(Uuid::new_v4())));
        cache.go_live();
        assert!(cache.is_empty());
        assert!(cache.is_live());
    }

    #[test]
    fn invalidating_everything_empties_the_cache_and_stays_live() {
        let cache = live();
        fill(&cache, [1; 32], Some(key(Uuid::new_v4())));
        fill(&cache, [2; 32], None);
        cache.invalidate_all();
        assert!(cache.is_empty());
        assert!(cache.ticket().is_some());
    }

    #[test]
    fn a_key_cached_under_a_new_token_forgets_the_old_one() {
        let cache = live();
        let k = key(Uuid::new_v4());
        fill(&cache, [1; 32], Some(k.clone()));
        fill(&cache, [2; 32], Some(k.clone()));
        assert_eq!(cache.get(&[1; 32]), None);
        assert_eq!(cache.get(&[2; 32]), Some(Cached::Key(k)));
    }

    #[test]
    fn a_full_cache_refuses_new_entries_but_keeps_serving_old_ones() {
        let cache = VerifyCache::new(1);
        cache.go_live();
        let a = key(Uuid::new_v4());
        assert!(fill(&cache, [1; 32], Some(a.clone())));
        assert!(!fill(&cache, [2; 32], Some(key(Uuid::new_v4()))));
        assert_eq!(cache.get(&[1; 32]), Some(Cached::Key(a)));
    }
}
