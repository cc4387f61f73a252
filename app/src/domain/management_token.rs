//! Management tokens: what the customer's own backend presents to the
//! management API (`Authorization: Bearer khm_...`). The format follows the
//! API keys' scheme: `khm_` + 32 random base62 characters + a 6-character
//! base62 CRC32 of the random part, so a mistyped or made-up token is
//! refused without a database look-up. Unlike API keys, a management token
//! is kept only as its SHA-256 hash: it is shown once and cannot be copied
//! later.

use super::token::{checksum, CHECKSUM_LEN, RANDOM_LEN};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Every management token starts with this prefix.
pub const PREFIX: &str = "khm_";
/// Total length of a management token.
pub const TOKEN_LEN: usize = PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;

/// Form field names of the "New management token" dialog, shared with the
/// server so that messages land next to the right field.
pub mod field {
    pub const NAME: &str = "name";
    pub const ACCESS: &str = "access";
    pub const EXPIRES: &str = "expires";
}

/// Why a string is not a management token. The messages never repeat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ManagementTokenError {
    #[error("a management token starts with \"khm_\"")]
    MissingPrefix,
    #[error("a management token is {TOKEN_LEN} characters long")]
    WrongLength,
    #[error("a management token holds only letters and digits after \"khm_\"")]
    InvalidCharacter,
    #[error("the management token's checksum does not match")]
    BadChecksum,
}

/// A well-formed management token. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ManagementToken(String);

impl ManagementToken {
    /// A new token from the operating system's CSPRNG.
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self::from_random_part(&super::token::random_base62(RANDOM_LEN))
    }

    #[cfg(any(test, feature = "ssr"))]
    fn from_random_part(random: &str) -> Self {
        ManagementToken(format!("{PREFIX}{random}{}", checksum(random)))
    }

    /// Checks prefix, length, alphabet and checksum.
    pub fn parse(input: &str) -> Result<Self, ManagementTokenError> {
        let rest = input.strip_prefix(PREFIX).ok_or(ManagementTokenError::MissingPrefix)?;
        if input.len() != TOKEN_LEN {
            return Err(ManagementTokenError::WrongLength);
        }
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ManagementTokenError::InvalidCharacter);
        }
        let (random, sum) = rest.split_at(RANDOM_LEN);
        if checksum(random) != sum {
            return Err(ManagementTokenError::BadChecksum);
        }
        Ok(ManagementToken(input.to_owned()))
    }

    /// The secret itself. Call only to hand it to its owner once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SHA-256 hash, the only form that is stored.
    #[cfg(feature = "ssr")]
    pub fn hash(&self) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

impl fmt::Debug for ManagementToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ManagementToken(khm_…redacted)")
    }
}

/// What a token may do: read only, or read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

impl Access {
    /// As stored in the database and sent by the page's radio group.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::ReadOnly => "read_only",
            Access::ReadWrite => "read_write",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "read_only" => Some(Access::ReadOnly),
            "read_write" => Some(Access::ReadWrite),
            _ => None,
        }
    }

    /// What the page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Access::ReadOnly => "Read only",
            Access::ReadWrite => "Read and write",
        }
    }

    pub fn allows_writes(self) -> bool {
        self == Access::ReadWrite
    }
}

/// A management token as the Tokens page and `keyhold token list` show it.
/// Never holds the token or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagementTokenListing {
    pub id: Uuid,
    pub name: String,
    pub access: Access,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Who created it, as the audit log names actors.
    pub created_by: String,
}

/// The token a request presented, as the store found it by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentedToken {
    pub id: Uuid,
    pub name: String,
    pub access: Access,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl PresentedToken {
    /// Usable at `now`: not revoked and not past its expiry.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && self.expires_at.is_none_or(|at| at > now)
    }
}

/// How often a token's `last_used_at` is written at most: a busy backend
/// does not turn every request into a write.
pub const LAST_USED_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(10);

/// A token to create, validated: its name, access, optional expiry, and the
/// token itself (only its hash is stored).
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewManagementToken {
    pub name: super::names::TokenName,
    pub access: Access,
    pub expires_at: Option<DateTime<Utc>>,
    pub hash: Vec<u8>,
}

/// What the dialog (or `keyhold token create`) was given, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenInput {
    pub name: String,
    /// `read_only` or `read_write`.
    pub access: String,
    /// `YYYY-MM-DD`, or empty for a token that never expires.
    pub expires: String,
}

