use crate::{domain::key_query::KeyPage, error::AppError};
use leptos::prelude::*;

/// One page of keys, as the Keys page's URL asks for it (see
/// [`ListParams`](crate::domain::key_query::ListParams)): every parameter
/// may be left out.
#[server(prefix = "/rpc", endpoint = "list_keys")]
pub async fn list_keys(
    #[server(default)] q: String,
    #[server(default)] status: String,
    #[server(default)] account: String,
    #[server(default)] sort: String,
    #[server(default)] after: String,
    #[server(default)] before: String,
) -> Result<KeyPage, AppError> {
    use crate::{
        domain::key_query::{ListParams, PAGE_SIZE},
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            current_actor()?;
            let query = ListParams { q, status, account, sort, after, before }.parse(PAGE_SIZE)?;
            services.store.list_keys(&query).await
        }
        .await,
    )
}
