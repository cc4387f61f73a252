//! "5 minutes ago", "in 3 days": how the Keys page speaks of times.

use chrono::{DateTime, Utc};

/// `then` relative to `now`, in the largest whole unit.
fn span(seconds: i64) -> String {
    let s = seconds.abs();
    let (n, unit) = match s {
        0..60 => return "less than a minute".into(),
        60..3_600 => (s / 60, "minute"),
        3_600..86_400 => (s / 3_600, "hour"),
        86_400..2_592_000 => (s / 86_400, "day"),
        2_592_000..31_536_000 => (s / 2_592_000, "month"),
        _ => (s / 31_536_000, "year"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// "Last used 5 minutes ago" or "Never used".
pub fn last_used(now: DateTime<Utc>, then: Option<DateTime<Utc>>) -> String {
    match then {
        None => "Never used".into(),
        Some(t) if (now - t).num_seconds() < 60 => "Last used just now".into(),
        Some(t) => format!("Last used {} ago", span((now - t).num_seconds())),
    }
}

/// "Expires in 3 days" or "Expired"; `None` for a key that never expires.
pub fn expiry(now: DateTime<Utc>, at: Option<DateTime<Utc>>) -> Option<String> {
    let at = at?;
    Some(if super::key_status::has_expired(Some(at), now) {
        "Expired".into()
    } else {
        format!("Expires in {}", span((at - now).num_seconds()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        "2026-11-26T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn never_used_keys_say_so() {
        assert_eq!(last_used(now(), None), "Never used");
    }

    #[test]
    fn recent_use_reads_naturally() {
        assert_eq!(last_used(now(), Some(now() - Duration::seconds(5))), "Last used just now");
        assert_eq!(last_used(now(), Some(now() - Duration::minutes(1))), "Last used 1 minute ago");
        assert_eq!(last_used(now(), Some(now() - Duration::minutes(5))), "Last used 5 minutes ago");
        assert_eq!(last_used(now(), Some(now() - Duration::hours(26))), "Last used 1 day ago");
        assert_eq!(last_used(now(), Some(now() - Duration::days(400))), "Last used 1 year ago");
    }

    #[test]
    fn expiry_counts_down_then_says_expired() {
        assert_eq!(expiry(now(), None), None);
        assert_eq!(expiry(now(), Some(now() + Duration::days(3))).unwrap(), "Expires in 3 days");
        assert_eq!(expiry(now(), Some(now() + Duration::hours(2))).unwrap(), "Expires in 2 hours");
        assert_eq!(expiry(now(), Some(now())).unwrap(), "Expired");
        assert_eq!(expiry(now(), Some(now() - Duration::days(1))).unwrap(), "Expired");
    }
}