#[cfg(feature = "ssr")]
impl NewManagementToken {
    /// Validates every field against `today` (UTC), collecting all
    /// messages, and makes a fresh token; answers with the record to store
    /// and the token to show once.
    pub fn parse(input: &TokenInput, today: chrono::NaiveDate) -> Result<(Self, ManagementToken), Vec<crate::error::FieldError>> {
        use super::{expiry::Expiry, names::TokenName};
        use crate::error::FieldError;
        let mut errors = Vec::new();
        let name = TokenName::parse(&input.name).map_err(|m| errors.push(FieldError::new(field::NAME, m))).ok();
        let access = Access::parse(&input.access);
        if access.is_none() {
            errors.push(FieldError::new(field::ACCESS, "Choose “Read only” or “Read and write”."));
        }
        let expiry = Expiry::parse(&input.expires, today).map_err(|m| errors.push(FieldError::new(field::EXPIRES, m))).ok();
        match (name, access, expiry) {
            (Some(name), Some(access), Some(expiry)) if errors.is_empty() => {
                let token = ManagementToken::generate();
                Ok((NewManagementToken { name, access, expires_at: expiry.at(), hash: token.hash() }, token))
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANDOM: &str = "0123456789abcdefghijABCDEFGHIJkl";

    #[test]
    fn a_token_built_from_a_random_part_has_the_documented_shape_and_parses() {
        let t = ManagementToken::from_random_part(RANDOM);
        assert_eq!(t.expose().len(), TOKEN_LEN);
        assert_eq!(TOKEN_LEN, 42);
        assert!(t.expose().starts_with("khm_"));
        assert_eq!(&t.expose()[4 + RANDOM_LEN..], checksum(RANDOM));
        assert_eq!(ManagementToken::parse(t.expose()), Ok(t));
    }

    #[test]
    fn an_api_key_is_not_a_management_token() {
        let api_key = "kh_8dJ2kq0VYbnX3Lr7TzWm1cHfPs5AaE6u1j0o2G";
        assert_eq!(ManagementToken::parse(api_key), Err(ManagementTokenError::MissingPrefix));
    }

    #[test]
    fn wrong_lengths_characters_and_checksums_are_refused() {
        let t = ManagementToken::from_random_part(RANDOM);
        assert_eq!(ManagementToken::parse(&t.expose()[..TOKEN_LEN - 1]), Err(ManagementTokenError::WrongLength));
        assert_eq!(ManagementToken::parse(&format!("{}0", t.expose())), Err(ManagementTokenError::WrongLength));
        let bad = format!("khm_{}{}", "-".repeat(RANDOM_LEN), "000000");
        assert_eq!(ManagementToken::parse(&bad), Err(ManagementTokenError::InvalidCharacter));
        let mut chars: Vec<char> = t.expose().chars().collect();
        chars[10] = if chars[10] == 'x' { 'y' } else { 'x' };
        let tampered: String = chars.into_iter().collect();
        assert_eq!(ManagementToken::parse(&tampered), Err(ManagementTokenError::BadChecksum));
    }

    #[test]
    fn debug_output_never_contains_the_secret() {
        let t = ManagementToken::from_random_part(RANDOM);
        assert!(!format!("{t:?}").contains("0123456789"));
    }

    #[test]
    fn access_reads_back_from_its_stored_name() {
        for access in [Access::ReadOnly, Access::ReadWrite] {
            assert_eq!(Access::parse(access.as_str()), Some(access));
            assert_eq!(serde_json::to_value(access).unwrap(), serde_json::json!(access.as_str()));
        }
        assert_eq!(Access::parse("admin"), None);
        assert!(Access::ReadWrite.allows_writes() && !Access::ReadOnly.allows_writes());
    }

    #[test]
    fn a_revoked_or_expired_token_is_not_usable() {
        let now = Utc::now();
        let token = PresentedToken {
            id: Uuid::nil(),
            name: "Billing".into(),
            access: Access::ReadOnly,
            expires_at: None,
            revoked: false,
            last_used_at: None,
        };
        assert!(token.is_usable(now));
        assert!(!PresentedToken { revoked: true, ..token.clone() }.is_usable(now));
        assert!(!PresentedToken { expires_at: Some(now), ..token.clone() }.is_usable(now));
        assert!(PresentedToken { expires_at: Some(now + chrono::TimeDelta::seconds(1)), ..token }.is_usable(now));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_tokens_differ_parse_and_hash_to_sha256() {
        let a = ManagementToken::generate();
        let b = ManagementToken::generate();
        assert_ne!(a, b);
        assert_eq!(ManagementToken::parse(a.expose()), Ok(a.clone()));
        assert_eq!(a.hash().len(), 32);
        assert_ne!(a.hash(), b.hash());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_invalid_field_of_a_new_token_is_reported_at_once() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let input = TokenInput { name: " ".into(), access: "admin".into(), expires: "2026-12-02".into() };
        let fields: Vec<String> = NewManagementToken::parse(&input, today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, [field::NAME, field::ACCESS, field::EXPIRES]);
        let input = TokenInput { name: " Billing backend ".into(), access: "read_write".into(), expires: "2027-01-31".into() };
        let (new, token) = NewManagementToken::parse(&input, today).unwrap();
        assert_eq!(new.name.as_str(), "Billing backend");
        assert_eq!(new.access, Access::ReadWrite);
        assert_eq!(new.expires_at.unwrap().to_rfc3339(), "2027-01-31T00:00:00+00:00");
        assert_eq!(new.hash, token.hash());
    }
}
