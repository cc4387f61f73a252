//! State shared by the Accounts page's components, provided once by the page.

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
    /// Bumped to refetch the list.
    pub refresh: RwSignal<u64>,
    /// The open name dialog, if any.
    pub naming: RwSignal<Option<Naming>>,
    /// The account whose deletion is being confirmed.
    pub deleting: RwSignal<Option<AccountUsage>>,
}

impl AccountsState {
    pub fn provide() -> Self {
        let state = AccountsState { refresh: RwSignal::new(0), naming: RwSignal::new(None), deleting: RwSignal::new(None) };
        provide_context(state);
        state
    }

    pub fn reload(&self) {
        self.refresh.update(|n| *n += 1);
    }

    /// Shows a failure; when the account changed or vanished elsewhere, also
    /// refreshes the list so the operator sees the current state.
    pub fn report(&self, err: &AppError) {
        expect_context::<Toasts>().failure(err.to_string());
        if matches!(err, AppError::NotFound(_) | AppError::Conflict(_)) {
            self.reload();
        }
    }
}
