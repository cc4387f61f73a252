use crate::{domain::delivery::Delivery, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

/// Queues a copy of a delivery as a new delivery (with a new `webhook-id`).
#[server(prefix = "/rpc", endpoint = "resend_delivery")]
pub async fn resend_delivery(delivery_id: Uuid) -> Result<Delivery, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(async { Services::current()?.store.resend_delivery(&current_actor()?, delivery_id).await }.await)
}
