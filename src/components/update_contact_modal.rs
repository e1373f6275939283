//! The Update Contact modal, as the seed document draws it.
//!
//! A native `<dialog>` opened with `showModal()` (the page behind is inert), labelled by its
//! title, with Tab kept inside, Escape and Cancel closing without saving, and the same rules as
//! the server running as the agent types.

use leptos::prelude::*;

use super::{
    dialog::modal_keydown,
    icon::{Icon, IconKind},
};
use crate::{
    api::customers::save_contact_update,
    domain::{
        contact_update::{ContactUpdateInput, NOTES_MAX, UpdateReason},
        customer::CustomerDetail,
        phone::normalize_light,
    },
    error::AppError,
};

/// A fresh key per opening of the modal: a double-clicked or retried save stores one update.
/// `crypto.getRandomValues` works on plain HTTP too (unlike `randomUUID`).
fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        #[cfg(feature = "hydrate")]
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = ((math_random() * 256.0) as u8) ^ (i as u8);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Math, js_name = random)]
    fn math_random() -> f64;
}

#[component]
pub fn UpdateContactModal(
    detail: CustomerDetail,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_saved: Callback<CustomerDetail>,
) -> impl IntoView {
    let dialog_ref = NodeRef::<leptos::html::Dialog>::new();
    let mobile_ref = NodeRef::<leptos::html::Input>::new();
    dialog_ref.on_load(move |dialog| {
        let _ = dialog.show_modal();
        if let Some(input) = mobile_ref.get_untracked() {
            let _ = input.focus();
        }
    });

    // The native dialog is closed before the parent unmounts it: while it is open everything
    // outside is inert, and focus could not return to the Update Contact button.
    let close_native = move || {
        if let Some(dialog) = dialog_ref.get_untracked() {
            dialog.close();
        }
    };
    let close = move || {
        close_native();
        on_close.run(());
    };

    let key = StoredValue::new(new_idempotency_key());
    let current_mobile = StoredValue::new(detail.mobile.clone());
    let current_email = StoredValue::new(detail.email.clone());
    let policy = detail.primary_policy().unwrap_or("").to_owned();
    let policy_for_save = StoredValue::new(policy.clone());
    let contact_id = detail.contact_id;

    let mobile = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let dirty = RwSignal::new([false; 4]);
    let submitted = RwSignal::new(false);
    let saving = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);

    let input = move || ContactUpdateInput {
        new_mobile: mobile.get(),
        new_email: email.get(),
        reason: reason.get(),
        notes: notes.get(),
    };
    let checked = Memo::new(move |_| {
        input()
            .validate(
                normalize_light,
                current_mobile.with_value(|m| m.clone()).as_deref(),
                current_email.with_value(|e| e.clone()).as_deref(),
            )
            .err()
    });
    // The message under one field: the browser's rule once the field was touched (or Save was
    // pressed), else what the server said.
    let error_for = move |field: &'static str, index: usize| {
        move || {
            let shown = submitted.get() || dirty.with(|d| d[index]);
            let local = checked.get().and_then(|e| e.field_message(field)).filter(|_| shown);
            local.or_else(|| server_error.with(|e| e.as_ref().and_then(|e| e.field_message(field))))
        }
    };
    let change_error = move || {
        let local = checked.get().and_then(|e| e.field_message("change")).filter(|_| submitted.get());
        local.or_else(|| server_error.with(|e| e.as_ref().and_then(|e| e.field_message("change"))))
    };
    let general_error = move || {
        server_error
            .with(|e| e.as_ref().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| e.to_string()))
    };
    let touch = move |index: usize| {
        dirty.update(|d| d[index] = true);
        server_error.set(None);
    };

    let save = move || {
        submitted.set(true);
        if saving.get_untracked() || checked.get_untracked().is_some() {
            return;
        }
        saving.set(true);
        let (m, e, r, n) =
            (mobile.get_untracked(), email.get_untracked(), reason.get_untracked(), notes.get_untracked());
        let (policy, key) = (policy_for_save.get_value(), key.get_value());
        leptos::task::spawn_local(async move {
            match save_contact_update(contact_id, policy, m, e, r, n, key).await {
                Ok(fresh) => {
                    close_native();
                    on_saved.run(fresh);
                }
                Err(err) => {
                    server_error.set(Some(err));
                    saving.set(false);
                }
            }
        });
    };

    // Tab and Shift+Tab wrap around inside the dialog; Escape closes it without saving.
    let on_keydown = modal_keydown(dialog_ref, close);

    let notes_count = move || notes.with(|n| n.chars().count());
    let mobile_error = error_for("new_mobile", 0);
    let email_error = error_for("new_email", 1);
    let reason_error = error_for("reason", 2);
    let notes_error = error_for("notes", 3);

    view! {
        <dialog node_ref=dialog_ref class="modal" aria-labelledby="update-contact-title" aria-modal="true"
            on:keydown=on_keydown>
            <form class="modal-body" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                <header class="modal-header">
                    <h2 id="update-contact-title">"Update Customer Contact Information"</h2>
                    <button type="button" class="icon-button" aria-label="Close" on:click=move |_| close()>
                        "✕"
                    </button>
                </header>
                <dl class="modal-customer">
                    <dt>"Customer:"</dt><dd>{detail.name.clone()}</dd>
                    <dt>"Policy:"</dt><dd>{if policy.is_empty() { "—".to_owned() } else { policy }}</dd>
                </dl>
                <hr/>
                <fieldset class="modal-section">
                    <legend>"Mobile Number"</legend>
                    <p class="current">"Current: " {detail.mobile_display.clone().unwrap_or_else(|| "none".into())}</p>
                    <label for="new-mobile">"New mobile number" <span class="optional">" (optional)"</span></label>
                    <input id="new-mobile" name="new_mobile" type="tel" inputmode="tel" autocomplete="off" autofocus
                        node_ref=mobile_ref maxlength="32" prop:value=move || mobile.get()
                        on:input=move |ev| { mobile.set(event_target_value(&ev)); touch(0); }
                        aria-describedby="new-mobile-hint new-mobile-error"
                        aria-invalid=move || mobile_error().is_some().to_string()/>
                    <p id="new-mobile-hint" class="hint">"Format: 8 digits (e.g., 57372333), or + and the country code"</p>
                    <p id="new-mobile-error" class="field-error">{mobile_error}</p>
                </fieldset>
                <fieldset class="modal-section">
                    <legend>"Email Address"</legend>
                    <p class="current">"Current: " {detail.email.clone().unwrap_or_else(|| "none".into())}</p>
                    <label for="new-email">"New email address" <span class="optional">" (optional)"</span></label>
                    <input id="new-email" name="new_email" type="email" autocomplete="off" maxlength="254"
                        prop:value=move || email.get()
                        on:input=move |ev| { email.set(event_target_value(&ev)); touch(1); }
                        aria-describedby="new-email-hint new-email-error"
                        aria-invalid=move || email_error().is_some().to_string()/>
                    <p id="new-email-hint" class="hint">"Format: valid email address"</p>
                    <p id="new-email-error" class="field-error">{email_error}</p>
                </fieldset>
                <div class="field">
                    <label for="update-reason">"Update reason" <span aria-hidden="true">" *"</span></label>
                    <select id="update-reason" name="reason" required prop:value=move || reason.get()
                        on:change=move |ev| { reason.set(event_target_value(&ev)); touch(2); }
                        aria-describedby="update-reason-error"
                        aria-invalid=move || reason_error().is_some().to_string()>
                        <option value="">"Select reason"</option>
                        {UpdateReason::ALL.into_iter().map(|r| view! { <option value=r.label()>{r.label()}</option> }).collect_view()}
                    </select>
                    <p id="update-reason-error" class="field-error">{reason_error}</p>
                </div>
                <div class="field">
                    <label for="update-notes">"Additional notes" <span class="optional">" (optional)"</span></label>
                    <textarea id="update-notes" name="notes" rows="3" prop:value=move || notes.get()
                        on:input=move |ev| { notes.set(event_target_value(&ev)); touch(3); }
                        aria-describedby="update-notes-count update-notes-error"
                        aria-invalid=move || notes_error().is_some().to_string()></textarea>
                    <p id="update-notes-count" class="hint counter" class:over=move || { notes_count() > NOTES_MAX }>
                        {move || format!("{} / {NOTES_MAX} characters", notes_count())}
                    </p>
                    <p id="update-notes-error" class="field-error">{notes_error}</p>
                </div>
                {move || change_error().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
                {move || general_error().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
                <hr/>
                <p class="info-line">
                    <Icon kind=IconKind::Info/>
                    " Updated contact info will be used immediately for QR code emails and future communications."
                </p>
                <footer class="modal-footer">
                    <button type="button" class="btn" on:click=move |_| close()>"Cancel"</button>
                    <button type="submit" class="btn primary" disabled=move || saving.get()
                        aria-keyshortcuts="Control+Enter" title="Save (Ctrl+Enter)">
                        {move || if saving.get() { "Saving…" } else { "Save & Continue" }}
                    </button>
                </footer>
            </form>
        </dialog>
    }
}
