//! The New Contact dialog: a person the call center meets before the master system knows them,
//! saved as a New Lead, with the Update Contact modal's rules for mobile and email.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use leptos::server_fn::ServerFn;

use super::{
    confirm_dialog::{ConfirmDialog, NativeForm},
    field_error::FieldError,
    kept_form::KeptForm,
};
use crate::{
    api::contacts::CreateContact,
    domain::{contact::NewContactInput, phone::normalize_light, url::customer_url},
    error::AppError,
};

#[component]
pub fn NewContactDialog(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let create = ServerAction::<CreateContact>::new();
    // Posted without the WASM and refused: the values typed come back with the page.
    let kept = KeptForm::of::<CreateContact>();
    let native = NativeForm { action: CreateContact::PATH, cancel: "/contacts".to_owned() };
    // The browser's run of the rules, before any request: instant feedback on a typo.
    let local = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&customer_url(id), Default::default());
        }
    });
    let error = move || local.get().or_else(|| create.value().get().and_then(Result::err));
    let field = move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field_message(name)));
    let general =
        Signal::derive(move || error().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| e.to_string()));
    // A number another contact has: the agent may confirm that they share it.
    let shared_asked = move || matches!(create.value().get(), Some(Err(AppError::Conflict(_))));
    let on_confirm = move |data: web_sys::FormData| {
        let text = |name: &str| data.get(name).as_string().unwrap_or_default();
        let input = NewContactInput { name: text("name"), mobile: text("mobile"), email: text("email") };
        if let Err(e) = input.validate(normalize_light) {
            local.set(Some(e));
            return;
        }
        local.set(None);
        let shared_phone = Some(text("shared_phone")).filter(|v| !v.is_empty());
        create.dispatch(CreateContact {
            name: input.name,
            mobile: input.mobile,
            email: input.email,
            shared_phone,
        });
    };
    view! {
        <ConfirmDialog id="new-contact" title="New contact".to_owned() confirm_label="Create contact"
            busy=create.pending() error=general on_confirm on_close native>
            <p class="hint">"Saved as a New Lead. Give a mobile number or an email address (or both)."</p>
            <div class="field">
                <label for="new-contact-name">"Name"</label>
                <input id="new-contact-name" name="name" type="text" maxlength="200" autocomplete="off" required
                    value=kept.value("name")/>
                <FieldError message=field("name")/>
            </div>
            <div class="field">
                <label for="new-contact-mobile">"Mobile"</label>
                <input id="new-contact-mobile" name="mobile" type="tel" inputmode="tel" autocomplete="off"
                    aria-describedby="new-contact-mobile-hint" value=kept.value("mobile")/>
                <p class="hint" id="new-contact-mobile-hint">"8 digits (5737 2333) or international with + or 00."</p>
                <FieldError message=field("mobile")/>
            </div>
            <div class="field">
                <label for="new-contact-email">"Email"</label>
                <input id="new-contact-email" name="email" type="email" maxlength="254" autocomplete="off"
                    value=kept.value("email")/>
                <FieldError message=field("email")/>
            </div>
            <Show when=shared_asked>
                <label class="check">
                    <input type="checkbox" name="shared_phone" value="true"/>
                    "They share this phone (a family's number): create the contact anyway"
                </label>
            </Show>
        </ConfirmDialog>
    }
}
