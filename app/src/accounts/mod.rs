//! The Accounts page: its server functions (`api`) and its components, one
//! concern per file.

pub mod api;
mod delete_dialog;
mod list;
mod name_dialog;
pub mod page;
mod row;
mod state;
