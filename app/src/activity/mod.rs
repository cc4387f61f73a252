//! `/activity`: the audit log, newest first, filterable by key.

pub mod api;
mod entry;
pub mod page;
