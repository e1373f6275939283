//! Controls that work only once the WASM has taken over their part of the page (a dialog's
//! opener, the report's selection) say so until then, and a press made before is honoured.
//!
//! On a slow link the server's HTML is on screen seconds before the WASM: a button that opens
//! a dialog took focus and did nothing. Now such a control carries `data-needs-wasm` and, until
//! the component it is in has hydrated, `aria-disabled="true"` (styled as waiting, announced as
//! unavailable). A few lines of script in the page's head, run before the body exists, hold a
//! press on a waiting control (it marks it `data-pressed-early`); once the control is ready the
//! press is made again. Readiness is per component, not per page: the admin pages' code arrives
//! in its own file after the rest has hydrated.

use leptos::prelude::*;

/// The script in the head: holds a click (or Enter/Space, which click) on a waiting control.
/// Inlined with the page's CSP nonce; it must not contain `<`, `>` or `&`.
pub const EARLY_PRESS_SCRIPT: &str = "document.addEventListener('click',function(e){\
var t=e.target.closest?e.target.closest('[data-needs-wasm][aria-disabled=\"true\"]'):null;\
if(!t)return;e.preventDefault();e.stopImmediatePropagation();\
document.querySelectorAll('[data-pressed-early]').forEach(function(o){o.removeAttribute('data-pressed-early')});\
t.setAttribute('data-pressed-early','');},true);";

/// Whether the calling component's controls are ready: `false` on the server and while
/// hydrating, `true` once the component's effects run in the browser. Flipping it also makes a
/// press held by [`EARLY_PRESS_SCRIPT`] again, when its control is ready by then.
pub fn ready() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| {
        set_ready.set(true);
        // After this frame's render effects: the control's `aria-disabled` is gone by then
        // if it is one of this component's.
        request_animation_frame(replay_early_press);
    });
    ready
}

/// The value of `aria-disabled` for a control that needs the WASM.
pub fn waiting(ready: ReadSignal<bool>) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    move || (!ready.get()).then_some("true")
}

/// Clicks the control pressed before it was ready, if it is ready now.
fn replay_early_press() {
    use leptos::wasm_bindgen::JsCast;

    let Some(pressed) = document().query_selector("[data-pressed-early]").ok().flatten() else {
        return;
    };
    if pressed.get_attribute("aria-disabled").as_deref() == Some("true") {
        return; // another component's control, not hydrated yet: its own flip replays it
    }
    let _ = pressed.remove_attribute("data-pressed-early");
    if let Ok(element) = pressed.dyn_into::<web_sys::HtmlElement>() {
        element.click();
    }
}
