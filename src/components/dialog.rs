//! Keyboard behaviour shared by the modal dialogs.

use leptos::{ev::KeyboardEvent, prelude::*, wasm_bindgen::JsCast};

/// Keeps Tab and Shift+Tab inside `dialog`, wrapping from the last control to the first and
/// back; `showModal()` makes the page inert but lets focus leave for the browser chrome.
pub fn keep_tab_inside(dialog: &web_sys::HtmlDialogElement, ev: &KeyboardEvent) {
    let Ok(nodes) = dialog.query_selector_all("input, select, textarea, button:not([disabled])") else {
        return;
    };
    let (first, last) = (nodes.item(0), nodes.item(nodes.length().saturating_sub(1)));
    let active = document().active_element();
    let at = |node: &Option<web_sys::Node>| match (node, &active) {
        (Some(n), Some(a)) => n.is_same_node(Some(a)),
        _ => false,
    };
    let focus = |node: Option<web_sys::Node>| {
        if let Some(el) = node.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    };
    if ev.shift_key() && at(&first) {
        ev.prevent_default();
        focus(last);
    } else if !ev.shift_key() && at(&last) {
        ev.prevent_default();
        focus(first);
    }
}

/// The keyboard of a modal dialog: Escape closes it (without saving), Tab stays inside, and
/// Ctrl+Enter (⌘+Enter) submits its form from any field, so an agent never tabs to the button.
pub fn modal_keydown(
    dialog_ref: NodeRef<leptos::html::Dialog>,
    close: impl Fn() + 'static,
) -> impl FnMut(KeyboardEvent) + 'static {
    move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Enter" if ev.ctrl_key() || ev.meta_key() => {
            let form = dialog_ref
                .get_untracked()
                .and_then(|dialog| dialog.query_selector("form").ok().flatten())
                .and_then(|form| form.dyn_into::<web_sys::HtmlFormElement>().ok());
            if let Some(form) = form {
                ev.prevent_default();
                let _ = form.request_submit();
            }
        }
        "Tab" => {
            if let Some(dialog) = dialog_ref.get_untracked() {
                keep_tab_inside(&dialog, &ev);
            }
        }
        _ => {}
    }
}
