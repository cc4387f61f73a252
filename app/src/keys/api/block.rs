use crate::{domain::key::ApiKey, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

/// Blocks a key: it stops verifying at once.
#[server(prefix = "/rpc", endpoint = "block_key")]
pub async fn block_key(id: Uuid) -> Result<ApiKey, AppError> {
    use crate::domain::key_change::KeyOperation;
    super::change::apply(id, KeyOperation::Block).await
}

/// Unblocks a key.
#[server(prefix = "/rpc", endpoint = "unblock_key")]
pub async fn unblock_key(id: Uuid) -> Result<ApiKey, AppError> {
    use crate::domain::key_change::KeyOperation;
    super::change::apply(id, KeyOperation::Unblock).await
}
