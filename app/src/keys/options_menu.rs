//! The "Options" menu of a key: Block or Unblock, Roll token, Activity,
//! Deliveries, Delete.

use super::state::{Confirm, KeysState};
use crate::{domain::key::ApiKey, keys::api::UnblockKey, ui::icons::DotsIcon};
use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;

#[component]
pub fn OptionsMenu(key: ApiKey) -> impl IntoView {
    let state = expect_context::<KeysState>();
    let id = key.id;
    // The page's one window listener closes the menu on a press outside it.
    let open = Memo::new(move |_| state.menu.get() == Some(id));
    let set_open = move |now: bool| {
        state.menu.update(|menu| {
            if now {
                *menu = Some(id);
            } else if *menu == Some(id) {
                *menu = None;
            }
        })
    };
    let wrap = NodeRef::<html::Div>::new();
    let first_item = NodeRef::<html::Button>::new();
    let trigger = NodeRef::<html::Button>::new();

    Effect::new(move |_| {
        if open.get() {
            if let Some(item) = first_item.get() {
                let _ = item.focus();
            }
        }
    });

    let close_and_refocus = move || {
        set_open(false);
        if let Some(t) = trigger.get_untracked() {
            let _ = t.focus();
        }
    };

    let on_keydown = move |e: ev::KeyboardEvent| match e.key().as_str() {
        "Escape" if open.get_untracked() => {
            e.stop_propagation();
            close_and_refocus();
        }
        "ArrowDown" | "ArrowUp" if open.get_untracked() => {
            e.prevent_default();
            move_focus(&wrap, e.key() == "ArrowDown");
        }
        _ => {}
    };

    let blocked = key.blocked;
    let block_key = key.clone();
    let delete_key = key.clone();
    let roll_key = key.clone();
    let deliveries_key = key.clone();
    let unblocking = state.unblock.pending();
    let toggle_block = move |_| {
        set_open(false);
        if blocked {
            state.unblock.dispatch(UnblockKey { id });
        } else {
            state.confirm.set(Some(Confirm::Block(block_key.clone())));
        }
    };

    view! {
        <div class="menu-wrap" data-options-menu=id.to_string() node_ref=wrap on:keydown=on_keydown>
            <button
                type="button"
                class="icon-button"
                node_ref=trigger
                aria-label="Options"
                title="Options"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                disabled=move || blocked && unblocking.get()
                on:click=move |_| set_open(!open.get_untracked())
            >
                <DotsIcon />
            </button>
            <Show when=move || open.get()>
                <div class="menu" role="menu" aria-label=format!("Options for {}", key.name)>
                    <button type="button" role="menuitem" class="menu-item" node_ref=first_item on:click=toggle_block.clone()>
                        {if blocked { "Unblock" } else { "Block" }}
                    </button>
                    <button
                        type="button"
                        role="menuitem"
                        class="menu-item"
                        on:click={
                            let roll_key = roll_key.clone();
                            move |_| {
                                set_open(false);
                                state.rolling.set(Some(roll_key.clone()));
                            }
                        }
                    >
                        "Roll token"
                    </button>
                    <a role="menuitem" class="menu-item" href=format!("/activity?key={}", key.id)>
                        "Activity"
                    </a>
                    <button
                        type="button"
                        role="menuitem"
                        class="menu-item"
                        on:click={
                            let deliveries_key = deliveries_key.clone();
                            move |_| {
                                set_open(false);
                                state.deliveries.set(Some(deliveries_key.clone()));
                            }
                        }
                    >
                        "Deliveries"
                    </button>
                    <button
                        type="button"
                        role="menuitem"
                        class="menu-item danger"
                        on:click={
                            let delete_key = delete_key.clone();
                            move |_| {
                                set_open(false);
                                state.confirm.set(Some(Confirm::Delete(delete_key.clone())));
                            }
                        }
                    >
                        "Delete"
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// Moves focus to the next or previous menu item, wrapping around.
fn move_focus(wrap: &NodeRef<html::Div>, forward: bool) {
    let Some(wrap) = wrap.get_untracked() else { return };
    let Ok(items) = wrap.query_selector_all("[role=menuitem]") else { return };
    let items: Vec<web_sys::HtmlElement> = (0..items.length()).filter_map(|i| items.item(i)).filter_map(|n| n.dyn_into().ok()).collect();
    if items.is_empty() {
        return;
    }
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let current = items.iter().position(|el| active.as_ref().is_some_and(|a| a == el.as_ref() as &web_sys::Element));
    let next = match (current, forward) {
        (Some(i), true) => (i + 1) % items.len(),
        (Some(i), false) => (i + items.len() - 1) % items.len(),
        (None, _) => 0,
    };
    let _ = items[next].focus();
}
