//! Building blocks shared by pages: toasts, modal dialogs, icons.

pub mod icons;
pub mod modal;
pub mod not_found;
pub mod toasts;
