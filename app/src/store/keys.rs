//! Keys: listed, created, changed ([`KeyChange`]) and their tokens copied.

use crate::{
    domain::{
        actor::Actor,
        avatar::Avatar,
        key::ApiKey,
        key_change::{CreatedOnce, Idempotency, KeyChange, NewKey},
        key_query::{KeyPage, KeyQuery},
        vault::SealedToken,
    },
    error::AppError,
};
use uuid::Uuid;

#[async_trait::async_trait]
pub trait KeyStore: Send + Sync + 'static {
    /// One page of the keys matching `query.filter`, in `query.sort` order,
    /// from `query.position`, with links to the pages before and after it
    /// and the total for the filter. The one list query: the Keys page and
    /// the management API both use it. A cursor survives keys being added
    /// and removed: walking the pages never shows a key twice or skips one
    /// that was there all along.
    async fn list_keys(&self, query: &KeyQuery) -> Result<KeyPage, AppError>;
    /// One key; `NotFound` if it does not exist.
    async fn key(&self, id: Uuid) -> Result<ApiKey, AppError>;
    /// The key's uploaded avatar, if it has one.
    async fn avatar(&self, id: Uuid) -> Result<Option<Avatar>, AppError>;
    /// Creates a key (audited, `key.created` sent). A name taken in any
    /// case, or an account that does not exist, is `Invalid` on its field.
    async fn create_key(&self, actor: &Actor, key: &NewKey) -> Result<ApiKey, AppError>;
    /// [`create_key`](KeyStore::create_key), at most once per `once.scope`
    /// and `once.key` within the idempotency window: a repeat with the same
    /// fingerprint (even one running at the same time) answers with the
    /// first key, one with another fingerprint is `Invalid` on
    /// `idempotencyKey`; `NotFound` if the first key was deleted since.
    async fn create_key_once(&self, actor: &Actor, key: &NewKey, once: &Idempotency) -> Result<CreatedOnce, AppError>;
    /// Changes a key in one transaction with its audit row, its webhook
    /// event and a new version; answers with the key afterwards (for a
    /// delete, as it was). `NotFound` when the key is gone, `Conflict` when
    /// it is not at the expected version (or already blocked, or not
    /// blocked), `Invalid` on a field for a modify that breaks a rule only
    /// the store can check.
    async fn change_key(&self, actor: &Actor, id: Uuid, change: &KeyChange) -> Result<ApiKey, AppError>;
    /// The sealed token for "Copy token"; records the copy in the audit log.
    async fn copy_token(&self, actor: &Actor, id: Uuid) -> Result<SealedToken, AppError>;
}
