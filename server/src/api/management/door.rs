//! What the management API's handlers share: the server's state and the
//! per-token rate limit.

use crate::state::AppState;
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::{num::NonZeroU32, sync::Arc, time::Duration};
use uuid::Uuid;

/// The handlers' state. The rate limit is per process, like the other limits.
#[derive(Clone)]
pub struct Door {
    pub state: AppState,
    pub rate_limit: Arc<TokenRateLimit>,
}

impl Door {
    pub fn new(state: &AppState) -> Self {
        Door { state: state.clone(), rate_limit: Arc::new(TokenRateLimit::new(state.settings.management_rate_limit)) }
    }
}

/// At most N requests per second per management token (GCRA).
pub struct TokenRateLimit {
    limiter: DefaultKeyedRateLimiter<Uuid>,
}

impl TokenRateLimit {
    pub fn new(per_second: NonZeroU32) -> Self {
        Self { limiter: RateLimiter::keyed(Quota::per_second(per_second)) }
    }

    /// `Err(wait)` when `token` is over its budget.
    pub fn check(&self, token: Uuid) -> Result<(), Duration> {
        self.limiter.check_key(&token).map_err(|not_until| not_until.wait_time_from(self.limiter.clock().now()))
    }
}
