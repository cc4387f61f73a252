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
