//! Webhooks as the Keys page manages them (deliveries, resends, test
//! events) and the keys' signing secrets.

use crate::{
    domain::{
        actor::Actor,
        delivery::Delivery,
        vault::{SealedBytes, TokenVault},
        webhook_secret::WebhookSecret,
    },
    error::AppError,
};
use std::collections::{hash_map::Entry, HashMap};
use uuid::Uuid;

#[async_trait::async_trait]
pub trait WebhookStore: Send + Sync + 'static {
    /// The key's deliveries, newest first. `NotFound` if the key is gone.
    async fn deliveries(&self, key_id: Uuid, limit: i64) -> Result<Vec<Delivery>, AppError>;
    /// Queues a copy of a delivery as a new one (a new `webhook-id`), to the
    /// key's current URL if the key still exists.
    async fn resend_delivery(&self, actor: &Actor, delivery_id: Uuid) -> Result<Delivery, AppError>;
    /// Queues a `key.test` event for the key.
    async fn send_test_event(&self, actor: &Actor, key_id: Uuid) -> Result<Delivery, AppError>;
    /// The sealed secrets these keys have (keys without one yet are missing).
    async fn sealed_webhook_secrets(&self, key_ids: &[Uuid]) -> Result<HashMap<Uuid, SealedBytes>, AppError>;
    /// Gives the key (existing or deleted) this secret unless it has one
    /// already; answers with the secret it has now.
    async fn init_webhook_secret(&self, key_id: Uuid, sealed: &SealedBytes) -> Result<SealedBytes, AppError>;
    /// Replaces the key's secret; the old one stops signing at once.
    /// `NotFound` if the key is gone.
    async fn replace_webhook_secret(&self, actor: &Actor, key_id: Uuid, sealed: &SealedBytes) -> Result<(), AppError>;
    /// Records that the key's signing secret was copied. `NotFound` if the key is gone.
    async fn record_secret_copied(&self, actor: &Actor, key_id: Uuid) -> Result<(), AppError>;

    /// The signing secrets of these keys, opened with `vault`; a key without
    /// one yet (made before webhooks existed) gets one now. A secret that
    /// does not open with this vault is logged and left out.
    async fn signing_secrets(&self, vault: &TokenVault, key_ids: &[Uuid]) -> Result<HashMap<Uuid, WebhookSecret>, AppError> {
        let mut sealed = self.sealed_webhook_secrets(key_ids).await?;
        for &id in key_ids {
            if let Entry::Vacant(slot) = sealed.entry(id) {
                let fresh = WebhookSecret::generate().seal(vault, id);
                slot.insert(self.init_webhook_secret(id, &fresh).await?);
            }
        }
        let mut open = HashMap::with_capacity(sealed.len());
        for (id, s) in sealed {
            match WebhookSecret::open(vault, &s, id) {
                Ok(secret) => {
                    open.insert(id, secret);
                }
                Err(err) => {
                    tracing::error!(key = %id, %err, "cannot open a key's webhook secret; is KEYHOLD_MASTER_KEY the one it was sealed with?")
                }
            }
        }
        Ok(open)
    }
}
