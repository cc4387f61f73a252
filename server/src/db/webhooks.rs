//! The webhook outbox in Postgres. Events are written by [`enqueue`] inside
//! the transaction of the change they describe, so a change and its event
//! commit (or roll back) together. Workers claim due deliveries with
//! `FOR UPDATE SKIP LOCKED` and a lease: several processes share the work,
//! none sends a delivery another is sending, and a worker that dies
//! mid-delivery leaves a lease that runs out.

use super::{audit, internal, keys::fetch_key, PgStore};
use crate::webhooks::payload;
use app::{
    auth::Actor,
    domain::vault::SealedBytes,
    error::AppError,
    model::ApiKey,
    webhooks::{store::WebhookStore, Delivery, DeliveryState, EventType},
};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use sqlx::{Postgres, Transaction};
use std::{collections::HashMap, time::Duration};
use uuid::Uuid;

/// Writes `event` about `key` (its state after the change) to the outbox,
/// inside the caller's transaction.
pub(crate) async fn enqueue(tx: &mut Transaction<'_, Postgres>, key: &ApiKey, event: EventType) -> Result<(), AppError> {
    enqueue_with(tx, key, event, Map::new()).await.map(drop)
}

async fn enqueue_with(
    tx: &mut Transaction<'_, Postgres>,
    key: &ApiKey,
    event: EventType,
    extra: Map<String, Value>,
) -> Result<Delivery, AppError> {
    let body = payload::event_body(event, key, Utc::now(), extra);
    sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url) VALUES ($1, $2, $3, $4)
         RETURNING {DELIVERY_COLUMNS}"
    )))
    .bind(key.id)
    .bind(event.as_str())
    .bind(body)
    .bind(&key.webhook_url)
    .fetch_one(&mut **tx)
    .await
    .map_err(internal)?
    .try_into()
}

/// The columns of a [`DeliveryRow`], with `sending` for a pending delivery
/// under lease.
const DELIVERY_COLUMNS: &str = "id, key_id, event_type, url, attempts, last_status, last_error, last_attempt_at,
    next_attempt_at, created_at,
    CASE WHEN state = 'pending' AND locked_until > now() THEN 'sending' ELSE state END AS state";

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: Uuid,
    key_id: Uuid,
    event_type: String,
    url: String,
    state: String,
    attempts: i32,
    last_status: Option<i32>,
    last_error: Option<String>,
    last_attempt_at: Option<DateTime<Utc>>,
    next_attempt_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = AppError;

    fn try_from(r: DeliveryRow) -> Result<Self, AppError> {
        let event_type = EventType::parse(&r.event_type).ok_or_else(|| {
            tracing::error!(delivery = %r.id, event_type = r.event_type, "unknown webhook event type in the database");
            AppError::Internal
        })?;
        let state = match r.state.as_str() {
            "pending" => DeliveryState::Pending,
            "sending" => DeliveryState::Sending,
            "delivered" => DeliveryState::Delivered,
            _ => DeliveryState::Failed,
        };
        Ok(Delivery {
            id: r.id,
            key_id: r.key_id,
            event_type,
            url: r.url,
            next_attempt_at: (state == DeliveryState::Pending).then_some(r.next_attempt_at),
            state,
            attempts: r.attempts,
            last_status: r.last_status,
            last_error: r.last_error,
            last_attempt_at: r.last_attempt_at,
            created_at: r.created_at,
        })
    }
}

/// A delivery a worker has claimed and must now send.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: Uuid,
    pub key_id: Uuid,
    pub payload: String,
    pub url: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

fn key_gone() -> AppError {
    AppError::NotFound("This API key no longer exists: it was deleted in another tab or by another operator.".into())
}

async fn key_exists(executor: impl sqlx::PgExecutor<'_>, key_id: Uuid) -> Result<bool, AppError> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = $1)").bind(key_id).fetch_one(executor).await.map_err(internal)
}

