//! When a failed delivery is tried again.

use std::time::Duration;

/// Waits before the 2nd, 3rd, ... 8th attempt; after the 8th fails, the
/// delivery is marked failed (about 28 hours after the first attempt).
pub const DEFAULT_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// How much a wait may be shortened or lengthened, so that many deliveries
/// failing at once (a receiver down) do not all retry at the same moment.
pub const JITTER: f64 = 0.2;

/// The wait after `attempts` failed attempts, or `None` when there are no
/// retries left. `random` in `[0, 1)` picks the jitter: the wait is the
/// schedule's ±20%.
pub fn next_delay(schedule: &[Duration], attempts: u32, random: f64) -> Option<Duration> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    let base = schedule.get(index)?;
    let factor = 1.0 - JITTER + 2.0 * JITTER * random.clamp(0.0, 1.0);
    Some(base.mul_f64(factor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_waits_the_next_step_of_the_schedule() {
        let waits: Vec<_> = (1..=7).map(|n| next_delay(&DEFAULT_SCHEDULE, n, 0.5).unwrap()).collect();
        assert_eq!(waits, DEFAULT_SCHEDULE.to_vec());
    }

    #[test]
    fn after_the_eighth_attempt_there_is_no_retry() {
        assert_eq!(next_delay(&DEFAULT_SCHEDULE, 8, 0.5), None);
        assert_eq!(next_delay(&DEFAULT_SCHEDULE, 0, 0.5), None);
        assert_eq!(next_delay(&[], 1, 0.5), None);
    }

    #[test]
    fn jitter_stays_within_a_fifth_of_the_wait() {
        let five = Duration::from_secs(5);
        assert_eq!(next_delay(&DEFAULT_SCHEDULE, 1, 0.0).unwrap(), Duration::from_secs(4));
        let high = next_delay(&DEFAULT_SCHEDULE, 1, 0.999_999).unwrap();
        assert!(high > five && high <= Duration::from_secs(6), "{high:?}");
    }
}
