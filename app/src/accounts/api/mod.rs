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
