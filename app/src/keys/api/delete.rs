use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Deletes a key for good.
#[server(prefix = "/rpc", endpoint = "delete_key")]
pub async fn delete_key(id: Uuid) -> Result<(), AppError> {
    use crate::domain::key_change::KeyOperation;
    super::change::apply(id, KeyOperation::Delete).await.map(drop)
}
