//! Webhooks as the Keys page sees them: event types, deliveries, and (on
//! the server) the storage trait. Sending lives in the server crate
//! (`server/src/webhooks/`).

pub mod model;
#[cfg(feature = "ssr")]
pub mod store;

pub use model::*;
