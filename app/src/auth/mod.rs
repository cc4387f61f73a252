//! Signing in and out: the sign-in page and its server functions.

pub mod api;
pub mod login_page;
