//! The webhook outbox in Postgres. Events are written by [`enqueue`] inside
//! the transaction of the change they describe, so a change and its event
//! commit (or roll back) together. Workers claim due deliveries with
//! `FOR UPDATE SKIP LOCKED` and a lease: several processes share the work,
//! none sends a delivery another is sending, and a worker that dies
//! mid-delivery leaves a lease that runs out.

use super::{internal, key_rows::fetch_key, PgStore};
use app::{
    domain::{
        delivery::{Delivery, DeliveryState},
        key::ApiKey,
        webhook_event::{event_body, EventType},
    },
    error::AppError,
    store::{Claimed, Outbox},
};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use sqlx::PgConnection;
use std::time::Duration;
use uuid::Uuid;

/// Writes `event` about `key` (its state after the change) to the outbox,
/// on the caller's transaction.
pub(super) async fn enqueue(conn: &mut PgConnection, key: &ApiKey, event: EventType) -> Result<(), AppError> {
    enqueue_with(conn, key, event, Map::new()).await.map(drop)
}

/// [`enqueue`] with `extra` fields in the event's `data`; answers with the
/// new delivery.
pub(super) async fn enqueue_with(
    conn: &mut PgConnection,
    key: &ApiKey,
    event: EventType,
    extra: Map<String, Value>,
) -> Result<Delivery, AppError> {
    let body = event_body(event, key, Utc::now(), extra);
    let id = sqlx::query_scalar!(
        "INSERT INTO webhook_deliveries (key_id, event_type, payload, url) VALUES ($1, $2, $3, $4) RETURNING id",
        key.id,
        event.as_str(),
        body,
        key.webhook_url
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    fetch_delivery(conn, id).await
}

/// The delivery `id`, as the Deliveries dialog shows it.
pub(super) async fn fetch_delivery(conn: &mut PgConnection, id: Uuid) -> Result<Delivery, AppError> {
    sqlx::query_as!(
        DeliveryRow,
        r#"SELECT id AS "id!", key_id AS "key_id!", event_type AS "event_type!", url AS "url!", state AS "state!",
                  attempts AS "attempts!", last_status, last_error, last_attempt_at, next_attempt_at AS "next_attempt_at!",
                  created_at AS "created_at!"
           FROM webhook_delivery_listing WHERE id = $1"#,
        id
    )
    .fetch_one(conn)
    .await
    .map_err(internal)?
    .try_into()
}

/// A row of the `webhook_delivery_listing` view (where a pending delivery
/// under lease is `sending`), every column named.
pub(super) struct DeliveryRow {
    pub(super) id: Uuid,
    pub(super) key_id: Uuid,
    pub(super) event_type: String,
    pub(super) url: String,
    pub(super) state: String,
    pub(super) attempts: i32,
    pub(super) last_status: Option<i32>,
    pub(super) last_error: Option<String>,
    pub(super) last_attempt_at: Option<DateTime<Utc>>,
    pub(super) next_attempt_at: DateTime<Utc>,
    pub(super) created_at: DateTime<Utc>,
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

#[async_trait::async_trait]
impl Outbox for PgStore {
    async fn claim_deliveries(&self, limit: i64, lease: Duration) -> Result<Vec<Claimed>, AppError> {
        sqlx::query_as!(
            Claimed,
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
            limit,
            lease.as_secs_f64()
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)
    }

    async fn record_delivered(&self, delivery: &Claimed, status: u16) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE webhook_deliveries
             SET state = 'delivered', locked_until = NULL, last_status = $2, last_error = NULL,
                 delivered_at = now(), updated_at = now()
             WHERE id = $1 AND state = 'pending' AND attempts = $3",
            delivery.id,
            i32::from(status),
            delivery.attempts
        )
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn record_failure(
        &self,
        delivery: &Claimed,
        status: Option<u16>,
        error: &str,
        retry_in: Option<Duration>,
    ) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE webhook_deliveries
             SET state = CASE WHEN $4::float8 IS NULL THEN 'failed' ELSE 'pending' END,
                 next_attempt_at = CASE WHEN $4::float8 IS NULL THEN next_attempt_at
                                        ELSE now() + make_interval(secs => $4::float8) END,
                 locked_until = NULL, last_status = $2, last_error = $3, updated_at = now()
             WHERE id = $1 AND state = 'pending' AND attempts = $5",
            delivery.id,
            status.map(i32::from),
            error,
            retry_in.map(|d| d.as_secs_f64()),
            delivery.attempts
        )
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn release_deliveries(&self, claims: &[(Uuid, i32)], attempted: bool) -> Result<(), AppError> {
        let (ids, attempts): (Vec<Uuid>, Vec<i32>) = claims.iter().copied().unzip();
        sqlx::query!(
            "UPDATE webhook_deliveries d
             SET locked_until = NULL, updated_at = now(),
                 attempts = CASE WHEN $3 THEN d.attempts ELSE d.attempts - 1 END,
                 last_error = CASE WHEN $3 THEN 'cut short: the server shut down during the attempt' ELSE d.last_error END
             FROM unnest($1::uuid[], $2::int4[]) AS c(id, attempts)
             WHERE d.id = c.id AND d.attempts = c.attempts AND d.state = 'pending'",
            &ids,
            &attempts,
            attempted
        )
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }

    async fn enqueue_expiring(&self) -> Result<usize, AppError> {
        let due = sqlx::query!(
            r#"SELECT k.id, array_agg(t.days ORDER BY t.days) AS "days!"
               FROM api_keys k CROSS JOIN (VALUES (7), (1)) AS t(days)
               WHERE k.expires_at > now() AND k.expires_at <= now() + make_interval(days => t.days)
                 AND NOT EXISTS (
                     SELECT 1 FROM webhook_expiry_notices n
                     WHERE n.key_id = k.id AND n.days = t.days AND n.expires_at = k.expires_at
                 )
               GROUP BY k.id"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?;
        let mut queued = 0;
        for row in due {
            let (key_id, days) = (row.id, row.days);
            let Some(&nearest) = days.first() else { continue };
            let mut tx = self.pool.begin().await.map_err(internal)?;
            // The primary key decides which of several workers notifies.
            let inserted = sqlx::query_scalar!(
                "INSERT INTO webhook_expiry_notices (key_id, days, expires_at)
                 SELECT k.id, d, k.expires_at FROM api_keys k, unnest($2::int[]) AS d
                 WHERE k.id = $1 AND k.expires_at IS NOT NULL
                 ON CONFLICT DO NOTHING
                 RETURNING days",
                key_id,
                &days
            )
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

    async fn prune_deliveries(&self, keep: Duration, batch: i64) -> Result<u64, AppError> {
        let mut deleted = 0;
        // Oldest first through `webhook_deliveries_finished`, a bounded batch per statement.
        loop {
            let done = sqlx::query!(
                "DELETE FROM webhook_deliveries WHERE id IN (
                     SELECT id FROM webhook_deliveries
                     WHERE state <> 'pending' AND updated_at < now() - make_interval(secs => $1)
                     ORDER BY updated_at, id
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED
                 )",
                keep.as_secs_f64(),
                batch
            )
            .execute(&self.pool)
            .await
            .map_err(internal)?
            .rows_affected();
            deleted += done;
            if done < batch.max(1) as u64 {
                return Ok(deleted);
            }
        }
    }

    async fn forget_unused_webhook_secrets(&self) -> Result<u64, AppError> {
        sqlx::query!(
            "DELETE FROM webhook_secrets s
             WHERE NOT EXISTS (SELECT 1 FROM api_keys k WHERE k.id = s.key_id)
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.key_id = s.key_id AND d.state = 'pending')"
        )
        .execute(&self.pool)
        .await
        .map(|r| r.rows_affected())
        .map_err(internal)
    }
}
