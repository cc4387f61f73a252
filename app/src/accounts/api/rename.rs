use crate::{domain::account::AccountUsage, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

/// Renames an account; `NotFound` if it was deleted meanwhile.
#[server(prefix = "/rpc", endpoint = "rename_account")]
pub async fn rename_account(id: Uuid, name: String) -> Result<AccountUsage, AppError> {
    use crate::{
        domain::names::AccountName,
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let name = AccountName::parse(&name).map_err(|m| AppError::invalid("name", m))?;
            services.store.rename_account(&actor, id, &name).await
        }
        .await,
    )
}
