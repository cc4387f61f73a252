use crate::{domain::delivery::Delivery, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

/// The key's webhook deliveries, newest first (the latest 100).
#[server(prefix = "/rpc", endpoint = "list_deliveries")]
pub async fn list_deliveries(key_id: Uuid) -> Result<Vec<Delivery>, AppError> {
    use crate::{
        domain::delivery::DELIVERIES_LIMIT,
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            current_actor()?;
            Services::current()?.store.deliveries(key_id, DELIVERIES_LIMIT).await
        }
        .await,
    )
}
