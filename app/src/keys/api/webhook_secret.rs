use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The key's webhook signing secret (`whsec_...`), for the Modify dialog's
/// copy button. A key made before webhooks existed gets one now. Sent only
/// in the body of this POST, never logged.
#[server(prefix = "/rpc", endpoint = "webhook_secret")]
pub async fn webhook_secret(key_id: Uuid) -> Result<String, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(
        async {
            let services = Services::current()?;
            // Audited (and refused for a key that is gone) before the secret is read.
            services.store.record_secret_copied(&current_actor()?, key_id).await?;
            let mut secrets = services.store.signing_secrets(&services.vault, &[key_id]).await?;
            // Missing only when it does not open with this master key (logged).
            let secret = secrets.remove(&key_id).ok_or(AppError::Internal)?;
            Ok(secret.expose())
        }
        .await,
    )
}
