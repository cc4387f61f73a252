use crate::{domain::account::AccountUsage, error::AppError};
use leptos::prelude::*;
use uuid::Uuid;

/// Deletes an account and takes it from every key that granted it; answers
/// with the account as it was (`key_count`: the keys that lost it).
#[server(prefix = "/rpc", endpoint = "delete_account")]
pub async fn delete_account(id: Uuid) -> Result<AccountUsage, AppError> {
    use crate::services::{current_actor, with_status, Services};
    with_status(async { Services::current()?.store.delete_account(&current_actor()?, id).await }.await)
}
