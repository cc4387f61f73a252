//! Operators' sign-in details and where a sign-in may send them next.

use serde::{Deserialize, Serialize};
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

/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters a password may have (Argon2 would take anything; this
/// only stops absurd inputs).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// An operator's email address, trimmed; compared ignoring case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let email = input.trim();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.chars().count() > 254 {
            return Err("Use at most 254 characters.".into());
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
        Ok(Email(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the length rule. Never printed: `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, String> {
        let chars = input.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters for the password."));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters for the password."));
        }
        Ok(NewPassword(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

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

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(Email::parse(" Ada@Example.com ").unwrap().as_str(), "Ada@Example.com");
        for bad in ["", "  ", "ada", "@example.com", "ada@", "a b@example.com", "ada@@example.com", "ada@.com", "ada@example."] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_counted_as_characters() {
        assert!(NewPassword::parse("elevenchars").is_err());
        assert!(NewPassword::parse("twelve chars").is_ok());
        // Twelve characters, more bytes.
        assert!(NewPassword::parse("ééééééééééé").is_err());
        assert!(NewPassword::parse("éééééééééééé").is_ok());
        assert!(NewPassword::parse(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_err());
    }

    #[test]
    fn passwords_do_not_print() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
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
