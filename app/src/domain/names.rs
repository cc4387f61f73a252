//! The names operators give keys, accounts and management tokens. All follow one rule (1–100
//! characters once trimmed, no control characters) but are different types,
//! so a key's name cannot be passed where an account's is meant.

use std::fmt;

/// Longest name, in characters.
pub const MAX_LEN: usize = 100;

/// The rule both names follow: trimmed, 1–100 characters, no control characters.
fn parse_name(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter a name.".into());
    }
    let len = trimmed.chars().count();
    if len > MAX_LEN {
        return Err(format!("Use at most {MAX_LEN} characters (this one has {len})."));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("Names cannot contain line breaks or other control characters.".into());
    }
    Ok(trimmed.to_owned())
}

/// The name of an API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyName(String);

impl KeyName {
    pub fn parse(input: &str) -> Result<Self, String> {
        parse_name(input).map(KeyName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of an account (unique ignoring case, which the store checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName(String);

impl AccountName {
    pub fn parse(input: &str) -> Result<Self, String> {
        parse_name(input).map(AccountName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a management token (unique among unrevoked tokens ignoring
/// case, which the store checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(input: &str) -> Result<Self, String> {
        parse_name(input).map(TokenName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TokenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed() {
        assert_eq!(KeyName::parse("  billing  ").unwrap().as_str(), "billing");
        assert_eq!(AccountName::parse("  Acme  ").unwrap().as_str(), "Acme");
    }

    #[test]
    fn empty_and_blank_names_are_refused() {
        assert_eq!(KeyName::parse(""), Err("Enter a name.".into()));
        assert_eq!(KeyName::parse(" \t "), Err("Enter a name.".into()));
        assert_eq!(AccountName::parse(" "), Err("Enter a name.".into()));
        assert_eq!(TokenName::parse(""), Err("Enter a name.".into()));
    }

    #[test]
    fn one_hundred_characters_is_the_limit() {
        assert!(KeyName::parse(&"é".repeat(100)).is_ok());
        let err = KeyName::parse(&"a".repeat(101)).unwrap_err();
        assert!(err.contains("at most 100"), "{err}");
        assert!(AccountName::parse(&"a".repeat(101)).is_err());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(KeyName::parse("two\nlines").is_err());
        assert!(KeyName::parse("bell\u{7}").is_err());
        assert!(AccountName::parse("tab\there").is_err());
    }

    #[test]
    fn markup_is_kept_verbatim_it_is_escaped_when_shown() {
        let name = KeyName::parse("<script>alert(1)</script>").unwrap();
        assert_eq!(name.as_str(), "<script>alert(1)</script>");
    }
}
