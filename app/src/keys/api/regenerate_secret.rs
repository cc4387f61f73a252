use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Gives the key a new webhook signing secret and returns it. The old one
/// stops signing at once, retries of pending deliveries included.
#[server(prefix = "/rpc", endpoint = "regenerate_webhook_secret")]
pub async fn regenerate_webhook_secret(key_id: Uuid) -> Result<String, AppError> {
    use crate::{
        domain::webhook_secret::WebhookSecret,
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let secret = WebhookSecret::generate();
            services.store.replace_webhook_secret(&actor, key_id, &secret.seal(&services.vault, key_id)).await?;
            Ok(secret.expose())
        }
        .await,
    )
}
