//! State shared by the Keys page's components, provided once by the page.

use crate::{
    domain::key::{Account, ApiKey},
    error::AppError,
    keys::api::list_accounts,
    ui::toasts::Toasts,
};
use leptos::prelude::*;
use uuid::Uuid;

/// A question the page is asking before a destructive action.
#[derive(Clone, Debug, PartialEq)]
pub enum Confirm {
    Block(ApiKey),
    Delete(ApiKey),
}

#[derive(Clone, Copy)]
pub struct KeysState {
    /// Bumped to refetch the list.
    pub refresh: RwSignal<u64>,
    pub creating: RwSignal<bool>,
    pub editing: RwSignal<Option<ApiKey>>,
    pub confirm: RwSignal<Option<Confirm>>,
    /// The key whose token is being rolled.
    pub rolling: RwSignal<Option<ApiKey>>,
    /// The key whose webhook deliveries are shown.
    pub deliveries: RwSignal<Option<ApiKey>>,
    /// The key picked from the search suggestions, scrolled to and marked.
    pub highlighted: RwSignal<Option<Uuid>>,
    pub accounts: Resource<Result<Vec<Account>, AppError>>,
}

impl KeysState {
    pub fn provide() -> Self {
        let refresh = RwSignal::new(0);
        let state = KeysState {
            refresh,
            creating: RwSignal::new(false),
            editing: RwSignal::new(None),
            confirm: RwSignal::new(None),
            rolling: RwSignal::new(None),
            deliveries: RwSignal::new(None),
            highlighted: RwSignal::new(None),
            accounts: Resource::new(move || refresh.get(), |_| list_accounts()),
        };
        provide_context(state);
        state
    }

    pub fn reload(&self) {
        self.refresh.update(|n| *n += 1);
    }

    /// Shows a failure; when the key changed or vanished elsewhere, also
    /// refreshes the list so the operator sees the current state.
    pub fn report(&self, err: &AppError) {
        expect_context::<Toasts>().failure(err.to_string());
        if matches!(err, AppError::NotFound(_) | AppError::Conflict(_)) {
            self.reload();
        }
    }
}
