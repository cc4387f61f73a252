use crate::{error::AppError, webhooks::Delivery};
use leptos::prelude::*;
use uuid::Uuid;

/// Queues a copy of a delivery as a new delivery (with a new `webhook-id`).
#[server(prefix = "/rpc", endpoint = "resend_delivery")]
pub async fn resend_delivery(delivery_id: Uuid) -> Result<Delivery, AppError> {
    use crate::store::{with_status, Services};
    with_status(async { Services::current()?.webhooks.resend_delivery(&crate::auth::Actor::current()?, delivery_id).await }.await)
}
