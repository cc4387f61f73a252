//! The "Modify API Key" dialog. The form carries the version of the key it
//! was opened with; if another tab changed the key meanwhile, the server
//! refuses and the page says so.

use super::{key_dialog_form::KeyDialogForm, state::KeysState, webhook_secret::WebhookSecretSection};
use crate::{keys::api::modify_key, ui::modal::Modal};
use leptos::prelude::*;

#[component]
pub fn ModifyDialog() -> impl IntoView {
    let state = expect_context::<KeysState>();
    // The dialog is open exactly while a key is being edited.
    let open = Signal::derive(move || state.editing.read().is_some());
    let close = Callback::new(move |_| state.editing.set(None));
    view! {
        <Modal open on_close=close title="Modify API Key">
            {move || {
                state.editing.get().map(|key| {
                    let id = key.id;
                    view! {
                    <KeyDialogForm
                        prefix="modify"
                        key=Some(key)
                        send=|data| modify_key(data.into())
                        submit_label="Modify"
                        success_message="API key modified"
                        on_done=close
                    />
                    <WebhookSecretSection key_id=id />
                    }
                })
            }}
        </Modal>
    }
}
