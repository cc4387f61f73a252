//! Sign-in sessions in Postgres, for `tower-sessions`: any `keyhold`
//! process on the database accepts a session another one started.
//!
//! (The `tower-sessions-sqlx-store` crate is built on sqlx 0.8; this is the
//! same store for the sqlx 0.9 pool the rest of Keyhold uses.) Only the
//! SHA-256 of a session id is stored, a session whose operator is disabled
//! neither loads nor saves, and saving never brings back a session that
//! ended meanwhile.

use super::anonymous::Anonymous;
use app::domain::operator::{Operator, SESSION_OPERATOR};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::sync::Arc;
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, ExpiredDeletion, SessionStore},
};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct PgSessionStore {
    pool: PgPool,
    /// Loading is the one query any cookie, even a made-up one, costs:
    /// it waits its turn among anonymous requests' queries.
    anonymous: Arc<Anonymous>,
}

impl PgSessionStore {
    /// See `PgStore::session_store`.
    pub(super) fn new(pool: PgPool, anonymous: Arc<Anonymous>) -> Self {
        Self { pool, anonymous }
    }

    /// True when a session was not loaded because anonymous requests are
    /// using all their turns (not because the database failed).
    pub fn is_busy(err: &tower_sessions::session::Error) -> bool {
        matches!(err, tower_sessions::session::Error::Store(session_store::Error::Backend(m)) if m == BUSY)
    }
}

/// The store's error when loading got no turn.
const BUSY: &str = "anonymous requests are using all their database connections";

fn id_hash(id: &Id) -> Vec<u8> {
    Sha256::digest(id.0.to_le_bytes()).to_vec()
}

fn to_chrono(t: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn to_time(t: DateTime<Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn operator_of(record: &Record) -> Option<Uuid> {
    record.data.get(SESSION_OPERATOR).and_then(|v| serde_json::from_value::<Operator>(v.clone()).ok()).map(|o| o.id)
}

fn backend(err: sqlx::Error) -> session_store::Error {
    tracing::error!(error = %err, "session store error");
    session_store::Error::Backend("the session store failed".into())
}

fn encode(record: &Record) -> session_store::Result<serde_json::Value> {
    serde_json::to_value(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

impl PgSessionStore {
    /// Inserts a new session unless its id is taken or its operator has
    /// been disabled meanwhile; answers how many rows it wrote.
    async fn insert(&self, record: &Record) -> session_store::Result<u64> {
        let (hash, data, operator, expires) = (id_hash(&record.id), encode(record)?, operator_of(record), to_chrono(record.expiry_date));
        sqlx::query!(
            "INSERT INTO sessions (id_hash, data, operator_id, expires_at)
             SELECT $1, $2, $3, $4
             WHERE $3::uuid IS NULL OR EXISTS (SELECT 1 FROM operators WHERE id = $3 AND disabled_at IS NULL)
             ON CONFLICT (id_hash) DO NOTHING",
            hash,
            data,
            operator,
            expires
        )
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected())
        .map_err(backend)
    }
}

#[async_trait::async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let inserted = self.insert(record).await?;
            // A collision of 128 random bits: draw again.
            if inserted == 1 || operator_of(record).is_some() {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates the session only while its row exists, has not expired and
    /// its operator is enabled. Never inserts: a request that loaded the
    /// session before sign-out (or before it expired, or before its
    /// operator was disabled) and saves it after must not bring it back.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (hash, data, operator, expires) = (id_hash(&record.id), encode(record)?, operator_of(record), to_chrono(record.expiry_date));
        sqlx::query!(
            "UPDATE sessions SET data = $2, operator_id = $3, expires_at = $4, updated_at = now()
             WHERE id_hash = $1 AND expires_at > now()
               AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM operators WHERE id = $3 AND disabled_at IS NULL))",
            hash,
            data,
            operator,
            expires
        )
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let _turn = self.anonymous.turn().await.map_err(|_| session_store::Error::Backend(BUSY.into()))?;
        let row = sqlx::query!(
            "SELECT s.data, s.expires_at FROM sessions s
             WHERE s.id_hash = $1 AND s.expires_at > now()
               AND (s.operator_id IS NULL
                    OR EXISTS (SELECT 1 FROM operators o WHERE o.id = s.operator_id AND o.disabled_at IS NULL))",
            id_hash(id)
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        let data = serde_json::from_value(row.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record { id: *id, data, expiry_date: to_time(row.expires_at) }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query!("DELETE FROM sessions WHERE id_hash = $1", id_hash(id)).execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query!("DELETE FROM sessions WHERE expires_at <= now()").execute(&self.pool).await.map_err(backend)?;
        Ok(())
    }
}
