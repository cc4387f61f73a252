//! The Tokens page's server functions, one per file. Each is thin: parse the
//! input into domain types, call the store, map the outcome.

mod create;
mod list;
mod revoke;

pub use create::*;
pub use list::*;
pub use revoke::*;
