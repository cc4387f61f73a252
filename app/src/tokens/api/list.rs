use crate::{domain::management_token::ManagementTokenListing, error::AppError};
use leptos::prelude::*;

/// Every management token that is not revoked, newest first.
#[server(prefix = "/rpc", endpoint = "list_management_tokens")]
pub async fn list_management_tokens() -> Result<Vec<ManagementTokenListing>, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(
        async {
            current_actor()?;
            Services::current()?.store.list_management_tokens().await
        }
        .await,
    )
}
