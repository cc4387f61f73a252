use crate::{error::AppError, webhooks::Delivery};
use leptos::prelude::*;
use uuid::Uuid;

/// Queues a `key.test` event for the key's webhook.
#[server(prefix = "/rpc", endpoint = "send_test_event")]
pub async fn send_test_event(key_id: Uuid) -> Result<Delivery, AppError> {
    use crate::store::{with_status, Services};
    with_status(async { Services::current()?.webhooks.send_test_event(&crate::auth::Actor::current()?, key_id).await }.await)
}
