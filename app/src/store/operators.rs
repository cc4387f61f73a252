//! Operators: created, disabled, enabled and given passwords from the
//! shell, signing in on the web.

use crate::{
    domain::{
        actor::Actor,
        operator::{Email, Operator},
    },
    error::AppError,
};
use chrono::{DateTime, Utc};

/// An operator as `keyhold operator list` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorListing {
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
pub trait OperatorStore: Send + Sync + 'static {
    /// Whether any operator exists (the sign-in page explains how to create
    /// the first one when none does).
    async fn any_operator(&self) -> Result<bool, AppError>;
    /// The enabled operator with this email (ignoring case) and their
    /// password hash.
    async fn operator_for_sign_in(&self, email: &Email) -> Result<Option<(Operator, String)>, AppError>;
    /// Adds an operator with an Argon2id `password_hash`; a taken email (in
    /// any case) is `Invalid` on `email`.
    async fn create_operator(&self, actor: &Actor, email: &Email, password_hash: &str) -> Result<Operator, AppError>;
    /// Every operator, by email.
    async fn list_operators(&self) -> Result<Vec<OperatorListing>, AppError>;
    /// Disables the operator and ends their sessions, in one transaction;
    /// answers how many sessions ended. `NotFound` for an unknown email.
    async fn disable_operator(&self, actor: &Actor, email: &Email) -> Result<u64, AppError>;
    /// Replaces the operator's password with an Argon2id `password_hash`
    /// and ends all their sessions, in one transaction (audited); answers
    /// how many sessions ended. `NotFound` for an unknown email.
    async fn set_operator_password(&self, actor: &Actor, email: &Email, password_hash: &str) -> Result<u64, AppError>;
    /// Lets a disabled operator sign in again (audited); answers whether
    /// they were disabled. `NotFound` for an unknown email.
    async fn enable_operator(&self, actor: &Actor, email: &Email) -> Result<bool, AppError>;
}
