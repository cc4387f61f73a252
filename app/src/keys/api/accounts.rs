use crate::{domain::key::Account, error::AppError};
use leptos::prelude::*;

/// Every account, by name; the key dialogs offer them as checkboxes.
#[server(prefix = "/rpc", endpoint = "list_accounts")]
pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(
        async {
            current_actor()?;
            Services::current()?.store.list_accounts().await
        }
        .await,
    )
}
