use crate::error::AppError;
use leptos::prelude::*;

/// Creates a management token from the "New management token" dialog and
/// returns it, once: only its hash is stored.
#[server(prefix = "/rpc", endpoint = "create_management_token")]
pub async fn create_management_token(name: String, access: String, expires: String) -> Result<String, AppError> {
    use crate::{
        domain::management_token::{NewManagementToken, TokenInput},
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let input = TokenInput { name, access, expires };
            let (new, token) = NewManagementToken::parse(&input, chrono::Utc::now().date_naive()).map_err(AppError::Invalid)?;
            services.store.create_management_token(&actor, &new).await?;
            Ok(token.expose().to_owned())
        }
        .await,
    )
}
