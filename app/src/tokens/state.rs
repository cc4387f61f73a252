//! State shared by the Tokens page's components, provided once by the page.

use crate::{domain::management_token::ManagementTokenListing, error::AppError, ui::toasts::Toasts};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct TokensState {
    /// Bumped to refetch the list.
    pub refresh: RwSignal<u64>,
    /// The "New management token" dialog is open.
    pub creating: RwSignal<bool>,
    /// The token just created, shown once.
    pub created: RwSignal<Option<String>>,
    /// The token whose revocation is being confirmed.
    pub revoking: RwSignal<Option<ManagementTokenListing>>,
}

impl TokensState {
    pub fn provide() -> Self {
        let state = TokensState {
            refresh: RwSignal::new(0),
            creating: RwSignal::new(false),
            created: RwSignal::new(None),
            revoking: RwSignal::new(None),
        };
        provide_context(state);
        state
    }

    pub fn reload(&self) {
        self.refresh.update(|n| *n += 1);
    }

    /// Shows a failure; a token revoked elsewhere refreshes the list.
    pub fn report(&self, err: &AppError) {
        expect_context::<Toasts>().failure(err.to_string());
        if matches!(err, AppError::NotFound(_)) {
            self.reload();
        }
    }
}
