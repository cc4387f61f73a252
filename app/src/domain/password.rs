//! Password hashing with Argon2id (the `argon2` crate's defaults: 19 MiB,
//! two passes, one lane, as OWASP recommends). Hashing takes tens of
//! milliseconds on purpose: run it off the async workers, and at the
//! sign-in door through [`PasswordChecks`], which bounds how many run at
//! once.

use super::operator::NewPassword;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

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

/// At most as many password checks at once as there are permits: every
/// further sign-in is refused at once rather than queued, so a flood of
/// attempts from many addresses costs at most `permits` cores and
/// `permits` × 19 MiB, and the server keeps answering everything else.
#[derive(Debug)]
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
}

/// Every permit is taken: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl PasswordChecks {
    pub fn new(permits: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(permits.max(1))) }
    }

    /// One permit per core.
    pub fn for_this_machine() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    }

    /// Checks `password` against the stored hash `phc`, or, with no hash
    /// (no such operator), spends the same time on a dummy check so the
    /// answer's timing does not reveal which emails exist. `Err(Busy)`
    /// without checking anything when every permit is taken.
    pub async fn verify(&self, phc: Option<String>, password: String) -> Result<bool, Busy> {
        let permit = self.permits.clone().try_acquire_owned().map_err(|_| Busy)?;
        let checked = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            match phc {
                Some(phc) => verify(&phc, &password),
                None => {
                    verify_nobody(&password);
                    false
                }
            }
        })
        .await;
        // A panic inside Argon2 is a failed check, not a crash.
        Ok(checked.unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn checks_beyond_the_permits_are_refused_without_running() {
        let checks = PasswordChecks::new(2);
        let phc = hash(&NewPassword::parse("correct horse battery").unwrap());
        // Two checks in progress (their permits held here)...
        let held = checks.permits.clone().acquire_many_owned(2).await.unwrap();
        assert_eq!(checks.verify(Some(phc.clone()), "correct horse battery".into()).await, Err(Busy));
        assert_eq!(checks.verify(None, "anything".into()).await, Err(Busy));
        // ...and once they are done, checks run again.
        drop(held);
        assert_eq!(checks.verify(Some(phc.clone()), "correct horse battery".into()).await, Ok(true));
        assert_eq!(checks.verify(Some(phc), "wrong".into()).await, Ok(false));
        assert_eq!(checks.verify(None, "anything".into()).await, Ok(false));
        assert_eq!(checks.permits.available_permits(), 2, "every permit is given back");
    }

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
