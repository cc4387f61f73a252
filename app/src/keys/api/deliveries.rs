use crate::{error::AppError, webhooks::Delivery};
use leptos::prelude::*;
use uuid::Uuid;

/// The key's webhook deliveries, newest first (the latest 100).
#[server(prefix = "/rpc", endpoint = "list_deliveries")]
pub async fn list_deliveries(key_id: Uuid) -> Result<Vec<Delivery>, AppError> {
    use crate::{
        store::{with_status, Services},
        webhooks::DELIVERIES_LIMIT,
    };
    with_status(async { Services::current()?.webhooks.deliveries(key_id, DELIVERIES_LIMIT).await }.await)
}
