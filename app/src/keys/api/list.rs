use crate::{error::AppError, model::ApiKey};
use leptos::prelude::*;

/// Keys whose name contains `q` (ignoring case), newest first.
#[server(prefix = "/rpc", endpoint = "list_keys")]
pub async fn list_keys(q: String) -> Result<Vec<ApiKey>, AppError> {
    use crate::{
        model::LIST_LIMIT,
        store::{with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            crate::auth::Actor::current()?;
            // A search longer than any name cannot match; skip the query.
            if q.trim().chars().count() > crate::domain::key_name::MAX_LEN {
                return Ok(Vec::new());
            }
            services.store.list_keys(q.trim(), LIST_LIMIT).await
        }
        .await,
    )
}
