use crate::{domain::key::ApiKey, error::AppError};
use leptos::prelude::*;

/// Keys whose name contains `q` (ignoring case), newest first.
#[server(prefix = "/rpc", endpoint = "list_keys")]
pub async fn list_keys(q: String) -> Result<Vec<ApiKey>, AppError> {
    use crate::{
        domain::{key::LIST_LIMIT, names::MAX_LEN},
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            current_actor()?;
            // A search longer than any name cannot match; skip the query.
            if q.trim().chars().count() > MAX_LEN {
                return Ok(Vec::new());
            }
            services.store.list_keys(q.trim(), LIST_LIMIT).await
        }
        .await,
    )
}
