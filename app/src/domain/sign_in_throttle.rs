//! How often anyone may try to sign in. Three limits, each with its own
//! reason:
//!
//! - per client address (its /64 for IPv6): `KEYHOLD_SIGN_IN_LIMIT` attempts
//!   a minute, so one machine cannot try many passwords quickly;
//! - per account (the normalised email): `KEYHOLD_SIGN_IN_ACCOUNT_LIMIT`
//!   attempts an hour, so many machines together cannot either;
//! - per account, after [`FREE_FAILURES`] failures in a row, each further
//!   attempt waits twice as long as the one before (1 s, 2 s, 4 s, ... up to
//!   [`MAX_BACKOFF`]); a successful sign-in starts the count again.
//!
//! Kept in the process: with several `keyhold` processes each allows the
//! limits, which still bounds guessing to a handful an hour per process.

use super::client_address::rate_key;
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures in a row an account may have before each attempt waits.
pub const FREE_FAILURES: u32 = 5;
/// The longest an account waits between attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// A run of failures is forgotten this long after its last failure.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// Entries remembered before old ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

/// Consecutive failures of one account.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt may be made.
    fn next_allowed(&self) -> Instant {
        match self.count.checked_sub(FREE_FAILURES) {
            None => self.last,
            Some(over) => self.last + Duration::from_secs(1u64 << over.min(20)).min(MAX_BACKOFF),
        }
    }
}

pub struct SignInThrottle {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<String>,
    failures: Mutex<HashMap<String, Failures>>,
}

impl std::fmt::Debug for SignInThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInThrottle")
    }
}

impl SignInThrottle {
    /// `per_address` attempts a minute per client address and `per_account`
    /// an hour per account, each in bursts of up to as many.
    pub fn new(per_address: NonZeroU32, per_account: NonZeroU32) -> Self {
        Self {
            by_address: RateLimiter::keyed(Quota::per_minute(per_address)),
            by_account: RateLimiter::keyed(Quota::per_hour(per_account)),
            failures: Mutex::default(),
        }
    }

    /// Counts one attempt by `address` (if known) on the account `account`
    /// (a normalised email, see `Email::key`); `Err(wait)` when any limit
    /// says to wait. An attempt refused by one limit uses up no other.
    pub fn attempt(&self, address: Option<IpAddr>, account: &str) -> Result<(), Duration> {
        self.attempt_at(address, account, Instant::now())
    }

    fn attempt_at(&self, address: Option<IpAddr>, account: &str, now: Instant) -> Result<(), Duration> {
        if let Some(failures) = self.failures().get(account) {
            let allowed = failures.next_allowed();
            if allowed > now {
                return Err(allowed - now);
            }
        }
        let clock_now = self.by_address.clock().now();
        if let Some(address) = address {
            if self.by_address.len() > PRUNE_ABOVE {
                self.by_address.retain_recent();
            }
            self.by_address.check_key(&rate_key(address)).map_err(|n| n.wait_time_from(clock_now))?;
        }
        if self.by_account.len() > PRUNE_ABOVE {
            self.by_account.retain_recent();
        }
        self.by_account.check_key(&account.to_owned()).map_err(|n| n.wait_time_from(clock_now))
    }

    /// The attempt on `account` failed (wrong password, or no such operator).
    pub fn failed(&self, account: &str) {
        self.failed_at(account, Instant::now())
    }

