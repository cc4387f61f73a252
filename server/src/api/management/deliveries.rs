//! `/api/v1/keys/{id}/deliveries...`: a key's webhook deliveries, as the
//! Deliveries dialog shows them, and its "Send test event".

use super::{
    auth::Caller,
    door::Door,
    keys::{key_id, no_such_key},
    problem::Problem,
};
use app::{
    domain::delivery::{Delivery, DeliveryState, DELIVERIES_LIMIT},
    error::AppError,
    store::WebhookStore,
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Extension, Json,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Sending,
    Delivered,
    Failed,
}

/// One event on its way to the key's webhook URL.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryBody {
    /// Also the `webhook-id` header, the same on every retry.
    pub id: Uuid,
    pub key_id: Uuid,
    /// The event, such as `key.created`.
    #[schema(example = "key.created")]
    pub event: String,
    pub url: String,
    pub state: DeliveryStatus,
    pub attempts: i32,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Delivery> for DeliveryBody {
    fn from(d: Delivery) -> Self {
        DeliveryBody {
            id: d.id,
            key_id: d.key_id,
            event: d.event_type.as_str().into(),
            url: d.url,
            state: match d.state {
                DeliveryState::Pending => DeliveryStatus::Pending,
                DeliveryState::Sending => DeliveryStatus::Sending,
                DeliveryState::Delivered => DeliveryStatus::Delivered,
                DeliveryState::Failed => DeliveryStatus::Failed,
            },
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            last_attempt_at: d.last_attempt_at,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
        }
    }
}

/// The key's latest 100 deliveries, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryBody>,
}

fn problem(err: AppError) -> Problem {
    match err {
        AppError::NotFound(_) => no_such_key(),
        other => other.into(),
    }
}

/// List a key's webhook deliveries.
#[utoipa::path(
    get,
    path = "/api/v1/keys/{id}/deliveries",
    operation_id = "listDeliveries",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 200, description = "The latest 100 deliveries, newest first", body = DeliveryList),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn list(State(door): State<Door>, Path(id): Path<String>) -> Result<Json<DeliveryList>, Problem> {
    let deliveries = door.state.store.deliveries(key_id(&id)?, DELIVERIES_LIMIT).await.map_err(problem)?;
    Ok(Json(DeliveryList { items: deliveries.into_iter().map(DeliveryBody::from).collect() }))
}

/// Queue a `key.test` event for the key's webhook.
#[utoipa::path(
    post,
    path = "/api/v1/keys/{id}/deliveries/test",
    operation_id = "sendTestDelivery",
    tag = "management",
    params(("id" = Uuid, Path, description = "The id")),
    security(("managementToken" = [])),
    responses(
        (status = 202, description = "A `key.test` delivery was queued", body = DeliveryBody),
        (status = 400, description = "The body is not JSON of the documented shape, a header is malformed, or the path is not valid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No management token, or one that is unknown, revoked or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only token asked for a change", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key or account", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the token's rate limit (`KEYHOLD_MANAGEMENT_RATE_LIMIT` a second)", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn send_test(
    State(door): State<Door>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let delivery = door.state.store.send_test_event(&caller.actor, key_id(&id)?).await.map_err(problem)?;
    Ok((StatusCode::ACCEPTED, Json(DeliveryBody::from(delivery))).into_response())
}
