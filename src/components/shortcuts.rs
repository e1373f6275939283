//! Single-key shortcuts, for agents who work the whole day on the keyboard.

use leptos::prelude::*;

/// Whether a key press would be text where focus is now (an input, a text area, a select, an
/// editable element): a shortcut must never steal a character an agent is typing.
fn focus_in_text_field() -> bool {
    document().active_element().is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || el.get_attribute("contenteditable").is_some_and(|v| v != "false")
    })
}

/// Whether a modal dialog is open: the page behind it is inert, its shortcuts too.
fn dialog_open() -> bool {
    document().query_selector("dialog[open]").ok().flatten().is_some()
}

/// Runs `action` when `key` (a single character, either case) is pressed without Ctrl, Alt or
/// Meta, outside text fields and dialogs; the key is then not typed anywhere. The listener lives
/// as long as the calling component.
pub fn on_key(key: &'static str, action: impl Fn() + 'static) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let pressed = ev.key();
        if pressed.eq_ignore_ascii_case(key)
            && !ev.ctrl_key()
            && !ev.alt_key()
            && !ev.meta_key()
            && !ev.default_prevented()
            && !focus_in_text_field()
            && !dialog_open()
        {
            ev.prevent_default();
            action();
        }
    });
    on_cleanup(move || handle.remove());
}
