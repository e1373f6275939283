//! How a failed load is shown inside a page.

use leptos::prelude::*;

/// The fallback of an `ErrorBoundary`: each error's message, as a polite alert.
pub fn errors_fallback(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="alert error" role="alert">
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, e)| view! { <li>{e.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
