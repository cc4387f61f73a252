use crate::error::AppError;
use leptos::prelude::*;

/// Signs an operator in and sends the browser on to `next` (a path on this
/// site; anything else goes to the Keys page).
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::WRONG_CREDENTIALS;
    use crate::{
        auth::{throttle::too_many, Actor, Operator, SESSION_OPERATOR},
        domain::{operator::safe_next, password},
        store::{with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let address = Actor::current_address();
            if email.trim().is_empty() || password.is_empty() {
                return Err(AppError::invalid("credentials", "Enter your email and password."));
            }
            services
                .throttle
                .attempt(address.as_deref().unwrap_or("unknown"), &email)
                .map_err(|wait| AppError::TooManyRequests(too_many(wait)))?;
            let found = services.store.operator_for_sign_in(email.trim()).await?;
            // Argon2 takes tens of milliseconds of CPU: off the async workers.
            let (operator, matched): (Option<Operator>, bool) = tokio::task::spawn_blocking(move || match found {
                Some((operator, phc)) => {
                    let ok = password::verify(&phc, &password);
                    (Some(operator), ok)
                }
                None => {
                    password::verify_nobody(&password);
                    (None, false)
                }
            })
            .await
            .map_err(|_| AppError::Internal)?;
            let operator = match (operator, matched) {
                (Some(operator), true) => operator,
                (operator, _) => {
                    let actor = Actor { operator_id: operator.map(|o| o.id), operator_email: Some(email.trim().to_owned()), address };
                    services.store.record_session_event(&actor, "operator.sign_in_failed", serde_json::json!({})).await?;
                    return Err(AppError::invalid("credentials", WRONG_CREDENTIALS));
                }
            };
            let session = leptos_axum::extract::<tower_sessions::Session>().await.map_err(|_| {
                tracing::error!("sign_in called without the session layer");
                AppError::Internal
            })?;
            // A new id at sign-in, so a session id planted before it is useless.
            session.cycle_id().await.map_err(session_error)?;
            session.insert(SESSION_OPERATOR, &operator).await.map_err(session_error)?;
            services.store.record_session_event(&Actor::operator(&operator, address), "operator.signed_in", serde_json::json!({})).await?;
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(%err, "session store error");
    AppError::Internal
}
