//! Domain rules: plain Rust, no database and no browser. Every type here
//! validates itself when it is built, so the rest of the code can trust it.

pub mod address;
pub mod draft;
pub mod expiry;
pub mod grace;
pub mod key_name;
pub mod operator;
pub mod relative_time;
pub mod token;
pub mod webhook_url;

#[cfg(feature = "ssr")]
pub mod avatar;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod vault;
#[cfg(feature = "ssr")]
pub mod webhook_secret;

/// Largest avatar upload accepted, checked in the browser and on the server.
pub const MAX_AVATAR_BYTES: usize = 1024 * 1024;
