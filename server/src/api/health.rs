//! Health checks: `/api/v1/health` asks the database, `/api/v1/health/live`
//! only shows the process answers (and is the benchmarks' baseline route).

use crate::state::AppState;
use app::store::VerifyStore;
use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;
use std::time::Duration;

pub const PATH: &str = "/api/v1/health";
pub const LIVE_PATH: &str = "/api/v1/health/live";

/// Longest the database may take to answer `SELECT 1`.
pub const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseStatus {
    Ok,
    Unreachable,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: Status,
    /// Absent from the liveness check, which does not ask the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseStatus>,
}

/// Is the server up and its database reachable?
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "health",
    responses(
        (status = 200, description = "Up, and the database answers", body = Health,
            example = json!({"status": "ok", "database": "ok"})),
        (status = 503, description = "The database did not answer `SELECT 1` within 2 s", body = Health,
            example = json!({"status": "unavailable", "database": "unreachable"})),
    )
)]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let reachable = tokio::time::timeout(DATABASE_TIMEOUT, state.store.ping()).await.unwrap_or(false);
    if reachable {
        (StatusCode::OK, Json(Health { status: Status::Ok, database: Some(DatabaseStatus::Ok) }))
    } else {
        tracing::warn!("health check: the database is unreachable");
        (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: Status::Unavailable, database: Some(DatabaseStatus::Unreachable) }))
    }
}

/// Is the process up? Does not touch the database.
#[utoipa::path(
    get,
    path = "/api/v1/health/live",
    tag = "health",
    responses((status = 200, description = "The process answers", body = Health, example = json!({"status": "ok"})))
)]
pub async fn live() -> Json<Health> {
    Json(Health { status: Status::Ok, database: None })
}
