//! Signing in and out, one server function per file. `sign_in` and
//! `sign_in_status` are the only server functions that answer without a
//! signed-in operator.

mod current;
mod sign_in;
mod sign_out;
mod status;

pub use current::*;
pub use sign_in::*;
pub use sign_out::*;
pub use status::*;

/// The one message for a wrong email and a wrong password alike, so the
/// page does not reveal which emails belong to operators.
pub const WRONG_CREDENTIALS: &str = "Email or password is incorrect.";
