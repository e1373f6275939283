//! A modal that asks before an action that cannot be undone (sync, reject): it states what will
//! happen, may hold fields (a reason), and reports the server's refusal in place.

use leptos::prelude::*;

use super::dialog::modal_keydown;

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
    children: Children,
) -> impl IntoView {
    use leptos::wasm_bindgen::JsCast;

    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    dialog_ref.on_load(move |dialog| {
        let _ = dialog.show_modal();
        // The first field if there is one, else the confirm button.
        if let Ok(Some(first)) = dialog.query_selector("textarea, input, select, button[type=submit]")
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
    view! {
        <dialog node_ref=dialog_ref class="modal" aria-labelledby=labelled_by aria-modal="true"
            on:keydown=on_keydown>
            <form class="modal-body" on:submit=on_submit novalidate>
                <header class="modal-header">
                    <h2 id=title_id>{title}</h2>
                    <button type="button" class="icon-button" aria-label="Close" on:click=move |_| close()>"✕"</button>
                </header>
                {children()}
                {move || error.get().map(|e| view! { <p class="alert error" role="alert">{e}</p> })}
                <footer class="modal-footer">
                    <button type="button" class="btn" on:click=move |_| close()>"Cancel"</button>
                    <button type="submit" class="btn primary" disabled=move || busy.get()>
                        {move || if busy.get() { "Working…" } else { confirm_label }}
                    </button>
                </footer>
            </form>
        </dialog>
    }
}
