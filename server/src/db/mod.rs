//! The one place that talks to Postgres: [`PgStore`] implements every store
//! trait of `app::store`, one area per file. Every write is one
//! transaction; reads that decide a write lock the row (`FOR UPDATE`).

mod accounts;
mod anonymous;
mod audit;
mod key_list;
mod key_rows;
mod keys;
pub mod listen;
mod operators;
mod outbox;
mod sessions;
mod tokens;
mod verify;
mod webhooks;

use anonymous::Anonymous;
use app::error::AppError;
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::{sync::Arc, time::Duration};

pub use anonymous::{Busy, ANONYMOUS_QUERIES, ANONYMOUS_WAIT};
pub use sessions::PgSessionStore;

/// The Postgres implementation of the store traits (`app::store::Store`).
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The limit on anonymous requests' queries, shared by every clone.
    anonymous: Arc<Anonymous>,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, anonymous: Arc::default() }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The session store on the same pool, under the same limit on
    /// anonymous requests' queries.
    pub fn session_store(&self) -> PgSessionStore {
        PgSessionStore::new(self.pool.clone(), self.anonymous.clone())
    }
}

/// What a request that got no turn for its query is told.
fn busy(_: Busy) -> AppError {
    AppError::TooManyRequests("The server is busy, try again in 1 second.".into())
}

/// Opens a pool; creates the database first if it does not exist yet.
pub async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    use sqlx::migrate::MigrateDatabase;
    if !sqlx::Postgres::database_exists(url).await? {
        sqlx::Postgres::create_database(url).await?;
        tracing::info!("created the database");
    }
    PgPoolOptions::new().max_connections(10).acquire_timeout(Duration::from_secs(5)).connect(url).await
}

/// Applies the migrations in `server/migrations` (embedded at build
/// time), then gives operators stored before the `email_key` column their
/// key (computed in Rust, so not expressible as a migration).
pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await?;
    fill_email_keys(pool).await
}

/// Gives every operator stored before the `email_key` column its key
/// ([`app::domain::operator::Email::key_of_stored`]), in one transaction. Two operators whose
/// emails are the same in that form stop the start with both named: which
/// one stays is for a person to decide.
async fn fill_email_keys(pool: &PgPool) -> Result<(), MigrateError> {
    let mut tx = pool.begin().await?;
    let rows = sqlx::query!("SELECT id, email, email_key FROM operators ORDER BY created_at FOR UPDATE").fetch_all(&mut *tx).await?;
    let mut owners: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut missing = Vec::new();
    for row in rows {
        let key = row.email_key.clone().unwrap_or_else(|| app::domain::operator::Email::key_of_stored(&row.email));
        if let Some(first) = owners.insert(key.clone(), row.email.clone()) {
            return Err(MigrateError::SameEmail { first, second: row.email });
        }
        if row.email_key.is_none() {
            missing.push((row.id, key));
        }
    }
    for (id, key) in &missing {
        sqlx::query!("UPDATE operators SET email_key = $2 WHERE id = $1", id, key).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    if !missing.is_empty() {
        tracing::info!(operators = missing.len(), "gave the operators' emails their comparison form");
    }
    Ok(())
}

/// Why the database could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(transparent)]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Database(#[from] sqlx::Error),
    #[error(
        "the operators {first} and {second} have the same email as Keyhold compares emails (Unicode NFC, then lowercase); \
         delete one of them (in the operators table) and start again"
    )]
    SameEmail { first: String, second: String },
}

/// Logs a database failure inside the request's span; the client only
/// learns that something went wrong.
fn internal(err: sqlx::Error) -> AppError {
    tracing::error!(error = %err, "database error");
    AppError::Internal
}

/// True when `err` broke the unique index named `constraint`.
fn violates(err: &sqlx::Error, constraint: &str) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.constraint() == Some(constraint))
}
