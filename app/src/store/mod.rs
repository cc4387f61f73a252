//! The storage layer's interface: what the doors (server functions, the
//! shell commands, the JSON API, the workers) may ask of storage, one trait
//! per area. The Postgres implementation is `server/src/db/` (`PgStore`);
//! server functions reach it through [`crate::services::Services`].
//!
//! Every method that writes takes the [`Actor`](crate::domain::actor::Actor)
//! and is one transaction holding the change, its audit row and (for a key)
//! its webhook event.

mod accounts;
mod audit;
mod keys;
mod operators;
mod outbox;
mod tokens;
mod verify;
mod webhooks;

pub use accounts::AccountStore;
pub use audit::AuditStore;
pub use keys::KeyStore;
pub use operators::{OperatorListing, OperatorStore};
pub use outbox::{Claimed, Outbox};
pub use tokens::ManagementTokenStore;
pub use verify::VerifyStore;
pub use webhooks::WebhookStore;

/// All of storage, as one object.
pub trait Store: KeyStore + AccountStore + OperatorStore + AuditStore + WebhookStore + Outbox + VerifyStore + ManagementTokenStore {}

impl<T: KeyStore + AccountStore + OperatorStore + AuditStore + WebhookStore + Outbox + VerifyStore + ManagementTokenStore> Store for T {}
