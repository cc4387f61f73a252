use crate::{domain::key::ApiKey, error::AppError};
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

/// Creates a key from the "New API Key" form (multipart, for the avatar).
#[server(prefix = "/rpc", endpoint = "create_key", input = MultipartFormData)]
pub async fn create_key(data: MultipartData) -> Result<ApiKey, AppError> {
    use super::form::KeyForm;
    use crate::{
        domain::{key_change::NewKey, token::Token},
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let form = KeyForm::read(data).await?;
            let (draft, avatar) = form.validate(&services.settings.webhook_policy).await?;
            let token = services.vault.seal(&Token::generate());
            services.store.create_key(&actor, &NewKey { draft, avatar, token }).await
        }
        .await,
    )
}
