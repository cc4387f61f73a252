//! The query strings of the list endpoints (`GET /keys`, `GET /audit`):
//! read by hand from the raw query, so that every mistake is a
//! problem+json answer naming the parameter, as the document promises.

use super::problem::Problem;

/// Items a page when `limit` is left out.
pub const DEFAULT_LIMIT: i64 = 50;
/// The most `limit` may ask for.
pub const MAX_LIMIT: i64 = 200;

/// The parameters of a raw query string, decoded, in order.
pub fn pairs(raw: Option<&str>) -> impl Iterator<Item = (String, String)> + '_ {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned()))
}

/// A `limit` value: a whole number from 1 to [`MAX_LIMIT`].
pub fn limit(value: &str) -> Result<i64, Problem> {
    value
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=MAX_LIMIT).contains(n))
        .ok_or_else(|| Problem::invalid_field("limit", format!("limit must be a whole number from 1 to {MAX_LIMIT}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_a_whole_number_from_one_to_the_maximum() {
        assert_eq!(limit("1").unwrap(), 1);
        assert_eq!(limit(" 200 ").unwrap(), MAX_LIMIT);
        for bad in ["0", "201", "-3", "2.5", "ten", ""] {
            let problem = limit(bad).unwrap_err();
            assert_eq!(problem.status, 422, "{bad}");
        }
    }

    #[test]
    fn pairs_are_decoded() {
        let got: Vec<_> = pairs(Some("q=Billing%20EU&status=&q=x+y")).collect();
        assert_eq!(got, [("q".into(), "Billing EU".into()), ("status".into(), String::new()), ("q".into(), "x y".into())]);
        assert_eq!(pairs(None).count(), 0);
    }
}
