use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Gives a key a new token and returns it, once. The old token keeps
/// verifying for the chosen grace period (`none`, `1h`, `24h`, `7d`).
#[server(prefix = "/rpc", endpoint = "roll_token")]
pub async fn roll_token(id: Uuid, grace: String) -> Result<String, AppError> {
    use crate::{
        domain::{grace::GracePeriod, token::Token},
        store::{with_status, Services},
    };
    with_status(
        async {
            let services = Services::current()?;
            let actor = crate::auth::Actor::current()?;
            let grace = GracePeriod::parse(&grace).map_err(|m| AppError::invalid("grace", m))?;
            let token = Token::generate();
            services.store.roll_token(&actor, id, &services.vault.seal(&token), grace.duration()).await?;
            Ok(token.expose().to_owned())
        }
        .await,
    )
}
