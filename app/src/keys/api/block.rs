use crate::{error::AppError, model::ApiKey};
use leptos::prelude::*;
use uuid::Uuid;

/// Blocks a key: it stops verifying at once.
#[server(prefix = "/rpc", endpoint = "block_key")]
pub async fn block_key(id: Uuid) -> Result<ApiKey, AppError> {
    use crate::{
        auth::Actor,
        store::{with_status, Services},
    };
    with_status(async { Services::current()?.store.set_blocked(&Actor::current()?, id, true).await }.await)
}

/// Unblocks a key.
#[server(prefix = "/rpc", endpoint = "unblock_key")]
pub async fn unblock_key(id: Uuid) -> Result<ApiKey, AppError> {
    use crate::{
        auth::Actor,
        store::{with_status, Services},
    };
    with_status(async { Services::current()?.store.set_blocked(&Actor::current()?, id, false).await }.await)
}