impl PgStore {
    /// Claims up to `limit` due deliveries for `lease`: pending, due, not
    /// under someone else's lease, and the oldest pending one of their key
    /// (so a key's events go out in order, one at a time).
    pub async fn claim_deliveries(&self, limit: i64, lease: Duration) -> Result<Vec<Claimed>, AppError> {
        sqlx::query_as::<_, Claimed>(
            "WITH due AS (
                 SELECT d.id FROM webhook_deliveries d
                 WHERE d.state = 'pending' AND d.next_attempt_at <= now()
                   AND (d.locked_until IS NULL OR d.locked_until <= now())
                   AND NOT EXISTS (
                       SELECT 1 FROM webhook_deliveries e
                       WHERE e.key_id = d.key_id AND e.state = 'pending' AND e.seq < d.seq
                   )
                 ORDER BY d.next_attempt_at, d.seq
                 LIMIT $1
                 FOR UPDATE OF d SKIP LOCKED
             )
             UPDATE webhook_deliveries d
             SET locked_until = now() + make_interval(secs => $2), attempts = d.attempts + 1,
                 last_attempt_at = now(), updated_at = now()
             FROM due WHERE d.id = due.id
             RETURNING d.id, d.key_id, d.payload, d.url, d.attempts",
        )
        .bind(limit)
        .bind(lease.as_secs_f64())
        .fetch_all(&self.pool)
        .await
        .map_err(internal)
    }

    /// Records a 2xx answer.
    pub async fn record_delivered(&self, id: Uuid, status: u16) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE webhook_deliveries
             SET state = 'delivered', locked_until = NULL, last_status = $2, last_error = NULL,
                 delivered_at = now(), updated_at = now()
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(i32::from(status))
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// Records a failed attempt: due again after `retry_in`, or failed for
    /// good when it is `None`.
    pub async fn record_failure(&self, id: Uuid, status: Option<u16>, error: &str, retry_in: Option<Duration>) -> Result<(), AppError> {
        sqlx::query(
            "UPDATE webhook_deliveries
             SET state = CASE WHEN $4::float8 IS NULL THEN 'failed' ELSE 'pending' END,
                 next_attempt_at = CASE WHEN $4::float8 IS NULL THEN next_attempt_at
                                        ELSE now() + make_interval(secs => $4::float8) END,
                 locked_until = NULL, last_status = $2, last_error = $3, updated_at = now()
             WHERE id = $1 AND state = 'pending'",
        )
        .bind(id)
        .bind(status.map(i32::from))
        .bind(error)
        .bind(retry_in.map(|d| d.as_secs_f64()))
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// Ends the leases of these claims (`(id, attempts)` as claimed; a claim
    /// another worker made since, with more attempts, is left alone), so any
    /// worker may send them at once. `attempted`: the attempt was cut short
    /// and still counts (the receiver may have seen it); otherwise it never
    /// started and is not counted.
    pub async fn release_deliveries(&self, claims: &[(Uuid, i32)], attempted: bool) -> Result<(), AppError> {
        let (ids, attempts): (Vec<Uuid>, Vec<i32>) = claims.iter().copied().unzip();
        sqlx::query(
            "UPDATE webhook_deliveries d
             SET locked_until = NULL, updated_at = now(),
                 attempts = CASE WHEN $3 THEN d.attempts ELSE d.attempts - 1 END,
                 last_error = CASE WHEN $3 THEN 'cut short: the server shut down during the attempt' ELSE d.last_error END
             FROM unnest($1::uuid[], $2::int4[]) AS c(id, attempts)
             WHERE d.id = c.id AND d.attempts = c.attempts AND d.state = 'pending'",
        )
        .bind(&ids)
        .bind(&attempts)
        .bind(attempted)
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    /// The sealed secrets of these keys, by key id (keys without one are
    /// missing from the map).
    pub async fn sealed_webhook_secrets(&self, key_ids: &[Uuid]) -> Result<HashMap<Uuid, SealedBytes>, AppError> {
        let rows =
            sqlx::query_as::<_, (Uuid, Vec<u8>, Vec<u8>)>("SELECT key_id, nonce, ciphertext FROM webhook_secrets WHERE key_id = ANY($1)")
                .bind(key_ids)
                .fetch_all(&self.pool)
                .await
                .map_err(internal)?;
        Ok(rows.into_iter().map(|(id, nonce, ciphertext)| (id, SealedBytes { nonce, ciphertext })).collect())
    }

    /// Queues `key.expiring` for keys that entered the 7-day or 1-day window
    /// before their expiry, once per threshold and expiry date (a key
    /// entering both windows at once gets one event, for the nearer one).
    /// Answers with the number of events queued.
    pub async fn enqueue_expiring(&self) -> Result<usize, AppError> {
        let due = sqlx::query_as::<_, (Uuid, Vec<i32>)>(
            "SELECT k.id, array_agg(t.days ORDER BY t.days)
             FROM api_keys k CROSS JOIN (VALUES (7), (1)) AS t(days)
             WHERE k.expires_at > now() AND k.expires_at <= now() + make_interval(days => t.days)
               AND NOT EXISTS (
                   SELECT 1 FROM webhook_expiry_notices n
                   WHERE n.key_id = k.id AND n.days = t.days AND n.expires_at = k.expires_at
               )
             GROUP BY k.id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        let mut queued = 0;
        for (key_id, days) in due {
            let Some(&nearest) = days.first() else { continue };
            let mut tx = self.pool.begin().await.map_err(internal)?;
            // The primary key decides which of several workers notifies.
            let inserted: Vec<i32> = sqlx::query_scalar(
                "INSERT INTO webhook_expiry_notices (key_id, days, expires_at)
                 SELECT k.id, d, k.expires_at FROM api_keys k, unnest($2::int[]) AS d
                 WHERE k.id = $1 AND k.expires_at IS NOT NULL
                 ON CONFLICT DO NOTHING
                 RETURNING days",
            )
            .bind(key_id)
            .bind(&days)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
            if inserted.contains(&nearest) {
                let key = match fetch_key(&mut tx, key_id).await {
                    Ok(key) => key,
                    Err(AppError::NotFound(_)) => continue,
                    Err(err) => return Err(err),
                };
                let mut extra = Map::new();
                extra.insert("expires_in_days".into(), json!(nearest));
                enqueue_with(&mut tx, &key, EventType::Expiring, extra).await?;
                queued += 1;
            }
            tx.commit().await.map_err(internal)?;
        }
        Ok(queued)
    }

    /// Forgets the secrets of deleted keys once none of their deliveries
    /// is pending any more.
    pub async fn forget_unused_webhook_secrets(&self) -> Result<u64, AppError> {
        sqlx::query(
            "DELETE FROM webhook_secrets s
             WHERE NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.id = s.key_id)
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.key_id = s.key_id AND d.state = 'pending')",
        )
        .execute(&self.pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(internal)
    }

    /// Deletes finished deliveries last touched longer than `keep` ago;
    /// pending ones are never deleted.
    pub async fn prune_deliveries(&self, keep: Duration) -> Result<u64, AppError> {
        sqlx::query(
            "DELETE FROM webhook_deliveries
             WHERE state <> 'pending' AND updated_at < now() - make_interval(secs => $1)",
        )
        .bind(keep.as_secs_f64())
        .execute(&self.pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(internal)
    }

    /// Gives a key (existing or deleted) this secret unless it has one;
    /// answers with the secret it has now.
    pub async fn init_secret(&self, key_id: Uuid, sealed: &SealedBytes) -> Result<SealedBytes, AppError> {
        let inserted =
            sqlx::query("INSERT INTO webhook_secrets (key_id, nonce, ciphertext) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING")
                .bind(key_id)
                .bind(&sealed.nonce)
                .bind(&sealed.ciphertext)
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
}

#[async_trait::async_trait]
impl WebhookStore for PgStore {
    async fn deliveries(&self, key_id: Uuid, limit: i64) -> Result<Vec<Delivery>, AppError> {
        if !key_exists(&self.pool, key_id).await? {
            return Err(key_gone());
        }
        let rows = sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE key_id = $1 ORDER BY seq DESC LIMIT $2"
        )))
        .bind(key_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        rows.into_iter().map(Delivery::try_from).collect()
    }

    async fn resend_delivery(&self, actor: &Actor, delivery_id: Uuid) -> Result<Delivery, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let row = sqlx::query_as::<_, DeliveryRow>(sqlx::AssertSqlSafe(format!(
            "INSERT INTO webhook_deliveries (key_id, event_type, payload, url)
             SELECT d.key_id, d.event_type, d.payload, COALESCE(k.webhook_url, d.url)
             FROM webhook_deliveries d LEFT JOIN api_keys k ON k.id = d.key_id
             WHERE d.id = $1
             RETURNING {DELIVERY_COLUMNS}"
        )))
        .bind(delivery_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound("This delivery no longer exists.".into()))?;
        let delivery = Delivery::try_from(row)?;
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM api_keys WHERE id = $1")
            .bind(delivery.key_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        let details = json!({ "event": delivery.event_type.as_str() });
        let entry = audit::Entry {
            details: Some(details),
            ..audit::Entry::key("key.webhook_resent", delivery.key_id, name.as_deref().unwrap_or("(deleted key)"))
        };
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await.map_err(internal)?;
        Ok(delivery)
    }

    async fn send_test_event(&self, actor: &Actor, key_id: Uuid) -> Result<Delivery, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let key = fetch_key(&mut tx, key_id).await?;
        let delivery = enqueue_with(&mut tx, &key, EventType::Test, Map::new()).await?;
        audit::record(&mut tx, actor, audit::Entry::key("key.webhook_test_sent", key.id, &key.name)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(delivery)
    }

    async fn webhook_secret(&self, key_id: Uuid) -> Result<Option<SealedBytes>, AppError> {
        if !key_exists(&self.pool, key_id).await? {
            return Err(key_gone());
        }
        Ok(self.sealed_webhook_secrets(&[key_id]).await?.remove(&key_id))
    }

    async fn init_webhook_secret(&self, key_id: Uuid, sealed: &SealedBytes) -> Result<SealedBytes, AppError> {
        self.init_secret(key_id, sealed).await
    }

    async fn replace_webhook_secret(&self, actor: &Actor, key_id: Uuid, sealed: &SealedBytes) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let exists: Option<String> = sqlx::query_scalar("SELECT name FROM api_keys WHERE id = $1 FOR UPDATE")
            .bind(key_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        if exists.is_none() {
            return Err(key_gone());
        }
        sqlx::query(
            "INSERT INTO webhook_secrets (key_id, nonce, ciphertext) VALUES ($1, $2, $3)
             ON CONFLICT (key_id) DO UPDATE SET nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, updated_at = now()",
        )
        .bind(key_id)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        let name = exists.unwrap_or_default();
        audit::record(&mut tx, actor, audit::Entry::key("key.webhook_secret_regenerated", key_id, &name)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(())
    }

    async fn record_secret_copied(&self, actor: &Actor, key_id: Uuid) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let name: String = sqlx::query_scalar("SELECT name FROM api_keys WHERE id = $1")
            .bind(key_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .ok_or_else(key_gone)?;
        audit::record(&mut tx, actor, audit::Entry::key("key.webhook_secret_copied", key_id, &name)).await?;
        tx.commit().await.map_err(internal)
    }
}
