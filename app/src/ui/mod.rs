//! Building blocks shared by pages: toasts, modal dialogs, icons, server
//! action outcomes.

pub mod icons;
pub mod modal;
pub mod not_found;
pub mod outcome;
pub mod toasts;
