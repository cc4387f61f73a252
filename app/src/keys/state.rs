//! State shared by the Keys page's components, provided once by the page.

use crate::{
    domain::key::{Account, ApiKey},
    error::AppError,
    keys::api::{list_accounts, UnblockKey},
    ui::{outcome::on_outcome, toasts::Toasts},
};
use leptos::{ev, prelude::*};
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
    /// The key whose "Options" menu is open (one at a time).
    pub menu: RwSignal<Option<Uuid>>,
    /// "Unblock" in a key's Options menu (no confirmation needed).
    pub unblock: ServerAction<UnblockKey>,
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
            menu: RwSignal::new(None),
            unblock: ServerAction::new(),
        };
        provide_context(state);
        state.close_menus_on_outside_presses();
        let toasts = expect_context::<Toasts>();
        on_outcome(state.unblock, move |outcome| match outcome {
            Ok(_) => {
                toasts.success("API key unblocked");
                state.reload();
            }
            Err(err) => state.report(&err),
        });
        state
    }

    /// One window listener for every row's Options menu: a press anywhere
    /// but inside the open menu (its element carries `data-options-menu`
    /// with the key's id) closes it.
    fn close_menus_on_outside_presses(&self) {
        let menu = self.menu;
        let handle = window_event_listener(ev::pointerdown, move |e| {
            let Some(open) = menu.get_untracked() else { return };
            let inside = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|el| el.closest("[data-options-menu]").ok().flatten())
                .and_then(|el| el.get_attribute("data-options-menu"))
                .is_some_and(|id| id == open.to_string());
            if !inside {
                menu.set(None);
            }
        });
        on_cleanup(move || handle.remove());
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
