//! What the webhook server functions need from storage; implemented in
//! `server/src/db/webhooks.rs`.

use super::Delivery;
use crate::{auth::Actor, domain::vault::SealedBytes, error::AppError};
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
    /// The key's sealed signing secret, if it has one yet. `NotFound` if the
    /// key is gone.
    async fn webhook_secret(&self, key_id: Uuid) -> Result<Option<SealedBytes>, AppError>;
    /// Records that an operator copied the key's signing secret.
    async fn record_secret_copied(&self, actor: &Actor, key_id: Uuid) -> Result<(), AppError>;
    /// Gives the key this secret unless it has one already; answers with the
    /// secret it has now.
    async fn init_webhook_secret(&self, key_id: Uuid, sealed: &SealedBytes) -> Result<SealedBytes, AppError>;
    /// Replaces the key's secret; the old one stops signing at once.
    async fn replace_webhook_secret(&self, actor: &Actor, key_id: Uuid, sealed: &SealedBytes) -> Result<(), AppError>;
}
