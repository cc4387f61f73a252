use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Gives a key a new token and returns it, once. The old token keeps
/// verifying for the chosen grace period (`none`, `1h`, `24h`, `7d`).
#[server(prefix = "/rpc", endpoint = "roll_token")]
pub async fn roll_token(id: Uuid, grace: String) -> Result<String, AppError> {
    use crate::{
        domain::{grace::GracePeriod, key_change::KeyOperation, token::Token},
        services::{with_status, Services},
    };
    let services = with_status(Services::current())?;
    let grace = with_status(GracePeriod::parse(&grace).map_err(|m| AppError::invalid("grace", m)))?;
    let token = Token::generate();
    super::change::apply(id, KeyOperation::Roll { token: services.vault.seal(&token), grace: grace.duration() }).await?;
    Ok(token.expose().to_owned())
}
