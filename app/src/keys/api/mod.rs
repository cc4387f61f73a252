//! The Keys page's server functions, one per file. Each is thin: parse the
//! input into domain types, call the store, map the outcome.

mod accounts;
mod block;
#[cfg(feature = "ssr")]
mod change;
mod create;
mod delete;
mod deliveries;
#[cfg(feature = "ssr")]
pub mod form;
mod list;
mod modify;
mod regenerate_secret;
mod resend;
mod roll;
mod test_event;
mod token;
mod webhook_secret;

pub use accounts::*;
pub use block::*;
pub use create::*;
pub use delete::*;
pub use deliveries::*;
pub use list::*;
pub use modify::*;
pub use regenerate_secret::*;
pub use resend::*;
pub use roll::*;
pub use test_event::*;
pub use token::*;
pub use webhook_secret::*;
