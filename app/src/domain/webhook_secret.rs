//! A key's webhook signing secret, in the Standard Webhooks format:
//! `whsec_` followed by the base64 of random bytes. The HMAC key is the
//! decoded bytes, not the text.

use super::vault::{SealedBytes, TokenVault, VaultError};
use base64::{engine::general_purpose::STANDARD, Engine};
use rand::{rngs::OsRng, RngCore, TryRngCore};
use uuid::Uuid;

pub const PREFIX: &str = "whsec_";
/// Random bytes in a generated secret (the spec asks for 24 to 64).
pub const BYTES: usize = 32;

/// A signing secret. Does not print itself.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

impl WebhookSecret {
    /// A fresh secret from the OS's random number generator.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; BYTES];
        OsRng.unwrap_err().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Reads `whsec_<base64>`; the bytes alone are what signs.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let encoded = text.trim().strip_prefix(PREFIX).ok_or("a webhook secret starts with whsec_")?;
        let bytes = STANDARD.decode(encoded).map_err(|_| "a webhook secret is whsec_ followed by base64")?;
        if bytes.is_empty() {
            return Err("a webhook secret is not empty");
        }
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The HMAC key.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Seals the secret of the key `key_id` (bound to it: a ciphertext moved
    /// to another key's row does not open).
    pub fn seal(&self, vault: &TokenVault, key_id: Uuid) -> SealedBytes {
        vault.seal_bytes(&self.0, key_id.as_bytes())
    }

    pub fn open(vault: &TokenVault, sealed: &SealedBytes, key_id: Uuid) -> Result<Self, VaultError> {
        vault.open_bytes(sealed, key_id.as_bytes()).map(Self)
    }

    /// The `whsec_...` text operators copy into their receivers.
    pub fn expose(&self) -> String {
        format!("{PREFIX}{}", STANDARD.encode(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_reads_back_from_its_text() {
        let secret = WebhookSecret::generate();
        let text = secret.expose();
        assert!(text.starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&text).unwrap(), secret);
        assert_eq!(secret.bytes().len(), BYTES);
        assert_ne!(WebhookSecret::generate(), secret);
    }

    #[test]
    fn the_standard_webhooks_example_secret_decodes_to_its_bytes() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(secret.bytes().len(), 24);
    }

    #[test]
    fn text_without_the_prefix_or_base64_is_refused() {
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(WebhookSecret::parse("whsec_not base64!").is_err());
        assert!(WebhookSecret::parse("whsec_").is_err());
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_key() {
        let vault = TokenVault::from_base64(&TokenVault::generate_master_key()).unwrap();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let secret = WebhookSecret::generate();
        let sealed = secret.seal(&vault, a);
        assert_eq!(WebhookSecret::open(&vault, &sealed, a).unwrap(), secret);
        assert!(WebhookSecret::open(&vault, &sealed, b).is_err());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        assert_eq!(format!("{:?}", WebhookSecret::generate()), "WebhookSecret(..)");
    }
}
