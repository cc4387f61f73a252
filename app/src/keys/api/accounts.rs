use crate::{error::AppError, model::Account};
use leptos::prelude::*;

/// Every account, by name; the key dialogs offer them as checkboxes.
#[server(prefix = "/rpc", endpoint = "list_accounts")]
pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
    use crate::store::{with_status, Services};
    with_status(
        async {
            crate::auth::Actor::current()?;
            Services::current()?.store.list_accounts().await
        }
        .await,
    )
}
