use crate::{error::AppError, model::AccountUsage};
use leptos::prelude::*;

/// Every account with how many keys grant it, by name ignoring case.
#[server(prefix = "/rpc", endpoint = "list_account_usage")]
pub async fn list_account_usage() -> Result<Vec<AccountUsage>, AppError> {
    use crate::store::{with_status, Services};
    with_status(
        async {
            crate::auth::Actor::current()?;
            Services::current()?.store.account_usage().await
        }
        .await,
    )
}
