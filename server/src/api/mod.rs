//! The JSON API under `/api/v1`, for services rather than operators: no
//! session, documented by the OpenAPI document at `/api/v1/openapi.json`.

pub mod error;
pub mod health;
pub mod management;
pub mod openapi;
pub mod verify;

use crate::state::AppState;
use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};

/// A verify body holds one 41-character token; anything much larger is not one.
pub const MAX_VERIFY_BODY_BYTES: usize = 4 * 1024;

pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            verify::PATH,
            post(verify::verify)
                .layer(DefaultBodyLimit::max(MAX_VERIFY_BODY_BYTES))
                .layer(middleware::from_fn_with_state(state.clone(), verify::rate_limit)),
        )
        .route(health::PATH, get(health::health))
        .route(health::LIVE_PATH, get(health::live))
        .route(openapi::PATH, get(openapi::document))
        .merge(management::routes(state))
}
