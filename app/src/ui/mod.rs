//! Building blocks shared by pages: toasts, modal dialogs, icons, the top bar.

pub mod icons;
pub mod modal;
pub mod not_found;
pub mod toasts;
pub mod topbar;
