//! The Accounts page's server functions, one per file. Each is thin: parse the
//! input into domain types, call the store, map the outcome.

mod create;
mod delete;
mod list;
mod rename;

pub use create::*;
pub use delete::*;
pub use list::*;
pub use rename::*;

/// The account name as a domain type; a refusal belongs to the `name` field.
#[cfg(feature = "ssr")]
fn parse_name(name: &str) -> Result<crate::domain::key_name::KeyName, crate::error::AppError> {
    crate::domain::key_name::KeyName::parse(name).map_err(|m| crate::error::AppError::invalid("name", m))
}
