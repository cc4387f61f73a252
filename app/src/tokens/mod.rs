//! The Tokens page: management tokens for the management API. Its server
//! functions (`api`) and its components, one concern per file.

pub mod api;
mod create_dialog;
mod created_dialog;
mod list;
pub mod page;
mod revoke_dialog;
mod row;
mod state;
