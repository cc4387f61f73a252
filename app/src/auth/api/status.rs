use crate::error::AppError;
use leptos::prelude::*;

/// Whether any operator exists yet; the sign-in page explains how to create
/// the first one when none does.
#[server(prefix = "/rpc", endpoint = "sign_in_status")]
pub async fn sign_in_status() -> Result<bool, AppError> {
    use crate::services::{with_status, Services};
    with_status(async { Services::current()?.store.any_operator().await }.await)
}
