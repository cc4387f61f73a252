//! A key's optional expiry date. The key stops verifying at the start of
//! that day (UTC), so "expires on 1 December" means it works through
//! 30 November.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Latest accepted expiry, from today.
pub const MAX_YEARS: i32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(Option<NaiveDate>);

impl Expiry {
    /// Parses the date field (`YYYY-MM-DD`, as `<input type="date">`
    /// sends it); empty means "never". The date must be after `today`.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(Expiry(None));
        }
        let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
            .map_err(|_| "Enter a date such as 2027-01-31, or leave it empty.".to_string())?;
        if date <= today {
            return Err("Choose a date after today.".into());
        }
        let limit = today.with_year(today.year() + MAX_YEARS).unwrap_or(today);
        if date > limit {
            return Err(format!("Choose a date within {MAX_YEARS} years."));
        }
        Ok(Expiry(Some(date)))
    }

    /// The instant the key stops verifying.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        self.0.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn empty_means_never() {
        assert_eq!(Expiry::parse(" ", day("2026-11-26")).unwrap().at(), None);
    }

    #[test]
    fn a_future_date_expires_at_the_start_of_that_day_utc() {
        let e = Expiry::parse("2026-12-01", day("2026-11-26")).unwrap();
        assert_eq!(e.at().unwrap().to_rfc3339(), "2026-12-01T00:00:00+00:00");
    }

    #[test]
    fn today_and_past_dates_are_refused() {
        assert_eq!(Expiry::parse("2026-11-26", day("2026-11-26")), Err("Choose a date after today.".into()));
        assert!(Expiry::parse("2020-01-01", day("2026-11-26")).is_err());
        assert!(Expiry::parse("2026-11-27", day("2026-11-26")).is_ok());
    }

    #[test]
    fn dates_beyond_ten_years_are_refused() {
        assert!(Expiry::parse("2036-11-26", day("2026-11-26")).is_ok());
        assert!(Expiry::parse("2036-11-27", day("2026-11-26")).unwrap_err().contains("10 years"));
    }

    #[test]
    fn other_formats_are_refused() {
        for bad in ["12/01/2026", "tomorrow", "2026-13-01"] {
            assert!(Expiry::parse(bad, day("2026-11-26")).unwrap_err().contains("2027-01-31"), "{bad}");
        }
    }
}
