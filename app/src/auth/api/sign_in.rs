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
            operator::{safe_next, Email, MAX_PASSWORD_CHARS, SESSION_OPERATOR, SESSION_SIGNED_IN_AT},
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
            // Only a well-formed email reaches the throttle, the database or the audit log.
            let email = Email::parse(&email).map_err(|message| AppError::invalid("email", message))?;
            services.throttle.attempt(address, email.key()).map_err(|wait| AppError::TooManyRequests(too_many(wait)))?;
            // No operator has a password this long: no need to hash it to say so.
            let found = match password.chars().count() > MAX_PASSWORD_CHARS {
                true => None,
                false => services.store.operator_for_sign_in(&email).await?,
            };
            let (operator, phc) = found.map_or((None, None), |(operator, phc)| (Some(operator), Some(phc)));
            // At most one Argon2 check per core at once; a dummy one for unknown emails.
            let matched = services
                .password_checks
                .verify(phc, password)
                .await
                .map_err(|_| AppError::TooManyRequests(too_many(std::time::Duration::from_secs(1))))?;
            let operator = match (operator, matched) {
                (Some(operator), true) => operator,
                (operator, _) => {
                    services.throttle.failed(email.key());
                    let actor = Actor::SignInAttempt {
                        email: email.as_str().to_owned(),
                        operator_id: operator.map(|o| o.id),
                        address: address.map(|a| a.to_string()),
                    };
                    services.store.record_session_event(&actor, AuditAction::SignInFailed, serde_json::json!({})).await?;
                    return Err(AppError::invalid("credentials", WRONG_CREDENTIALS));
                }
            };
            services.throttle.succeeded(email.key());
            let session = leptos_axum::extract::<tower_sessions::Session>().await.map_err(|_| {
                tracing::error!("sign_in called without the session layer");
                AppError::Internal
            })?;
            // A new id at sign-in, so a session id planted before it is useless.
            session.cycle_id().await.map_err(session_error)?;
            session.insert(SESSION_OPERATOR, &operator).await.map_err(session_error)?;
            // The session's absolute lifetime counts from here.
            session.insert(SESSION_SIGNED_IN_AT, chrono::Utc::now().timestamp()).await.map_err(session_error)?;
            let actor = Actor::operator(&operator, address.map(|a| a.to_string()));
            services.store.record_session_event(&actor, AuditAction::SignedIn, serde_json::json!({})).await?;
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
