use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Revokes a management token: it stops working at once on every server.
#[server(prefix = "/rpc", endpoint = "revoke_management_token")]
pub async fn revoke_management_token(id: Uuid) -> Result<(), AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(async { Services::current()?.store.revoke_management_token(&current_actor()?, id).await.map(drop) }.await)
}
