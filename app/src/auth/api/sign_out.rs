use crate::error::AppError;
use leptos::prelude::*;

/// Ends the operator's session and sends the browser to the sign-in page.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::{
        domain::audit::AuditAction,
        services::{current_actor, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = current_actor()?;
            let session = leptos_axum::extract::<tower_sessions::Session>().await.map_err(|_| AppError::Internal)?;
            services.store.record_session_event(&actor, AuditAction::SignedOut, serde_json::json!({})).await?;
            session.flush().await.map_err(|err| {
                tracing::error!(%err, "session store error");
                AppError::Internal
            })?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}
