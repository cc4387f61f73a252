//! State shared by the Accounts page's components, provided once by the page.

use super::api::{CreateAccount, DeleteAccount, RenameAccount};
use crate::{domain::account::AccountUsage, error::AppError, ui::toasts::Toasts};
use leptos::prelude::*;

/// What the name dialog is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Naming {
    Create,
    Rename(AccountUsage),
}

#[derive(Clone, Copy)]
pub struct AccountsState {
    /// The open name dialog, if any.
    pub naming: RwSignal<Option<Naming>>,
    /// The account whose deletion is being confirmed.
    pub deleting: RwSignal<Option<AccountUsage>>,
    /// The dialogs' server actions; the list refetches after each.
    pub create: ServerAction<CreateAccount>,
    pub rename: ServerAction<RenameAccount>,
    pub delete: ServerAction<DeleteAccount>,
}

impl AccountsState {
    pub fn provide() -> Self {
        let state = AccountsState {
            naming: RwSignal::new(None),
            deleting: RwSignal::new(None),
            create: ServerAction::new(),
            rename: ServerAction::new(),
            delete: ServerAction::new(),
        };
        provide_context(state);
        state
    }

    /// Changes whenever an action finished, so the list is read again (after
    /// a failure too: the account may have changed or vanished elsewhere).
    pub fn changes(&self) -> (usize, usize, usize) {
        (self.create.version().get(), self.rename.version().get(), self.delete.version().get())
    }

    /// Shows a failure.
    pub fn report(&self, err: &AppError) {
        expect_context::<Toasts>().failure(err.to_string());
    }
}
