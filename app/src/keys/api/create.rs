use crate::{error::AppError, model::ApiKey};
use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

/// Creates a key from the "New API Key" form (multipart, for the avatar).
#[server(prefix = "/rpc", endpoint = "create_key", input = MultipartFormData)]
pub async fn create_key(data: MultipartData) -> Result<ApiKey, AppError> {
    use super::form::KeyForm;
    use crate::{
        domain::token::Token,
        store::{with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = crate::auth::Actor::current()?;
            let form = KeyForm::read(data).await?;
            let (draft, avatar) = form.validate(services.allow_private_webhooks).await?;
            let token = Token::generate();
            let sealed = services.vault.seal(&token);
            services.store.create_key(&actor, &draft, avatar.as_ref(), &sealed).await
        }
        .await,
    )
}
