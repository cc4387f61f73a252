//! How the Keys page's one-click server functions change a key: as the
//! signed-in operator, through the store's [`KeyStore::change_key`].

use crate::{
    domain::{
        key::ApiKey,
        key_change::{KeyChange, KeyOperation},
    },
    error::AppError,
    services::{current_actor, with_status, Services},
};
use uuid::Uuid;

/// Applies `operation` to the key `id`, whatever its version; the answer
/// carries the right status.
pub async fn apply(id: Uuid, operation: KeyOperation) -> Result<ApiKey, AppError> {
    with_status(async { Services::current()?.store.change_key(&current_actor()?, id, &KeyChange::new(operation)).await }.await)
}
