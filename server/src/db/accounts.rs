//! Accounts: listed with their usage, created, renamed and deleted from the
//! Accounts page (and from the shell, `keyhold account ...`). Every write is
//! one transaction; a name taken in any case is a field error, not a 500.

use super::{
    audit::{self, Entry},
    internal, violates, PgStore,
};
use app::{
    domain::{
        account::AccountUsage,
        actor::Actor,
        audit::{AuditAction, FieldChange},
        key::Account,
        names::AccountName,
    },
    error::AppError,
    store::AccountStore,
};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

fn gone() -> AppError {
    AppError::NotFound("This account no longer exists: it was deleted in another tab or by another operator.".into())
}

/// Maps a broken `accounts_name_unique` index to a message on the name field.
fn name_taken(name: &AccountName) -> impl FnOnce(sqlx::Error) -> AppError + '_ {
    move |err| {
        if violates(&err, "accounts_name_unique") {
            AppError::taken("name", format!("An account named “{name}” already exists."))
        } else {
            internal(err)
        }
    }
}

/// How many keys grant the account.
async fn key_count(tx: &mut Transaction<'_, Postgres>, id: Uuid) -> Result<i64, AppError> {
    sqlx::query_scalar!(r#"SELECT count(*) AS "count!" FROM api_key_accounts WHERE account_id = $1"#, id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)
}

#[async_trait::async_trait]
impl AccountStore for PgStore {
    async fn list_accounts(&self) -> Result<Vec<Account>, AppError> {
        sqlx::query_as!(Account, "SELECT id, name FROM accounts ORDER BY lower(name), id").fetch_all(&self.pool).await.map_err(internal)
    }

    async fn account_usage(&self) -> Result<Vec<AccountUsage>, AppError> {
        sqlx::query_as!(
            AccountUsage,
            r#"SELECT a.id, a.name, count(ka.key_id) AS "key_count!"
               FROM accounts a LEFT JOIN api_key_accounts ka ON ka.account_id = a.id
               GROUP BY a.id
               ORDER BY lower(a.name), a.id"#
        )
        .fetch_all(&self.pool)
        .await
        .map_err(internal)
    }

    async fn create_account(&self, actor: &Actor, name: &AccountName) -> Result<AccountUsage, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let Account { id, name: saved } =
            sqlx::query_as!(Account, "INSERT INTO accounts (name) VALUES ($1) RETURNING id, name", name.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(name_taken(name))?;
        audit::record(&mut tx, actor, Entry::account(AuditAction::AccountCreated, id, &saved)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(AccountUsage { id, name: saved, key_count: 0 })
    }

    async fn rename_account(&self, actor: &Actor, id: Uuid, name: &AccountName) -> Result<AccountUsage, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let before = sqlx::query_scalar!("SELECT name FROM accounts WHERE id = $1 FOR UPDATE", id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .ok_or_else(gone)?;
        // No row: the account was deleted since the page showed it.
        let saved =
            sqlx::query_scalar!("UPDATE accounts SET name = $2, updated_at = now() WHERE id = $1 RETURNING name", id, name.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(name_taken(name))?
                .ok_or_else(gone)?;
        let key_count = key_count(&mut tx, id).await?;
        let change = FieldChange::new("Name", before, saved.clone());
        audit::record(&mut tx, actor, Entry::account(AuditAction::AccountRenamed, id, &saved).with_changes(vec![change])).await?;
        tx.commit().await.map_err(internal)?;
        Ok(AccountUsage { id, name: saved, key_count })
    }

    async fn delete_account(&self, actor: &Actor, id: Uuid) -> Result<AccountUsage, AppError> {
        let mut tx = self.pool.begin().await.map_err(internal)?;
        // The lock keeps keys from gaining the account while it is counted
        // (adding a link takes a key-share lock on the account row).
        let name = sqlx::query_scalar!("SELECT name FROM accounts WHERE id = $1 FOR UPDATE", id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .ok_or_else(gone)?;
        let key_count = key_count(&mut tx, id).await?;
        // The links go with it (ON DELETE CASCADE); their trigger tells the
        // verification caches.
        sqlx::query!("DELETE FROM accounts WHERE id = $1", id).execute(&mut *tx).await.map_err(internal)?;
        let lost = serde_json::json!({ "keys_lost_access": key_count });
        audit::record(&mut tx, actor, Entry::account(AuditAction::AccountDeleted, id, &name).with_details(lost)).await?;
        tx.commit().await.map_err(internal)?;
        Ok(AccountUsage { id, name, key_count })
    }
}
