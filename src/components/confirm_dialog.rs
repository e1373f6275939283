//! A modal that asks before an action that cannot be undone (sync, reject): it states what will
//! happen, may hold fields (a reason), and reports the server's refusal in place.
//!
//! A dialog the page can render open from its URL (New contact at `/contacts?new=1`, Edit at
//! `?edit=1`) is also a plain HTML form ([`NativeForm`]): without the WASM it is shown open by
//! the server, posts to its server function, and Cancel is a link back.

use leptos::prelude::*;

use super::dialog::modal_keydown;

/// How the dialog works without the WASM.
#[derive(Clone, Debug)]
pub struct NativeForm {
    /// The server function's URL, where the form posts.
    pub action: &'static str,
    /// Where Cancel (and Close) lead: the page without the dialog.
    pub cancel: String,
}

#[component]
pub fn ConfirmDialog(
    /// Id prefix of the dialog's title and its fields.
    id: &'static str,
    title: String,
    confirm_label: &'static str,
    /// True while the action runs: the buttons wait.
    #[prop(into)]
    busy: Signal<bool>,
    /// The server's refusal, shown inside the dialog.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(into)] on_confirm: Callback<web_sys::FormData>,
    #[prop(into)] on_close: Callback<()>,
    /// Rendered open by the server and posting natively; `None` for a dialog only the WASM opens.
    #[prop(optional)]
    native: Option<NativeForm>,
    children: Children,
) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast;

    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    dialog_ref.on_load(move |dialog| {
        // Open already when the server rendered it so: modal from here on.
        if dialog.open() {
            dialog.close();
        }
        let _ = dialog.show_modal();
        // The first field if there is one, else the confirm button.
        if let Ok(Some(first)) =
            dialog.query_selector("textarea, input:not([type=hidden]), select, button[type=submit]")
            && let Ok(el) = first.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
    let close = move || {
        if let Some(dialog) = dialog_ref.get_untracked() {
            dialog.close();
        }
        on_close.run(());
    };
    let on_keydown = modal_keydown(dialog_ref, close);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let form = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(data) = form.and_then(|f| web_sys::FormData::new_with_form(&f).ok()) {
            on_confirm.run(data);
        }
    };
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    let action = native.as_ref().map(|n| n.action);
    // A link without the WASM, the dialog's own close with it.
    let dismiss = move |class: &'static str, label: Option<&'static str>, text: &'static str| match &native {
        Some(n) => view! {
            <a class=class href=n.cancel.clone() aria-label=label
                on:click=move |ev| { ev.prevent_default(); close(); }>{text}</a>
        }
        .into_any(),
        None => view! {
            <button type="button" class=class aria-label=label on:click=move |_| close()>{text}</button>
        }
        .into_any(),
    };
    view! {
        <dialog node_ref=dialog_ref class="modal" aria-labelledby=labelled_by aria-modal="true"
            open=action.is_some() on:keydown=on_keydown>
            <form class="modal-body" method="post" action=action on:submit=on_submit novalidate>
                <header class="modal-header">
                    <h2 id=title_id>{title}</h2>
                    {dismiss("icon-button", Some("Close"), "✕")}
                </header>
                {children()}
                {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                <footer class="modal-footer">
                    {dismiss("btn", None, "Cancel")}
                    <button type="submit" class="btn primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Working…" } else { confirm_label }}
                    </button>
                </footer>
            </form>
        </dialog>
    }
}
