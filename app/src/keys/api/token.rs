use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// The key's token, decrypted for "Copy token". Sent only in the response
/// body of this POST, never in a URL or a log line.
#[server(prefix = "/rpc", endpoint = "key_token")]
pub async fn key_token(id: Uuid) -> Result<String, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(
        async {
            let services = Services::current()?;
            let sealed = services.store.copy_token(&current_actor()?, id).await?;
            let token = services.vault.open(&sealed).map_err(|err| {
                tracing::error!(key = %id, %err, "cannot open a stored token");
                AppError::Internal
            })?;
            Ok(token.expose().to_owned())
        }
        .await,
    )
}
