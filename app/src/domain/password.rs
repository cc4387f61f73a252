//! Password hashing with Argon2id (the `argon2` crate's defaults: 19 MiB,
//! two passes, one lane, as OWASP recommends). Hashing takes tens of
//! milliseconds on purpose: run it off the async workers.

use super::operator::NewPassword;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::LazyLock;

/// A PHC string (`$argon2id$v=19$...`) for `password`.
pub fn hash(password: &NewPassword) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any password up to its length limit")
        .to_string()
}

/// True when `password` matches `phc`. A malformed stored hash matches nothing.
pub fn verify(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Spends the time a real check would when there is no operator to check
/// against, so the answer's timing does not reveal which emails exist.
pub fn verify_nobody(password: &str) {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash(&NewPassword::parse("no operator has this password").expect("long enough")));
    let _ = verify(&DUMMY, password);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        let phc = hash(&password);
        assert!(phc.starts_with("$argon2id$"));
        assert!(!phc.contains("horse"));
        assert!(verify(&phc, "correct horse battery"));
        assert!(!verify(&phc, "correct horse battery "));
        assert!(!verify("not a hash", "correct horse battery"));
    }

    #[test]
    fn the_same_password_gets_a_new_salt_each_time() {
        let password = NewPassword::parse("correct horse battery").unwrap();
        assert_ne!(hash(&password), hash(&password));
    }
}
