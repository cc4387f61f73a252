use crate::error::AppError;
use leptos::prelude::*;

/// The one message for a wrong email and a wrong password alike, so the
/// page does not reveal which emails belong to operators.
pub const WRONG_CREDENTIALS: &str = "Email or password is incorrect.";

/// Signs an operator in and sends the browser on to `next` (a path on this
/// site; anything else goes to the Keys page).
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::{
        domain::{
            actor::Actor,
            audit::AuditAction,
            operator::{safe_next, Operator, SESSION_OPERATOR},
            password,
            sign_in_throttle::too_many,
        },
        services::{client_address, with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let address = client_address();
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
                    let actor = Actor::SignInAttempt { email: email.trim().to_owned(), operator_id: operator.map(|o| o.id), address };
                    services.store.record_session_event(&actor, AuditAction::SignInFailed, serde_json::json!({})).await?;
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
            services.store.record_session_event(&Actor::operator(&operator, address), AuditAction::SignedIn, serde_json::json!({})).await?;
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
