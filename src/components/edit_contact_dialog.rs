//! The Edit Contact dialog: name and status. Mobile and email change through Update Contact,
//! which records why (the audit trail the master-system sync reads).

use leptos::prelude::*;

use leptos::server_fn::ServerFn;

use super::{
    confirm_dialog::{ConfirmDialog, NativeForm},
    field_error::FieldError,
    kept_form::KeptForm,
};
use crate::{
    api::contacts::EditContact,
    domain::{
        contact::{ContactStatus, parse_name},
        customer::CustomerDetail,
        url::customer_url,
    },
    error::AppError,
};

#[component]
pub fn EditContactDialog(
    detail: CustomerDetail,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_saved: Callback<CustomerDetail>,
) -> impl IntoView {
    let edit = ServerAction::<EditContact>::new();
    let local = RwSignal::new(None::<AppError>);
    let seen = edit.version().get_untracked();
    Effect::new(move |_| {
        if edit.version().get() != seen
            && let Some(Ok(fresh)) = edit.value().get()
        {
            on_saved.run(fresh);
        }
    });
    let error = move || local.get().or_else(|| edit.value().get().and_then(Result::err));
    let field = move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field_message(name)));
    let general =
        Signal::derive(move || error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| e.to_string()));
    let contact_id = detail.contact_id;
    // Posted without the WASM and refused: the values typed come back with the page.
    let kept = KeptForm::of::<EditContact>();
    let native = NativeForm { action: EditContact::PATH, cancel: customer_url(contact_id) };
    let name = kept.value("name").unwrap_or_else(|| detail.name.clone());
    let status = kept.value("status").and_then(|s| ContactStatus::parse(&s).ok()).unwrap_or(detail.status);
    // A master-system customer keeps its status: the master import decides it.
    let from_master = detail.customer_id.is_some();
    let on_confirm = move |data: web_sys::FormData| {
        let text = |name: &str| data.get(name).as_string().unwrap_or_default();
        if let Err(m) = parse_name(&text("name")) {
            local.set(Some(AppError::invalid("name", m)));
            return;
        }
        local.set(None);
        let status = if from_master { ContactStatus::Customer.as_str().to_owned() } else { text("status") };
        edit.dispatch(EditContact { contact_id, name: text("name"), status });
    };
    view! {
        <ConfirmDialog id="edit-contact" title="Edit contact".to_owned() confirm_label="Save"
            busy=edit.pending() error=general on_confirm on_close native>
            // What the native post sends beside the fields (a disabled select sends nothing).
            <input type="hidden" name="contact_id" value=contact_id.to_string()/>
            {from_master.then(|| view! {
                <input type="hidden" name="status" value=ContactStatus::Customer.as_str()/>
            })}
            <div class="field">
                <label for="edit-contact-name">"Name"</label>
                <input id="edit-contact-name" name="name" type="text" maxlength="200" autocomplete="off" required
                    value=name/>
                <FieldError message=field("name")/>
            </div>
            <div class="field">
                <label for="edit-contact-status">"Status"</label>
                <select id="edit-contact-status" name="status" disabled=from_master
                    aria-describedby="edit-contact-status-hint">
                    {ContactStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=s == status>{s.label()}</option>
                    }).collect_view()}
                </select>
                <p class="hint" id="edit-contact-status-hint">
                    {if from_master {
                        "A customer of the master system: its status follows the master import."
                    } else {
                        "Customer once the person holds a policy; New Lead until then."
                    }}
                </p>
                <FieldError message=field("status")/>
            </div>
            <p class="hint">"Mobile and email change through Update Contact, which records the reason."</p>
        </ConfirmDialog>
    }
}
