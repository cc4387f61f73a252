use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Deletes a key for good.
#[server(prefix = "/rpc", endpoint = "delete_key")]
pub async fn delete_key(id: Uuid) -> Result<(), AppError> {
    use crate::store::{with_status, Services};
    with_status(async { Services::current()?.store.delete_key(&crate::auth::Actor::current()?, id).await }.await)
}
