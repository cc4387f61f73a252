//! The Keys page's server functions, one per file. Each is thin: parse the
//! input into domain types, call the store, map the outcome.

mod accounts;
mod block;
mod create;
mod delete;
#[cfg(feature = "ssr")]
pub mod form;
mod list;
mod modify;
mod roll;
mod token;

pub use accounts::*;
pub use block::*;
pub use create::*;
pub use delete::*;
pub use list::*;
pub use modify::*;
pub use roll::*;
pub use token::*;
