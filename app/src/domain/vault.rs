//! How tokens are kept: a SHA-256 hash to find a key by its token, and an
//! AES-256-GCM ciphertext so an operator can copy the token later. The
//! plaintext is never stored.

use super::token::Token;
use aes_gcm::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    Aes256Gcm, Key, Nonce,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use sha2::{Digest, Sha256};

/// The stored form of a token.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedToken {
    pub hash: Vec<u8>,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealedToken(..)")
    }
}

/// Any other secret, sealed: nonce and AES-256-GCM ciphertext.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedBytes {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealedBytes(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("KEYHOLD_MASTER_KEY must be 32 bytes encoded as base64 (for example the output of `openssl rand -base64 32`)")]
    BadMasterKey,
    #[error("a stored token could not be decrypted with this master key")]
    Undecryptable,
}

/// Seals and opens tokens with the master key.
#[derive(Clone)]
pub struct TokenVault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenVault(..)")
    }
}

impl TokenVault {
    pub fn from_base64(master_key: &str) -> Result<Self, VaultError> {
        let bytes = STANDARD.decode(master_key.trim()).map_err(|_| VaultError::BadMasterKey)?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VaultError> {
        if bytes.len() != 32 {
            return Err(VaultError::BadMasterKey);
        }
        Ok(Self { cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(bytes)) })
    }

    /// A fresh random master key, base64-encoded.
    pub fn generate_master_key() -> String {
        STANDARD.encode(Aes256Gcm::generate_key(OsRng))
    }

    /// The look-up hash of a token.
    pub fn hash(token: &Token) -> Vec<u8> {
        Sha256::digest(token.expose().as_bytes()).to_vec()
    }

    pub fn seal(&self, token: &Token) -> SealedToken {
        let hash = Self::hash(token);
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        // The hash is bound as associated data, so a ciphertext cannot be
        // moved to another key's row without failing to open.
        let ciphertext = self
            .cipher
            .encrypt(&nonce, Payload { msg: token.expose().as_bytes(), aad: &hash })
            .expect("AES-GCM encryption of a short message cannot fail");
        SealedToken { hash, nonce: nonce.to_vec(), ciphertext }
    }

    pub fn open(&self, sealed: &SealedToken) -> Result<Token, VaultError> {
        if sealed.nonce.len() != 12 {
            return Err(VaultError::Undecryptable);
        }
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(&sealed.nonce), Payload { msg: &sealed.ciphertext, aad: &sealed.hash })
            .map_err(|_| VaultError::Undecryptable)?;
        let text = String::from_utf8(plain).map_err(|_| VaultError::Undecryptable)?;
        Token::parse(&text).map_err(|_| VaultError::Undecryptable)
    }

    /// Seals any secret. `context` (the id of what owns it, say) is bound
    /// as associated data: the ciphertext opens only with the same context.
    pub fn seal_bytes(&self, plain: &[u8], context: &[u8]) -> SealedBytes {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext =
            self.cipher.encrypt(&nonce, Payload { msg: plain, aad: context }).expect("AES-GCM encryption of a short message cannot fail");
        SealedBytes { nonce: nonce.to_vec(), ciphertext }
    }

    pub fn open_bytes(&self, sealed: &SealedBytes, context: &[u8]) -> Result<Vec<u8>, VaultError> {
        if sealed.nonce.len() != 12 {
            return Err(VaultError::Undecryptable);
        }
        self.cipher
            .decrypt(Nonce::from_slice(&sealed.nonce), Payload { msg: &sealed.ciphertext, aad: context })
            .map_err(|_| VaultError::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> TokenVault {
        TokenVault::from_base64(&TokenVault::generate_master_key()).unwrap()
    }

    #[test]
    fn a_sealed_token_opens_to_itself() {
        let v = vault();
        let t = Token::generate();
        let sealed = v.seal(&t);
        assert_eq!(v.open(&sealed).unwrap(), t);
        assert_eq!(sealed.hash, TokenVault::hash(&t));
    }

    #[test]
    fn the_ciphertext_does_not_contain_the_token() {
        let t = Token::generate();
        let sealed = vault().seal(&t);
        let needle = t.expose().as_bytes();
        assert!(!sealed.ciphertext.windows(needle.len()).any(|w| w == needle));
    }

    #[test]
    fn another_master_key_cannot_open_it() {
        let sealed = vault().seal(&Token::generate());
        assert_eq!(vault().open(&sealed), Err(VaultError::Undecryptable));
    }

    #[test]
    fn a_ciphertext_moved_to_another_hash_does_not_open() {
        let v = vault();
        let mut a = v.seal(&Token::generate());
        let b = v.seal(&Token::generate());
        a.hash = b.hash;
        assert_eq!(v.open(&a), Err(VaultError::Undecryptable));
    }

    #[test]
    fn sealed_bytes_open_only_in_their_context() {
        let v = vault();
        let sealed = v.seal_bytes(b"whsec_secret", b"key-1");
        assert_eq!(v.open_bytes(&sealed, b"key-1").unwrap(), b"whsec_secret");
        assert_eq!(v.open_bytes(&sealed, b"key-2"), Err(VaultError::Undecryptable));
        assert_eq!(vault().open_bytes(&sealed, b"key-1"), Err(VaultError::Undecryptable));
        assert!(!sealed.ciphertext.windows(12).any(|w| w == b"whsec_secret"));
    }

    #[test]
    fn master_keys_must_be_32_bytes_of_base64() {
        assert_eq!(TokenVault::from_base64("not base64!").unwrap_err(), VaultError::BadMasterKey);
        assert_eq!(TokenVault::from_base64("c2hvcnQ=").unwrap_err(), VaultError::BadMasterKey);
    }
}
