use crate::{domain::account::AccountUsage, error::AppError};
use leptos::prelude::*;

/// Creates an account; its name must be unique ignoring case.
#[server(prefix = "/rpc", endpoint = "create_account")]
pub async fn create_account(name: String) -> Result<AccountUsage, AppError> {
    use crate::{
        domain::names::AccountName,
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let name = AccountName::parse(&name).map_err(|m| AppError::invalid("name", m))?;
            services.store.create_account(&actor, &name).await
        }
        .await,
    )
}
