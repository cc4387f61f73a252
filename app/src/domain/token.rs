//! API key tokens: `kh_` + 32 random base62 characters + a 6-character base62
//! CRC32 checksum of the random part. The checksum lets a secret scanner (or
//! the verifier) reject noise without a database look-up.

use std::fmt;

/// Every token starts with this prefix.
pub const PREFIX: &str = "kh_";
/// Number of random base62 characters.
pub const RANDOM_LEN: usize = 32;
/// Number of base62 checksum characters.
pub const CHECKSUM_LEN: usize = 6;
/// Total length of a token.
pub const TOKEN_LEN: usize = PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;

/// The digits tokens are written in.
pub const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Why a string is not a Keyhold token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("a Keyhold token starts with \"kh_\"")]
    MissingPrefix,
    #[error("a Keyhold token is {TOKEN_LEN} characters long")]
    WrongLength,
    #[error("a Keyhold token holds only letters and digits after \"kh_\"")]
    InvalidCharacter,
    #[error("the token's checksum does not match")]
    BadChecksum,
}

/// A well-formed token. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A new token from the operating system's CSPRNG.
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self::from_random_part(&random_base62(RANDOM_LEN))
    }

    #[cfg(any(test, feature = "ssr"))]
    fn from_random_part(random: &str) -> Self {
        Token(format!("{PREFIX}{random}{}", checksum(random)))
    }

    /// Checks prefix, length, alphabet and checksum.
    pub fn parse(input: &str) -> Result<Self, TokenError> {
        let rest = input.strip_prefix(PREFIX).ok_or(TokenError::MissingPrefix)?;
        if input.len() != TOKEN_LEN {
            return Err(TokenError::WrongLength);
        }
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(TokenError::InvalidCharacter);
        }
        let (random, sum) = rest.split_at(RANDOM_LEN);
        if checksum(random) != sum {
            return Err(TokenError::BadChecksum);
        }
        Ok(Token(input.to_owned()))
    }

    /// The secret itself. Call only to hand it to its owner or to hash it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(kh_…redacted)")
    }
}

/// `len` base62 digits from the operating system's CSPRNG.
#[cfg(feature = "ssr")]
pub fn random_base62(len: usize) -> String {
    use rand::{rngs::OsRng, Rng, TryRngCore};
    let mut rng = OsRng.unwrap_err();
    (0..len).map(|_| BASE62[rng.random_range(0..BASE62.len())] as char).collect()
}

/// CRC32 of `random`, written as exactly six base62 digits (62⁶ > 2³²).
pub fn checksum(random: &str) -> String {
    let mut value = crc32fast::hash(random.as_bytes()) as u64;
    let mut digits = [b'0'; CHECKSUM_LEN];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8(digits.to_vec()).expect("base62 digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_tokens_have_the_documented_shape() {
        let token = Token::generate();
        let s = token.expose();
        assert_eq!(s.len(), TOKEN_LEN);
        assert!(s.starts_with("kh_"));
        assert!(s[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(Token::parse(s), Ok(token));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_tokens_differ() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a, b);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_tokens_use_the_whole_alphabet() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let t = Token::generate();
            seen.extend(t.expose()[3..3 + RANDOM_LEN].bytes());
        }
        assert_eq!(seen.len(), 62, "all 62 base62 digits should appear in 6,400 draws");
    }

    #[test]
    fn checksum_is_six_base62_digits_of_the_crc32() {
        // CRC32("") is 0, so the checksum is all zeros.
        assert_eq!(checksum(""), "000000");
        // CRC32("a") = 0xE8B7BE43 = 3904355907 = "4GEHKN" in base62.
        assert_eq!(checksum("a"), "4GEHKN");
        assert_eq!(checksum("abc").len(), CHECKSUM_LEN);
    }

    #[test]
    fn the_readme_example_token_parses() {
        // Computed independently (Python's zlib.crc32) for the README.
        assert!(Token::parse("kh_8dJ2kq0VYbnX3Lr7TzWm1cHfPs5AaE6u1j0o2G").is_ok());
        assert_eq!(Token::parse("kh_8dJ2kq0VYbnX3Lr7TzWm1cHfPs5AaE6u1j0o2H"), Err(TokenError::BadChecksum));
    }

    #[test]
    fn a_token_built_from_a_random_part_parses() {
        let t = Token::from_random_part("0123456789abcdefghijABCDEFGHIJkl");
        assert_eq!(Token::parse(t.expose()), Ok(t));
    }

    #[test]
    fn parse_rejects_a_missing_prefix() {
        let t = Token::from_random_part("0123456789abcdefghijABCDEFGHIJkl");
        let without = t.expose().replacen("kh_", "kx_", 1);
        assert_eq!(Token::parse(&without), Err(TokenError::MissingPrefix));
    }

    #[test]
    fn parse_rejects_wrong_lengths() {
        let t = Token::from_random_part("0123456789abcdefghijABCDEFGHIJkl");
        assert_eq!(Token::parse(&t.expose()[..TOKEN_LEN - 1]), Err(TokenError::WrongLength));
        assert_eq!(Token::parse(&format!("{}0", t.expose())), Err(TokenError::WrongLength));
        assert_eq!(Token::parse("kh_"), Err(TokenError::WrongLength));
    }

    #[test]
    fn parse_rejects_characters_outside_base62() {
        let bad = format!("kh_{}{}", "-".repeat(RANDOM_LEN), "000000");
        assert_eq!(Token::parse(&bad), Err(TokenError::InvalidCharacter));
        let multibyte = format!("kh_é{}", "a".repeat(TOKEN_LEN - 5));
        assert_eq!(multibyte.len(), TOKEN_LEN);
        assert_eq!(Token::parse(&multibyte), Err(TokenError::InvalidCharacter));
    }

    #[test]
    fn parse_rejects_a_single_changed_character() {
        let t = Token::from_random_part("0123456789abcdefghijABCDEFGHIJkl");
        let mut chars: Vec<char> = t.expose().chars().collect();
        chars[10] = if chars[10] == 'x' { 'y' } else { 'x' };
        let tampered: String = chars.into_iter().collect();
        assert_eq!(Token::parse(&tampered), Err(TokenError::BadChecksum));
    }

    #[test]
    fn debug_output_never_contains_the_secret() {
        let t = Token::from_random_part("0123456789abcdefghijABCDEFGHIJkl");
        assert!(!format!("{t:?}").contains("0123456789"));
    }
}
