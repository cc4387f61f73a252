use crate::{error::AppError, model::AccountUsage};
use leptos::prelude::*;

/// Creates an account; its name must be unique ignoring case.
#[server(prefix = "/rpc", endpoint = "create_account")]
pub async fn create_account(name: String) -> Result<AccountUsage, AppError> {
    use crate::store::{with_status, Services};
    with_status(
        async {
            let services = Services::current()?;
            let name = super::parse_name(&name)?;
            services.store.create_account(&crate::auth::Actor::current()?, &name).await
        }
        .await,
    )
}
