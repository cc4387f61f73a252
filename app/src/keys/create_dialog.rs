//! The "New API Key" dialog.

use super::{key_dialog_form::KeyDialogForm, state::KeysState};
use crate::{keys::api::create_key, ui::modal::Modal};
use leptos::prelude::*;

#[component]
pub fn CreateDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    let close = Callback::new(move |_| state.creating.set(false));
    view! {
        <Modal open=state.creating on_close=close title="New API Key">
            <KeyDialogForm
                prefix="create"
                key=None
                send=|data| create_key(data.into())
                submit_label="Create"
                success_message="API key created"
                on_done=close
            />
        </Modal>
    }
}
