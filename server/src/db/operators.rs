//! Operators (created from the shell), their sign-ins, and reading the
//! audit log for the Activity page.

use super::{audit, internal, violates, PgStore};
use app::{
    auth::{Actor, Operator},
    domain::operator::Email,
    error::AppError,
    model::{ActivityEntry, ActivityKey},
    store::OperatorStore,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An operator as `keyhold operator list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorListing {
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

impl PgStore {
    /// Adds an operator with an Argon2id `password_hash`; a taken email (in
    /// any case) is refused.
    pub async fn create_operator(&self, email: &Email, password_hash: &str) -> Result<Operator, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id: Uuid = sqlx::query_scalar("INSERT INTO operators (email, password_hash) VALUES ($1, $2) RETURNING id")
            .bind(email.as_str())
            .bind(password_hash)
            .fetch_one(&mut *tx)
            .await
            .map_err(|err| {
                if violates(&err, "operators_email_unique") {
                    AppError::invalid("email", format!("An operator with the email {email} already exists."))
                } else {
                    internal(err)
                }
            })?;
        let operator = Operator { id, email: email.as_str().to_owned() };
        audit::record(
            &mut tx,
            &Actor::command_line(),
            audit::Entry {
                action: "operator.created",
                details: Some(serde_json::json!({ "email": email.as_str() })),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(operator)
    }

    /// Every operator, by email.
    pub async fn list_operators(&self) -> Result<Vec<OperatorListing>, AppError> {
        sqlx::query_as::<_, (String, DateTime<Utc>, Option<DateTime<Utc>>)>(
            "SELECT email, created_at, disabled_at FROM operators ORDER BY lower(email)",
        )
        .fetch_all(&self.pool)
        .await
        .map(|rows| rows.into_iter().map(|(email, created_at, disabled_at)| OperatorListing { email, created_at, disabled_at }).collect())
        .map_err(internal)
    }

    /// Disables the operator and ends their sessions, in one transaction.
    /// Answers how many sessions ended.
    pub async fn disable_operator(&self, email: &Email) -> Result<u64, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id: Uuid = sqlx::query_scalar(
            "UPDATE operators SET disabled_at = COALESCE(disabled_at, now()), updated_at = now()
             WHERE lower(email) = lower($1) RETURNING id",
        )
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| AppError::NotFound(format!("No operator has the email {email}.")))?;
        let ended =
            sqlx::query("DELETE FROM sessions WHERE operator_id = $1").bind(id).execute(&mut *tx).await.map_err(internal)?.rows_affected();
        audit::record(
            &mut tx,
            &Actor::command_line(),
            audit::Entry {
                action: "operator.disabled",
                details: Some(serde_json::json!({ "email": email.as_str() })),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok(ended)
    }
}

#[async_trait::async_trait]
impl OperatorStore for PgStore {
    async fn any_operator(&self) -> Result<bool, AppError> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM operators)").fetch_one(&self.pool).await.map_err(internal)
    }

    async fn operator_for_sign_in(&self, email: &str) -> Result<Option<(Operator, String)>, AppError> {
        sqlx::query_as::<_, (Uuid, String, String)>(
            "SELECT id, email, password_hash FROM operators WHERE lower(email) = lower($1) AND disabled_at IS NULL",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await
        .map(|row| row.map(|(id, email, hash)| (Operator { id, email }, hash)))
        .map_err(internal)
    }

    async fn record_session_event(&self, actor: &Actor, action: &str, details: serde_json::Value) -> Result<(), AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        audit::record(&mut tx, actor, audit::Entry { action, details: Some(details), ..Default::default() }).await?;
        tx.commit().await.map_err(internal)
    }

    async fn activity(&self, key: Option<Uuid>, limit: i64) -> Result<Vec<ActivityEntry>, AppError> {
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        audit::activity(&mut conn, key, limit).await
    }

    async fn activity_keys(&self) -> Result<Vec<ActivityKey>, AppError> {
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        audit::activity_keys(&mut conn).await
    }
}
