use crate::{auth::Operator, error::AppError};
use leptos::prelude::*;

/// The signed-in operator, for the page header.
#[server(prefix = "/rpc", endpoint = "current_operator")]
pub async fn current_operator() -> Result<Operator, AppError> {
    use crate::{auth::Actor, store::with_status};
    with_status(
        async {
            let actor = Actor::current()?;
            match (actor.operator_id, actor.operator_email) {
                (Some(id), Some(email)) => Ok(Operator { id, email }),
                _ => Err(AppError::Unauthorized),
            }
        }
        .await,
    )
}
