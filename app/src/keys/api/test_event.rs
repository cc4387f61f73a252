use crate::{domain::delivery::Delivery, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

/// Queues a `key.test` event for the key's webhook.
#[server(prefix = "/rpc", endpoint = "send_test_event")]
pub async fn send_test_event(key_id: Uuid) -> Result<Delivery, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(async { Services::current()?.store.send_test_event(&current_actor()?, key_id).await }.await)
}
