//! Signing per the Standard Webhooks specification: the receiver recomputes
//! `base64(HMAC-SHA256(secret, "{webhook-id}.{webhook-timestamp}.{body}"))`
//! with the decoded bytes of its `whsec_` secret and compares it with the
//! `v1,` entry of the `webhook-signature` header.

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const ID_HEADER: &str = "webhook-id";
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// The `webhook-signature` value: `v1,` + base64 of the HMAC-SHA256 of
/// `"{id}.{timestamp}.{body}"` under the secret's bytes.
pub fn signature(secret: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::webhook_secret::WebhookSecret;

    /// The example of the Standard Webhooks specification (also checked with
    /// Python's `hmac` module).
    #[test]
    fn the_specification_example_signs_to_its_published_signature() {
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = signature(secret.bytes(), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, r#"{"test": 2432232314}"#);
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn any_change_to_id_timestamp_body_or_secret_changes_the_signature() {
        let secret = WebhookSecret::generate();
        let base = signature(secret.bytes(), "id", 1, "{}");
        assert_ne!(base, signature(secret.bytes(), "id2", 1, "{}"));
        assert_ne!(base, signature(secret.bytes(), "id", 2, "{}"));
        assert_ne!(base, signature(secret.bytes(), "id", 1, "{ }"));
        assert_ne!(base, signature(WebhookSecret::generate().bytes(), "id", 1, "{}"));
    }
}
