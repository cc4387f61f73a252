//! How long an old token keeps working after its key's token is rolled.

use chrono::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GracePeriod {
    None,
    OneHour,
    OneDay,
    SevenDays,
}

impl GracePeriod {
    /// Every choice, in the order the dialog offers them.
    pub const ALL: [GracePeriod; 4] = [GracePeriod::None, GracePeriod::OneHour, GracePeriod::OneDay, GracePeriod::SevenDays];

    /// The form value.
    pub fn value(self) -> &'static str {
        match self {
            GracePeriod::None => "none",
            GracePeriod::OneHour => "1h",
            GracePeriod::OneDay => "24h",
            GracePeriod::SevenDays => "7d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GracePeriod::None => "None: the old token stops at once",
            GracePeriod::OneHour => "1 hour",
            GracePeriod::OneDay => "24 hours",
            GracePeriod::SevenDays => "7 days",
        }
    }

    pub fn parse(value: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|g| g.value() == value.trim()).ok_or_else(|| "Choose how long the old token keeps working.".to_string())
    }

    /// `None` when the old token stops at once.
    pub fn duration(self) -> Option<Duration> {
        match self {
            GracePeriod::None => None,
            GracePeriod::OneHour => Some(Duration::hours(1)),
            GracePeriod::OneDay => Some(Duration::hours(24)),
            GracePeriod::SevenDays => Some(Duration::days(7)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_parses_from_its_form_value() {
        for g in GracePeriod::ALL {
            assert_eq!(GracePeriod::parse(g.value()), Ok(g));
        }
    }

    #[test]
    fn durations_match_their_labels() {
        assert_eq!(GracePeriod::None.duration(), None);
        assert_eq!(GracePeriod::OneHour.duration(), Some(Duration::seconds(3600)));
        assert_eq!(GracePeriod::OneDay.duration(), Some(Duration::seconds(86_400)));
        assert_eq!(GracePeriod::SevenDays.duration(), Some(Duration::seconds(604_800)));
    }

    #[test]
    fn unknown_values_are_refused() {
        assert!(GracePeriod::parse("30d").is_err());
        assert!(GracePeriod::parse("").is_err());
    }
}
