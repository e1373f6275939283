use leptos::prelude::*;

/// The server's message for one form field, under that field.
#[component]
pub fn FieldError(message: Signal<Option<String>>) -> impl IntoView {
    move || message.get().map(|m| view! { <p class="field-error">{m}</p> })
}
