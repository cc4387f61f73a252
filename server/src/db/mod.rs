//! The one place that talks to Postgres: [`PgStore`] implements every store
//! trait of `app::store`, one area per file. Every write is one
//! transaction; reads that decide a write lock the row (`FOR UPDATE`).

mod accounts;
mod audit;
mod key_rows;
mod keys;
pub mod listen;
mod operators;
mod outbox;
mod sessions;
mod tokens;
mod verify;
mod webhooks;

use app::error::AppError;
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::time::Duration;

pub use sessions::PgSessionStore;

/// The Postgres implementation of the store traits (`app::store::Store`).
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
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

/// Applies the migrations in `server/migrations` (embedded at build time).
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
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
