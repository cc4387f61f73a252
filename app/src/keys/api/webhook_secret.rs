use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The key's webhook signing secret (`whsec_...`), for the Modify dialog's
/// copy button. A key made before webhooks existed gets one now. Sent only
/// in the body of this POST, never logged.
#[server(prefix = "/rpc", endpoint = "webhook_secret")]
pub async fn webhook_secret(key_id: Uuid) -> Result<String, AppError> {
    use crate::store::{with_status, Services};
    with_status(
        async {
            let services = Services::current()?;
            let actor = crate::auth::Actor::current()?;
            let secret = current_secret(&services, key_id).await?;
            services.webhooks.record_secret_copied(&actor, key_id).await?;
            Ok(secret.expose())
        }
        .await,
    )
}

/// The key's secret, created (and stored) if it has none yet.
#[cfg(feature = "ssr")]
pub async fn current_secret(
    services: &crate::store::Services,
    key_id: Uuid,
) -> Result<crate::domain::webhook_secret::WebhookSecret, AppError> {
    use crate::domain::webhook_secret::WebhookSecret;
    let sealed = match services.webhooks.webhook_secret(key_id).await? {
        Some(sealed) => sealed,
        None => {
            let fresh = WebhookSecret::generate().seal(&services.vault, key_id);
            services.webhooks.init_webhook_secret(key_id, &fresh).await?
        }
    };
    WebhookSecret::open(&services.vault, &sealed, key_id).map_err(|err| {
        tracing::error!(key = %key_id, %err, "cannot open a stored webhook secret");
        AppError::Internal
    })
}
