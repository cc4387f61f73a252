//! What the server functions need from storage. The Postgres implementation
//! lives in the `keyhold` server crate (`server/src/db/`); server functions
//! receive it through Leptos context as part of [`Services`].

use crate::{
    auth::{Actor, Operator},
    domain::{
        avatar::Avatar,
        draft::KeyDraft,
        key_name::KeyName,
        vault::{SealedToken, TokenVault},
    },
    error::AppError,
    model::{Account, AccountUsage, ActivityEntry, ActivityKey, ApiKey},
};
use std::sync::Arc;
use uuid::Uuid;

/// What a modify does to the avatar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvatarChange {
    Keep,
    Remove,
    Replace(Avatar),
}

/// Accounts as the Accounts page manages them. A supertrait of [`KeyStore`],
/// so its methods are reachable through `Services::store`.
#[async_trait::async_trait]
pub trait AccountStore: Send + Sync + 'static {
    /// Every account with how many keys grant it, by name ignoring case.
    async fn account_usage(&self) -> Result<Vec<AccountUsage>, AppError>;
    /// Fails with `Invalid` on `name` when another account has the name in any case.
    async fn create_account(&self, actor: &Actor, name: &KeyName) -> Result<AccountUsage, AppError>;
    /// Fails with `NotFound` when the account is gone, `Invalid` on `name`
    /// when another account has the name in any case.
    async fn rename_account(&self, actor: &Actor, id: Uuid, name: &KeyName) -> Result<AccountUsage, AppError>;
    /// Removes the account from every key that granted it; answers with the
    /// account as it was, `key_count` being the keys that lost it.
    async fn delete_account(&self, actor: &Actor, id: Uuid) -> Result<AccountUsage, AppError>;
}

/// Operators signing in, and the audit log. A supertrait of [`KeyStore`].
#[async_trait::async_trait]
pub trait OperatorStore: Send + Sync + 'static {
    /// Whether any operator exists (the sign-in page explains how to create
    /// the first one when none does).
    async fn any_operator(&self) -> Result<bool, AppError>;
    /// The enabled operator with this email (ignoring case) and their
    /// password hash.
    async fn operator_for_sign_in(&self, email: &str) -> Result<Option<(Operator, String)>, AppError>;
    /// Records a sign-in, failed sign-in or sign-out (`action`).
    async fn record_session_event(&self, actor: &Actor, action: &str, details: serde_json::Value) -> Result<(), AppError>;
    /// The audit log, newest first, of one key or of everything.
    async fn activity(&self, key: Option<Uuid>, limit: i64) -> Result<Vec<ActivityEntry>, AppError>;
    /// Every key the audit log mentions, by name, for its filter.
    async fn activity_keys(&self) -> Result<Vec<ActivityKey>, AppError>;
}

#[async_trait::async_trait]
pub trait KeyStore: AccountStore + OperatorStore + Send + Sync + 'static {
    async fn list_accounts(&self) -> Result<Vec<Account>, AppError>;
    /// Keys whose name contains `search` (ignoring case), newest first.
    async fn list_keys(&self, search: &str, limit: i64) -> Result<Vec<ApiKey>, AppError>;
    async fn create_key(&self, actor: &Actor, draft: &KeyDraft, avatar: Option<&Avatar>, token: &SealedToken) -> Result<ApiKey, AppError>;
    /// Fails with `Conflict` unless the key is still at `expected_version`.
    async fn modify_key(
        &self,
        actor: &Actor,
        id: Uuid,
        expected_version: i64,
        draft: &KeyDraft,
        avatar: &AvatarChange,
    ) -> Result<ApiKey, AppError>;
    /// Fails with `Conflict` if the key already is in the wanted state.
    async fn set_blocked(&self, actor: &Actor, id: Uuid, blocked: bool) -> Result<ApiKey, AppError>;
    async fn delete_key(&self, actor: &Actor, id: Uuid) -> Result<(), AppError>;
    /// The sealed token for "Copy token"; records the copy in the audit log.
    async fn copy_token(&self, actor: &Actor, id: Uuid) -> Result<SealedToken, AppError>;
    /// Gives the key a new token; the old one keeps verifying for `grace`
    /// (if any), then is forgotten.
    async fn roll_token(&self, actor: &Actor, id: Uuid, token: &SealedToken, grace: Option<chrono::Duration>) -> Result<ApiKey, AppError>;
    async fn avatar(&self, id: Uuid) -> Result<Option<Avatar>, AppError>;
}

/// Everything a server function may use, provided once per request.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn KeyStore>,
    pub vault: Arc<TokenVault>,
    pub throttle: Arc<crate::auth::throttle::SignInThrottle>,
    /// `KEYHOLD_ALLOW_PRIVATE_WEBHOOKS`: accept webhook URLs on loopback and
    /// private networks (development only).
    pub allow_private_webhooks: bool,
    /// Webhook deliveries and signing secrets.
    pub webhooks: Arc<dyn crate::webhooks::store::WebhookStore>,
}

impl Services {
    /// The services of the current request; `Internal` when called outside
    /// a request the server set up (a wiring bug, logged).
    pub fn current() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Services>().ok_or_else(|| {
            tracing::error!("server function called without Services in context");
            AppError::Internal
        })
    }
}

/// Sets the response status for a failed server function and passes the
/// result on, so the HTTP status tells the truth (422, 404, 409, ...).
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(err.status()) {
                options.set_status(status);
            }
        }
    }
    result
}
