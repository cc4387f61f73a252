//! The bottom layer: domain types and rules in plain Rust, no database and
//! no browser. Every type here validates itself when it is built, so the
//! rest of the code can trust it. Nothing here uses the store, the server
//! functions or the pages (`scripts/check-layers` checks).

pub mod account;
pub mod activity;
pub mod actor;
pub mod address;
pub mod audit;
pub mod avatar;
pub mod delivery;
pub mod draft;
pub mod expiry;
pub mod grace;
pub mod key;
pub mod key_query;
pub mod key_status;
pub mod management_token;
pub mod names;
pub mod operator;
pub mod relative_time;
pub mod token;
pub mod wait;
pub mod webhook_event;
pub mod webhook_url;

#[cfg(feature = "ssr")]
pub mod breached;
#[cfg(feature = "ssr")]
pub mod client_address;
#[cfg(feature = "ssr")]
pub mod key_change;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod sign_in_throttle;
#[cfg(feature = "ssr")]
pub mod vault;
#[cfg(feature = "ssr")]
pub mod verification;
#[cfg(feature = "ssr")]
pub mod webhook_secret;
