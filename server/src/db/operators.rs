//! Operators: created, disabled, enabled and given passwords from the
//! shell, looked up at sign-in.

use super::{
    audit::{self, Entry},
    busy, internal, violates, PgStore,
};
use app::{
    domain::{
        actor::Actor,
        audit::AuditAction,
        operator::{Email, Operator},
    },
    error::AppError,
    store::{OperatorListing, OperatorStore},
};

#[async_trait::async_trait]
impl OperatorStore for PgStore {
    async fn any_operator(&self) -> Result<bool, AppError> {
        // Asked by the sign-in page, before anyone signed in.
        if self.anonymous.operators_exist() {
            return Ok(true);
        }
        let _turn = self.anonymous.turn().await.map_err(busy)?;
        let any =
            sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM operators) AS "any!""#).fetch_one(&self.pool).await.map_err(internal)?;
        if any {
            self.anonymous.remember_operators_exist();
        }
        Ok(any)
    }

    async fn operator_for_sign_in(&self, email: &Email) -> Result<Option<(Operator, String)>, AppError> {
        let _turn = self.anonymous.turn().await.map_err(busy)?;
        sqlx::query!("SELECT id, email, password_hash FROM operators WHERE email_key = $1 AND disabled_at IS NULL", email.key())
            .fetch_optional(&self.pool)
            .await
            .map(|row| row.map(|r| (Operator { id: r.id, email: r.email }, r.password_hash)))
            .map_err(internal)
    }

    async fn create_operator(&self, actor: &Actor, email: &Email, password_hash: &str) -> Result<Operator, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id = sqlx::query_scalar!(
            "INSERT INTO operators (email, email_key, password_hash) VALUES ($1, $2, $3) RETURNING id",
            email.as_str(),
            email.key(),
            password_hash
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| {
            if violates(&err, "operators_email_key_unique") {
                AppError::invalid("email", format!("An operator with the email {email} already exists."))
            } else {
                internal(err)
            }
        })?;
        let entry = Entry::new(AuditAction::OperatorCreated).with_details(serde_json::json!({ "email": email.as_str() }));
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await.map_err(internal)?;
        Ok(Operator { id, email: email.as_str().to_owned() })
    }

    async fn list_operators(&self) -> Result<Vec<OperatorListing>, AppError> {
        sqlx::query_as!(OperatorListing, "SELECT email, created_at, disabled_at FROM operators ORDER BY email_key")
            .fetch_all(&self.pool)
            .await
            .map_err(internal)
    }

    async fn disable_operator(&self, actor: &Actor, email: &Email) -> Result<u64, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id = sqlx::query_scalar!(
            "UPDATE operators SET disabled_at = COALESCE(disabled_at, now()), updated_at = now()
             WHERE email_key = $1 RETURNING id",
            email.key()
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| unknown(email))?;
        let ended =
            sqlx::query!("DELETE FROM sessions WHERE operator_id = $1", id).execute(&mut *tx).await.map_err(internal)?.rows_affected();
        let entry = Entry::new(AuditAction::OperatorDisabled).with_details(serde_json::json!({ "email": email.as_str() }));
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await.map_err(internal)?;
        Ok(ended)
    }

    async fn set_operator_password(&self, actor: &Actor, email: &Email, password_hash: &str) -> Result<u64, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let id = sqlx::query_scalar!(
            "UPDATE operators SET password_hash = $2, updated_at = now() WHERE email_key = $1 RETURNING id",
            email.key(),
            password_hash
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(|| unknown(email))?;
        // Whoever signed in with the old password is signed out.
        let ended =
            sqlx::query!("DELETE FROM sessions WHERE operator_id = $1", id).execute(&mut *tx).await.map_err(internal)?.rows_affected();
        let entry = Entry::new(AuditAction::OperatorPasswordSet)
            .with_details(serde_json::json!({ "email": email.as_str(), "sessions_ended": ended }));
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await.map_err(internal)?;
        Ok(ended)
    }

    async fn enable_operator(&self, actor: &Actor, email: &Email) -> Result<bool, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        // Locked, so two commands at once record one change.
        let row = sqlx::query!("SELECT id, disabled_at FROM operators WHERE email_key = $1 FOR UPDATE", email.key())
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .ok_or_else(|| unknown(email))?;
        if row.disabled_at.is_none() {
            return Ok(false);
        }
        sqlx::query!("UPDATE operators SET disabled_at = NULL, updated_at = now() WHERE id = $1", row.id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let entry = Entry::new(AuditAction::OperatorEnabled).with_details(serde_json::json!({ "email": email.as_str() }));
        audit::record(&mut tx, actor, entry).await?;
        tx.commit().await.map_err(internal)?;
        Ok(true)
    }
}

fn unknown(email: &Email) -> AppError {
    AppError::NotFound(format!("No operator has the email {email}."))
}
