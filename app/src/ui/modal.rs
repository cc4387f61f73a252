//! A real modal dialog: the browser's `<dialog>` opened with `showModal()`,
//! which makes the rest of the page inert, keeps focus inside and closes on
//! Escape. It is named by its title (`aria-label`, so server and browser agree
//! without generated ids).

use leptos::{html, prelude::*};

#[component]
pub fn Modal(
    /// Whether the dialog is open.
    #[prop(into)]
    open: Signal<bool>,
    /// Called when the browser closes the dialog (Escape); the owner then
    /// sets `open` to false.
    on_close: Callback<()>,
    /// The dialog's title and accessible name.
    #[prop(into)]
    title: Signal<String>,
    /// Rendered afresh each time the dialog opens.
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        let Some(el) = dialog.get() else { return };
        if open.get() {
            if !el.open() {
                let _ = el.show_modal();
            }
        } else if el.open() {
            el.close();
        }
    });
    let children = StoredValue::new(children);
    view! {
        <dialog
            node_ref=dialog
            class="modal"
            aria-label=move || title.get()
            // Escape (and the form's own close) end here.
            on:close=move |_| {
                if open.get_untracked() {
                    on_close.run(());
                }
            }
        >
            <Show when=move || open.get()>
                <h2 class="modal-title">{move || title.get()}</h2>
                {children.with_value(|c| c())}
            </Show>
        </dialog>
    }
}
