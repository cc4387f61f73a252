//! The Keys page: its server functions (`api`) and its components, one
//! concern per file.

pub mod api;
pub mod avatar;
pub mod clipboard;
mod confirm_dialog;
mod create_dialog;
mod deliveries_dialog;
mod key_dialog_form;
mod key_form;
mod list;
mod list_controls;
mod modify_dialog;
mod options_menu;
pub mod page;
mod roll_dialog;
mod row;
mod search;
mod state;
mod webhook_secret;
