//! Management tokens in Postgres: only their SHA-256 hashes. Creating and
//! revoking one is a transaction with its audit row.

use super::{
    audit::{self, Entry},
    internal, violates, PgStore,
};
use app::{
    domain::{
        actor::Actor,
        audit::AuditAction,
        management_token::{field, Access, ManagementTokenListing, NewManagementToken, PresentedToken, LAST_USED_EVERY},
    },
    error::AppError,
    store::ManagementTokenStore,
};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

struct Row {
    id: Uuid,
    name: String,
    access: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    created_by: String,
}

/// The column's `CHECK` allows only the two names.
fn access(stored: &str) -> Result<Access, AppError> {
    Access::parse(stored).ok_or_else(|| {
        tracing::error!(access = stored, "unknown access in management_tokens");
        AppError::Internal
    })
}

impl TryFrom<Row> for ManagementTokenListing {
    type Error = AppError;

    fn try_from(r: Row) -> Result<Self, AppError> {
        Ok(ManagementTokenListing {
            id: r.id,
            name: r.name,
            access: access(&r.access)?,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            expires_at: r.expires_at,
            created_by: r.created_by,
        })
    }
}

fn token_gone() -> AppError {
    AppError::NotFound("This management token no longer exists or was revoked already.".into())
}

#[async_trait::async_trait]
impl ManagementTokenStore for PgStore {
    async fn create_management_token(&self, actor: &Actor, new: &NewManagementToken) -> Result<ManagementTokenListing, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let row = sqlx::query_as!(
            Row,
            "INSERT INTO management_tokens (name, token_hash, access, expires_at, created_by)
             VALUES ($1, $2, $3, $4, $5)
             RETURNING id, name, access, created_at, last_used_at, expires_at, created_by",
            new.name.as_str(),
            new.hash,
            new.access.as_str(),
            new.expires_at,
            actor.label()
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| match violates(&err, "management_tokens_name_unique") {
            true => AppError::taken(field::NAME, format!("A management token named “{}” already exists.", new.name)),
            false => internal(err),
        })?;
        let details = json!({ "token": row.name, "access": row.access });
        audit::record(&mut tx, actor, Entry::new(AuditAction::ManagementTokenCreated).with_details(details)).await?;
        tx.commit().await.map_err(internal)?;
        row.try_into()
    }

    async fn list_management_tokens(&self) -> Result<Vec<ManagementTokenListing>, AppError> {
        sqlx::query_as!(
            Row,
            "SELECT id, name, access, created_at, last_used_at, expires_at, created_by FROM management_tokens
             WHERE revoked_at IS NULL ORDER BY created_at DESC, id DESC"
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .map(ManagementTokenListing::try_from)
        .collect()
    }

    async fn revoke_management_token(&self, actor: &Actor, id: Uuid) -> Result<ManagementTokenListing, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let row = sqlx::query_as!(
            Row,
            "UPDATE management_tokens SET revoked_at = now(), updated_at = now() WHERE id = $1 AND revoked_at IS NULL
             RETURNING id, name, access, created_at, last_used_at, expires_at, created_by",
            id
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(token_gone)?;
        let details = json!({ "token": row.name });
        audit::record(&mut tx, actor, Entry::new(AuditAction::ManagementTokenRevoked).with_details(details)).await?;
        tx.commit().await.map_err(internal)?;
        row.try_into()
    }

    async fn management_token_by_hash(&self, hash: &[u8]) -> Result<Option<PresentedToken>, AppError> {
        // Asked before the caller is known: a made-up token costs a query
        // too, so it waits its turn among anonymous requests' queries.
        let _turn = self.anonymous.turn().await.map_err(super::busy)?;
        let Some(row) = sqlx::query!(
            r#"SELECT id, name, access, expires_at, revoked_at IS NOT NULL AS "revoked!", last_used_at
               FROM management_tokens WHERE token_hash = $1"#,
            hash
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(internal)?
        else {
            return Ok(None);
        };
        Ok(Some(PresentedToken {
            id: row.id,
            name: row.name,
            access: access(&row.access)?,
            expires_at: row.expires_at,
            revoked: row.revoked,
            last_used_at: row.last_used_at,
        }))
    }

    async fn record_management_token_use(&self, id: Uuid) -> Result<(), AppError> {
        sqlx::query!(
            "UPDATE management_tokens SET last_used_at = now()
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))",
            id,
            LAST_USED_EVERY.num_seconds() as f64
        )
        .execute(&self.pool)
        .await
        .map_err(internal)?;
        Ok(())
    }
}
