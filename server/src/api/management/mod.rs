//! The management API under `/api/v1`: everything the Keys and Accounts
//! pages do, for the customer's own backend, authenticated by management
//! tokens (`Authorization: Bearer khm_...`). A thin door: each handler
//! parses into the domain types every door uses and calls one store method.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod body;
pub mod deliveries;
pub mod door;
pub mod keys;
pub mod problem;
pub mod query;

use crate::state::AppState;
use axum::{
    middleware,
    routing::{get, post, put},
    Router,
};
use door::Door;

/// Every management route, behind the token check.
pub fn routes(state: &AppState) -> Router<AppState> {
    let door = Door::new(state);
    Router::new()
        .route("/api/v1/keys", get(keys::list).post(keys::create))
        .route("/api/v1/keys/{id}", get(keys::get).patch(keys::patch).delete(keys::delete))
        .route("/api/v1/keys/{id}/block", post(keys::block))
        .route("/api/v1/keys/{id}/unblock", post(keys::unblock))
        .route("/api/v1/keys/{id}/roll", post(keys::roll))
        .route("/api/v1/keys/{id}/token", get(keys::token))
        .route("/api/v1/keys/{id}/avatar", put(keys::put_avatar).delete(keys::delete_avatar))
        .route("/api/v1/keys/{id}/deliveries", get(deliveries::list))
        .route("/api/v1/keys/{id}/deliveries/test", post(deliveries::send_test))
        .route("/api/v1/accounts", get(accounts::list).post(accounts::create))
        .route("/api/v1/accounts/{id}", axum::routing::patch(accounts::rename).delete(accounts::delete))
        .route("/api/v1/audit", get(audit::list))
        .route_layer(middleware::from_fn_with_state(door.clone(), auth::authenticate))
        .with_state(door)
}
