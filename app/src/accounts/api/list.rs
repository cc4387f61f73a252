use crate::{domain::account::AccountUsage, error::AppError};
use leptos::prelude::*;

/// Every account with how many keys grant it, by name ignoring case.
#[server(prefix = "/rpc", endpoint = "list_account_usage")]
pub async fn list_account_usage() -> Result<Vec<AccountUsage>, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(
        async {
            current_actor()?;
            Services::current()?.store.account_usage().await
        }
        .await,
    )
}