    fn failed_at(&self, account: &str, now: Instant) {
        let mut failures = self.failures();
        if failures.len() > PRUNE_ABOVE {
            failures.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
        }
        let entry = failures.entry(account.to_owned()).or_insert(Failures { count: 0, last: now });
        if now.duration_since(entry.last) >= FORGET_AFTER {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// The attempt on `account` succeeded: its failures are forgotten.
    pub fn succeeded(&self, account: &str) {
        self.failures().remove(account);
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        // A panic while holding the lock leaves a consistent map.
        self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// "Too many attempts, try again in N seconds" with N rounded up.
pub fn too_many(wait: Duration) -> String {
    let secs = super::wait::whole_seconds(wait);
    let unit = if secs == 1 { "second" } else { "seconds" };
    format!("Too many attempts, try again in {secs} {unit}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: u32) -> NonZeroU32 {
        NonZeroU32::new(v).unwrap()
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn an_address_gets_its_budget_then_waits() {
        let t = SignInThrottle::new(n(3), n(100));
        for i in 0..3 {
            t.attempt(ip("10.0.0.1"), &format!("op{i}@example.com")).unwrap();
        }
        let wait = t.attempt(ip("10.0.0.1"), "other@example.com").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(t.attempt(ip("10.0.0.2"), "other@example.com").is_ok());
    }

    #[test]
    fn an_ipv6_address_shares_its_budget_with_its_64() {
        let t = SignInThrottle::new(n(2), n(100));
        t.attempt(ip("2001:db8:0:1::1"), "a@example.com").unwrap();
        t.attempt(ip("2001:db8:0:1::2"), "b@example.com").unwrap();
        assert!(t.attempt(ip("2001:db8:0:1:ffff::3"), "c@example.com").is_err());
        assert!(t.attempt(ip("2001:db8:0:2::1"), "c@example.com").is_ok());
    }

    #[test]
    fn an_account_has_its_own_hourly_limit_across_addresses() {
        let t = SignInThrottle::new(n(100), n(3));
        for i in 1..=3 {
            t.attempt(ip(&format!("10.0.0.{i}")), "ada@example.com").unwrap();
        }
        let wait = t.attempt(ip("10.0.0.9"), "ada@example.com").unwrap_err();
        assert!(wait > Duration::from_secs(60), "an hourly budget refills slowly: {wait:?}");
        assert!(t.attempt(ip("10.0.0.9"), "bob@example.com").is_ok(), "other accounts are not affected");
    }

    #[test]
    fn failures_beyond_five_in_a_row_double_the_wait() {
        let t = SignInThrottle::new(n(1000), n(1000));
        let start = Instant::now();
        let mut now = start;
        for _ in 0..FREE_FAILURES {
            t.attempt_at(None, "ada", now).unwrap();
            t.failed_at("ada", now);
        }
        let mut expected = Duration::from_secs(1);
        for _ in 0..6 {
            let wait = t.attempt_at(None, "ada", now).unwrap_err();
            assert_eq!(wait, expected);
            // Just before the wait is over: still refused; then allowed.
            assert!(t.attempt_at(None, "ada", now + expected - Duration::from_millis(1)).is_err());
            now += expected;
            t.attempt_at(None, "ada", now).unwrap();
            t.failed_at("ada", now);
            expected *= 2;
        }
        assert!(t.attempt_at(None, "bob", now).is_ok(), "another account is not affected");
    }

    #[test]
    fn the_wait_is_capped_and_a_success_resets_it() {
        let t = SignInThrottle::new(n(1000), n(1000));
        let now = Instant::now();
        for _ in 0..40 {
            t.failed_at("ada", now);
        }
        assert_eq!(t.attempt_at(None, "ada", now).unwrap_err(), MAX_BACKOFF);
        t.succeeded("ada");
        assert!(t.attempt_at(None, "ada", now).is_ok());
    }

    #[test]
    fn a_run_of_failures_is_forgotten_after_a_day() {
        let t = SignInThrottle::new(n(1000), n(1000));
        let now = Instant::now();
        for _ in 0..10 {
            t.failed_at("ada", now);
        }
        let later = now + FORGET_AFTER;
        t.failed_at("ada", later);
        assert!(t.attempt_at(None, "ada", later).is_ok(), "one failure after a day is a fresh start");
    }

    #[test]
    fn the_message_rounds_up() {
        assert_eq!(too_many(Duration::from_millis(5200)), "Too many attempts, try again in 6 seconds.");
        assert_eq!(too_many(Duration::from_millis(10)), "Too many attempts, try again in 1 second.");
    }
}
