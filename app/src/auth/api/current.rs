use crate::{domain::operator::Operator, error::AppError};
use leptos::prelude::*;

/// The signed-in operator, for the page header.
#[server(prefix = "/rpc", endpoint = "current_operator")]
pub async fn current_operator() -> Result<Operator, AppError> {
    use crate::services::{current_actor, with_status};
    with_status(current_actor().and_then(|actor| actor.signed_in_operator().ok_or(AppError::Unauthorized)))
}
