use crate::{error::AppError, model::AccountUsage};
use leptos::prelude::*;
use uuid::Uuid;

/// Renames an account; `NotFound` if it was deleted meanwhile.
#[server(prefix = "/rpc", endpoint = "rename_account")]
pub async fn rename_account(id: Uuid, name: String) -> Result<AccountUsage, AppError> {
    use crate::store::{with_status, Services};
    with_status(
        async {
            let services = Services::current()?;
            let name = super::parse_name(&name)?;
            services.store.rename_account(&crate::auth::Actor::current()?, id, &name).await
        }
        .await,
    )
}
