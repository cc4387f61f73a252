//! Sign-in attempts per client address and per email, so a password cannot
//! be guessed quickly from one place or against one operator from many.
//! Kept in the process: with several `keyhold` processes each allows the
//! limit, which still bounds guessing to a handful a minute per process.

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::{num::NonZeroU32, time::Duration};

/// Attempts a minute per address and per email unless configured otherwise.
pub const DEFAULT_PER_MINUTE: NonZeroU32 = NonZeroU32::new(10).expect("10 is not zero");

pub struct SignInThrottle {
    by_address: DefaultKeyedRateLimiter<String>,
    by_email: DefaultKeyedRateLimiter<String>,
}

impl std::fmt::Debug for SignInThrottle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInThrottle")
    }
}

impl SignInThrottle {
    /// `per_minute` attempts a minute, in bursts of up to as many.
    pub fn new(per_minute: NonZeroU32) -> Self {
        let quota = Quota::per_minute(per_minute);
        Self { by_address: RateLimiter::keyed(quota), by_email: RateLimiter::keyed(quota) }
    }

    /// Counts one attempt; `Err(wait)` when the address or the email is over
    /// its budget. An attempt refused for one does not use up the other.
    pub fn attempt(&self, address: &str, email: &str) -> Result<(), Duration> {
        for limiter in [&self.by_address, &self.by_email] {
            if limiter.len() > 10_000 {
                limiter.retain_recent();
            }
        }
        let email = email.trim().to_lowercase();
        let now = self.by_address.clock().now();
        self.by_address.check_key(&address.to_owned()).map_err(|n| n.wait_time_from(now))?;
        self.by_email.check_key(&email).map_err(|n| n.wait_time_from(now))
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

    #[test]
    fn an_address_gets_its_budget_then_waits() {
        let t = SignInThrottle::new(NonZeroU32::new(3).unwrap());
        for i in 0..3 {
            t.attempt("10.0.0.1", &format!("op{i}@example.com")).unwrap();
        }
        let wait = t.attempt("10.0.0.1", "other@example.com").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(t.attempt("10.0.0.2", "other@example.com").is_ok());
    }

    #[test]
    fn an_email_is_limited_across_addresses_ignoring_case() {
        let t = SignInThrottle::new(NonZeroU32::new(2).unwrap());
        t.attempt("10.0.0.1", "Ada@example.com").unwrap();
        t.attempt("10.0.0.2", "ada@example.com").unwrap();
        assert!(t.attempt("10.0.0.3", " ADA@example.com").is_err());
    }

    #[test]
    fn the_message_rounds_up() {
        assert_eq!(too_many(Duration::from_millis(5200)), "Too many attempts, try again in 6 seconds.");
        assert_eq!(too_many(Duration::from_millis(10)), "Too many attempts, try again in 1 second.");
    }
}
