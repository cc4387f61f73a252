//! Messages at the top of the page: successes in a `status` live region,
//! failures in an `alert` one. Each can be dismissed and fades by itself.

use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ToastKind {
    Success,
    Failure,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// Handle to push messages; get it with `expect_context::<Toasts>()`.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

/// How long a message stays before it fades.
const SUCCESS_FOR: Duration = Duration::from_secs(5);
const FAILURE_FOR: Duration = Duration::from_secs(10);

impl Toasts {
    pub fn success(&self, text: impl Into<String>) {
        self.push(ToastKind::Success, text.into());
    }

    pub fn failure(&self, text: impl Into<String>) {
        self.push(ToastKind::Failure, text.into());
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| {
            // The same message twice in a row replaces the old one.
            items.retain(|t| !(t.kind == kind && t.text == text));
            items.push(Toast { id, kind, text });
        });
        let this = *self;
        let delay = if kind == ToastKind::Success { SUCCESS_FOR } else { FAILURE_FOR };
        set_timeout(move || this.dismiss(id), delay);
    }

    pub fn dismiss(&self, id: u64) {
        self.items.try_update(|items| items.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts { items: RwSignal::new(Vec::new()), next_id: StoredValue::new(0) });
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let of_kind = move |kind: ToastKind| move || toasts.items.get().into_iter().filter(|t| t.kind == kind).collect::<Vec<_>>();
    view! {
        <div class="toasts">
            <div role="status" aria-live="polite" class="toast-stack">
                <For each=of_kind(ToastKind::Success) key=|t| t.id let:toast>
                    <ToastItem toast />
                </For>
            </div>
            <div role="alert" class="toast-stack">
                <For each=of_kind(ToastKind::Failure) key=|t| t.id let:toast>
                    <ToastItem toast />
                </For>
            </div>
        </div>
    }
}

#[component]
fn ToastItem(toast: Toast) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let class = match toast.kind {
        ToastKind::Success => "toast success",
        ToastKind::Failure => "toast failure",
    };
    let id = toast.id;
    view! {
        <div class=class>
            <span class="toast-text">{toast.text}</span>
            <button type="button" class="toast-close" aria-label="Dismiss message" on:click=move |_| toasts.dismiss(id)>
                "×"
            </button>
        </div>
    }
}
