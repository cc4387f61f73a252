//! Accounts, managed from the shell for now (`keyhold account ...`).

use super::{internal, violates, PgStore};
use app::{error::AppError, model::Account};

impl PgStore {
    pub async fn accounts(&self) -> Result<Vec<Account>, AppError> {
        sqlx::query_as::<_, (uuid::Uuid, String)>("SELECT id, name FROM accounts ORDER BY lower(name), id")
            .fetch_all(&self.pool)
            .await
            .map(|rows| rows.into_iter().map(|(id, name)| Account { id, name }).collect())
            .map_err(internal)
    }

    pub async fn create_account(&self, name: &str) -> Result<Account, AppError> {
        let name = app::domain::key_name::KeyName::parse(name).map_err(|m| AppError::invalid("name", m))?;
        sqlx::query_as::<_, (uuid::Uuid, String)>("INSERT INTO accounts (name) VALUES ($1) RETURNING id, name")
            .bind(name.as_str())
            .fetch_one(&self.pool)
            .await
            .map(|(id, name)| Account { id, name })
            .map_err(|err| {
                if violates(&err, "accounts_name_unique") {
                    AppError::invalid("name", format!("An account named “{name}” already exists."))
                } else {
                    internal(err)
                }
            })
    }
}
