//! At most N verifications per second from one client address (GCRA, via
//! `governor`), so the endpoint cannot be used to guess tokens quickly or to
//! load the database. The caller says who the client is (its address, or its
//! /64 for IPv6: `app::domain::client_address::rate_key`).

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::{
    net::{IpAddr, Ipv4Addr},
    num::NonZeroU32,
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

/// The bucket of requests whose peer address is unknown (no `ConnectInfo`,
/// as when the router is driven without a socket).
pub const UNKNOWN_CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

/// Addresses remembered before idle ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;
/// How many checks pass between two looks at the number of addresses
/// (counting them visits every shard of the map).
const PRUNE_CHECK_EVERY: u32 = 1024;

pub struct VerifyRateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    per_second: NonZeroU32,
    checks: AtomicU32,
}

impl std::fmt::Debug for VerifyRateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyRateLimit").field("per_second", &self.per_second).finish()
    }
}

impl VerifyRateLimit {
    /// `per_second` requests a second, in bursts of up to as many.
    pub fn new(per_second: NonZeroU32) -> Self {
        Self { limiter: RateLimiter::keyed(Quota::per_second(per_second)), per_second, checks: AtomicU32::new(0) }
    }

    pub fn per_second(&self) -> NonZeroU32 {
        self.per_second
    }

    /// `Err(wait)` when `client` is over its budget and must wait `wait`.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed).is_multiple_of(PRUNE_CHECK_EVERY) && self.limiter.len() > PRUNE_ABOVE {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| not_until.wait_time_from(self.limiter.clock().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_may_send_its_budget_at_once_and_no_more() {
        let limit = VerifyRateLimit::new(NonZeroU32::new(3).unwrap());
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..3 {
            assert!(limit.check(client).is_ok());
        }
        let wait = limit.check(client).unwrap_err();
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
    }

    #[test]
    fn clients_have_separate_budgets() {
        let limit = VerifyRateLimit::new(NonZeroU32::new(1).unwrap());
        assert!(limit.check("192.0.2.1".parse().unwrap()).is_ok());
        assert!(limit.check("192.0.2.2".parse().unwrap()).is_ok());
        assert!(limit.check("192.0.2.1".parse().unwrap()).is_err());
    }
}
