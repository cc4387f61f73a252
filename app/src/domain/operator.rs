//! Operators' sign-in details and where a sign-in may send them next.

use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use std::fmt;
use uuid::Uuid;

/// An operator, as the page header and the session record hold them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: Uuid,
    pub email: String,
}

/// Key of the signed-in [`Operator`] in the session record (read by the
/// sign-in guard and by the session store, which refuses sessions of
/// disabled operators).
pub const SESSION_OPERATOR: &str = "operator";

/// Key of the sign-in time (Unix seconds) in the session record: the
/// session ends `KEYHOLD_SESSION_MAX_AGE` after it, however busy.
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";

/// True when a session signed in at `signed_in_at` (Unix seconds; `None`
/// when the record has no sign-in time) has ended by `now`, `max_age` after
/// sign-in.
pub fn session_outlived(signed_in_at: Option<i64>, now: i64, max_age: std::time::Duration) -> bool {
    let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    signed_in_at.is_none_or(|at| now.saturating_sub(at) >= max_age)
}

/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters an email address may have.
pub const MAX_EMAIL_CHARS: usize = 254;
/// Why a new password on the breached list is refused.
pub const BREACHED: &str = "This password appears in lists of passwords leaked from other sites, \
so attackers try it first. Choose another.";
/// Most characters a password may have (Argon2 would take anything; this
/// only stops absurd inputs).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// An operator's email address as typed (trimmed), at most 254 characters,
/// with the one form it is compared by: [`Email::key`].
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    typed: String,
    key: String,
}

#[cfg(feature = "ssr")]
impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let email = input.trim();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(format!("Use at most {MAX_EMAIL_CHARS} characters."));
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !domain.contains('@')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if !valid {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Email { typed: email.to_owned(), key: email_key(email) })
    }

    /// The address as typed.
    pub fn as_str(&self) -> &str {
        &self.typed
    }

    /// The form two addresses are compared by, everywhere (the sign-in
    /// throttle, the database's unique index and every look-up): Unicode
    /// NFC, then lowercase. Computed here only, so no two places can
    /// disagree about which emails are the same.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The comparison form of an address stored before keys were (it may
    /// not pass today's [`Email::parse`]).
    pub fn key_of_stored(stored: &str) -> String {
        email_key(stored.trim())
    }
}

/// The comparison form of an email (see [`Email::key`]).
#[cfg(feature = "ssr")]
fn email_key(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    email.nfc().collect::<String>().to_lowercase()
}

#[cfg(feature = "ssr")]
impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.typed)
    }
}

/// A new password that meets the rules: 12 to 1,024 characters, and not
/// on the list of breached passwords (see [`super::breached`]). Never
/// printed: `Debug` hides it.
#[cfg(feature = "ssr")]
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

#[cfg(feature = "ssr")]
impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, String> {
        let chars = input.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters for the password."));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters for the password."));
        }
        if super::breached::is_breached(input) {
            return Err(BREACHED.into());
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "ssr")]
impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// Where to go after signing in: `next` if it is a path on this site,
/// otherwise the Keys page. Refuses anything a browser could read as another
/// origin (`//evil`, `/\evil`, `https://evil`) and the sign-in page itself.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/keys";
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else {
        return HOME.into();
    };
    let on_site =
        next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.chars().any(|c| c.is_control() || c == '\\');
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if !on_site || path == "/login" {
        return HOME.into();
    }
    next.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(Email::parse(" Ada@Example.com ").unwrap().as_str(), "Ada@Example.com");
        for bad in ["", "  ", "ada", "@example.com", "ada@", "a b@example.com", "ada@@example.com", "ada@.com", "ada@example."] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(242))).is_ok());
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(243))).is_err(), "255 characters");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn emails_are_compared_by_one_key_beyond_ascii_too() {
        let key = |s: &str| Email::parse(s).unwrap().key().to_owned();
        assert_eq!(key(" Ada@Example.COM "), "ada@example.com");
        // Precomposed É and E + combining acute are the same address.
        assert_eq!(key("\u{c9}lise@example.com"), key("E\u{301}lise@example.com"));
        assert_eq!(key("\u{c9}LISE@example.com"), "\u{e9}lise@example.com");
        assert_eq!(key("ÖMER@BÜRO.DE"), "ömer@büro.de");
        assert_ne!(key("ada@example.com"), key("ada2@example.com"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn passwords_need_twelve_characters_counted_as_characters() {
        assert!(NewPassword::parse("elevenchars").is_err());
        assert!(NewPassword::parse("twelve chars").is_ok());
        // Twelve characters, more bytes.
        assert!(NewPassword::parse("ééééééééééé").is_err());
        assert!(NewPassword::parse("éééééééééééé").is_ok());
        assert!(NewPassword::parse(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn passwords_on_the_breached_list_are_refused_ignoring_case() {
        for leaked in ["password1234", "Password1234", "QWERTYUIOP123", "correcthorsebatterystaple"] {
            assert_eq!(NewPassword::parse(leaked).unwrap_err(), BREACHED, "{leaked}");
        }
        assert!(NewPassword::parse("vivid-otter-97-lantern-quiet").is_ok());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn passwords_do_not_print() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn a_session_ends_its_max_age_after_sign_in() {
        let twelve_hours = std::time::Duration::from_secs(12 * 3600);
        let signed_in = 1_700_000_000;
        assert!(!session_outlived(Some(signed_in), signed_in, twelve_hours));
        assert!(!session_outlived(Some(signed_in), signed_in + 12 * 3600 - 1, twelve_hours));
        assert!(session_outlived(Some(signed_in), signed_in + 12 * 3600, twelve_hours));
        assert!(session_outlived(None, signed_in, twelve_hours), "no sign-in time: ended");
    }

    #[test]
    fn next_stays_on_the_site() {
        assert_eq!(safe_next(Some("/accounts")), "/accounts");
        assert_eq!(safe_next(Some("/keys?q=prod#top")), "/keys?q=prod#top");
        assert_eq!(safe_next(Some("/activity?key=1")), "/activity?key=1");
        for away in [
            "https://evil.example/",
            "//evil.example/keys",
            "/\\evil.example",
            "javascript:alert(1)",
            "keys",
            "/login",
            "/login?next=/keys",
            "",
            " ",
            "/\tkeys",
            "/ke\\ys",
        ] {
            assert_eq!(safe_next(Some(away)), "/keys", "{away:?} must not be followed");
        }
        assert_eq!(safe_next(None), "/keys");
    }
}
