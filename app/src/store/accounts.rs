//! Accounts, as the Accounts page and `keyhold account ...` manage them.

use crate::{
    domain::{account::AccountUsage, actor::Actor, key::Account, names::AccountName},
    error::AppError,
};
use uuid::Uuid;

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Every account, by name ignoring case.
    async fn list_accounts(&self) -> Result<Vec<Account>, AppError>;
    /// Every account with how many keys grant it, by name ignoring case.
    async fn account_usage(&self) -> Result<Vec<AccountUsage>, AppError>;
    /// Fails with `Invalid` on `name` when another account has the name in any case.
    async fn create_account(&self, actor: &Actor, name: &AccountName) -> Result<AccountUsage, AppError>;
    /// Fails with `NotFound` when the account is gone, `Invalid` on `name`
    /// when another account has the name in any case.
    async fn rename_account(&self, actor: &Actor, id: Uuid, name: &AccountName) -> Result<AccountUsage, AppError>;
    /// Removes the account from every key that granted it; answers with the
    /// account as it was, `key_count` being the keys that lost it.
    async fn delete_account(&self, actor: &Actor, id: Uuid) -> Result<AccountUsage, AppError>;
}
