//! Management tokens, as the Tokens page and `keyhold token ...` manage
//! them and the management API checks them.

use crate::{
    domain::{
        actor::Actor,
        management_token::{ManagementTokenListing, NewManagementToken, PresentedToken},
    },
    error::AppError,
};
use uuid::Uuid;

#[async_trait::async_trait]
pub trait ManagementTokenStore: Send + Sync + 'static {
    /// Stores the token's hash (audited). A name an unrevoked token has, in
    /// any case, is `Invalid` on `name`.
    async fn create_management_token(&self, actor: &Actor, new: &NewManagementToken) -> Result<ManagementTokenListing, AppError>;
    /// Every token that is not revoked, newest first.
    async fn list_management_tokens(&self) -> Result<Vec<ManagementTokenListing>, AppError>;
    /// Revokes the token (audited); it stops working at once on every
    /// server. `NotFound` when it does not exist or is revoked already.
    async fn revoke_management_token(&self, actor: &Actor, id: Uuid) -> Result<ManagementTokenListing, AppError>;
    /// The token whose SHA-256 is `hash`, revoked or not, if any.
    async fn management_token_by_hash(&self, hash: &[u8]) -> Result<Option<PresentedToken>, AppError>;
    /// Records that the token was used now (written at most every
    /// [`LAST_USED_EVERY`](crate::domain::management_token::LAST_USED_EVERY)).
    async fn record_management_token_use(&self, id: Uuid) -> Result<(), AppError>;
}
