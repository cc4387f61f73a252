//! Webhooks as the Keys page manages them: a key's deliveries, resends and
//! test events (written to the outbox), and the keys' signing secrets.

use super::{
    audit::{self, Entry},
    internal,
    key_rows::{fetch_key, key_gone},
    outbox::{enqueue_with, fetch_delivery, DeliveryRow},
    PgStore,
};
use app::{
    domain::{actor::Actor, audit::AuditAction, delivery::Delivery, vault::SealedBytes, webhook_event::EventType},
    error::AppError,
    store::WebhookStore,
};
use serde_json::{json, Map};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// The key's name, its row locked until the transaction ends; `NotFound`
/// if it is gone.
async fn lock_key_name(conn: &mut PgConnection, key_id: Uuid) -> Result<String, AppError> {
    sqlx::query_scalar!("SELECT name FROM api_keys WHERE id = $1 FOR UPDATE", key_id)
        .fetch_optional(conn)
        .await
        .map_err(internal)?
        .ok_or_else(key_gone)
}

#[async_trait::async_trait]
impl WebhookStore for PgStore {
    async fn deliveries(&self, key_id: Uuid, limit: i64) -> Result<Vec<Delivery>, AppError> {
        let exists = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = $1) AS "exists!""#, key_id)
            .fetch_one(&self.pool)
            .await
            .map_err(internal)?;
        if !exists {
            return Err(key_gone());
        }
        let rows = sqlx::query_as!(
            DeliveryRow,
            r#"SELECT id AS "id!", key_id AS "key_id!", event_type AS "event_type!", url AS "url!", state AS "state!",
                      attempts AS "attempts!", last_status, last_error, last_attempt_at, next_attempt_at AS "next_attempt_at!",
                      created_at AS "created_at!"
               FROM webhook_delivery_listing WHERE key_id = $1 ORDER BY seq DESC LIMIT $2"#,
            key_id,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    async fn resend_delivery(&self, actor: &Actor, delivery_id: Uuid) -> Result<Delivery, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id = sqlx::query_scalar!(
            "INSERT INTO webhook_deliveries (key_id, event_type, payload, url)
             SELECT d.key_id, d.event_type, d.payload, COALESCE(k.webhook_url, d.url)
             FROM webhook_deliveries d LEFT JOIN api_keys k ON k.id = d.key_id
             WHERE d.id = $1
             RETURNING id",
            delivery_id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound("This delivery no longer exists.".into()))?;
        let delivery = fetch_delivery(&mut tx, id).await?;
        let name = sqlx::query_scalar!("SELECT name FROM api_keys WHERE id = $1", delivery.key_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        let entry = Entry::key(AuditAction::WebhookResent, delivery.key_id, name.as_deref().unwrap_or("(deleted key)"))
            .with_details(json!({ "event": delivery.event_type.as_str() }));
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await.map_err(internal)?;
        Ok(delivery)
    }

    async fn send_test_event(&self, actor: &Actor, key_id: Uuid) -> Result<Delivery, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let key = fetch_key(&mut tx, key_id).await?;
        let delivery = enqueue_with(&mut tx, &key, EventType::Test, Map::new()).await?;
        audit::record(&mut tx, actor, Entry::key(AuditAction::WebhookTestSent, key.id, &key.name)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(delivery)
    }

    async fn sealed_webhook_secrets(&self, key_ids: &[Uuid]) -> Result<HashMap<Uuid, SealedBytes>, AppError> {
        let rows = sqlx::query!("SELECT key_id, nonce, ciphertext FROM webhook_secrets WHERE key_id = ANY($1)", key_ids)
            .fetch_all(&self.pool)
            .await
            .map_err(internal)?;
        Ok(rows.into_iter().map(|r| (r.key_id, SealedBytes { nonce: r.nonce, ciphertext: r.ciphertext })).collect())
    }

    async fn init_webhook_secret(&self, key_id: Uuid, sealed: &SealedBytes) -> Result<SealedBytes, AppError> {
        let inserted = sqlx::query!(
            "INSERT INTO webhook_secrets (key_id, nonce, ciphertext) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
            key_id,
            sealed.nonce,
            sealed.ciphertext
        )
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        if inserted.rows_affected() == 1 {
            return Ok(sealed.clone());
        }
        // Someone else was first; theirs is the secret.
        self.sealed_webhook_secrets(&[key_id]).await?.remove(&key_id).ok_or_else(|| {
            tracing::error!(key = %key_id, "a webhook secret vanished right after it was created");
            AppError::Internal
        })
    }

    async fn replace_webhook_secret(&self, actor: &Actor, key_id: Uuid, sealed: &SealedBytes) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let name = lock_key_name(&mut tx, key_id).await?;
        sqlx::query!(
            "INSERT INTO webhook_secrets (key_id, nonce, ciphertext) VALUES ($1, $2, $3)
             ON CONFLICT (key_id) DO UPDATE SET nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, updated_at = now()",
            key_id,
            sealed.nonce,
            sealed.ciphertext
        )
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        audit::record(&mut tx, actor, Entry::key(AuditAction::WebhookSecretRegenerated, key_id, &name)).await?;
        tx.commit().await.map_err(internal)
    }

    async fn record_secret_copied(&self, actor: &Actor, key_id: Uuid) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let name = lock_key_name(&mut tx, key_id).await?;
        audit::record(&mut tx, actor, Entry::key(AuditAction::WebhookSecretCopied, key_id, &name)).await?;
        tx.commit().await.map_err(internal)
    }
}
