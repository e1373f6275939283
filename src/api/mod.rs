//! Server functions, grouped by domain. Each is thin: check access, parse the input into domain
//! types, call the service, map the error. Endpoints are named (not hashed) so tests, scripts
//! and benchmarks can call them.
//!
//! Every body has one shape, `super::run("name", async { … }).await`, so each call gets the
//! same span and the same error status without a copy of that wrapping per function.

pub mod activity;
pub mod auth;
pub mod calls;
pub mod contacts;
pub mod customers;
pub mod import;
pub mod overview;
pub mod payment_qr;
pub mod report;
pub mod tokens;
pub mod users;

/// Runs the body of the server function `action`: inside a `server_fn` span naming it (so its
/// log lines say which function wrote them, under the request's span), and with an error's
/// HTTP status (401, 403, 422, …) set on the response instead of the default 500.
#[cfg(feature = "ssr")]
pub(crate) async fn run<T>(
    action: &'static str,
    body: impl Future<Output = Result<T, crate::error::AppError>>,
) -> Result<T, crate::error::AppError> {
    use tracing::Instrument;

    let result = body.instrument(tracing::info_span!("server_fn", action)).await;
    // A form posted without the WASM is answered by a redirect back to its page with the error
    // in the URL, where the page shows it beside the form: an error status would replace that
    // redirect's and leave the browser on a bare error body.
    if let Err(e) = &result
        && !plain_form()
        && let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(e.status())
    {
        options.set_status(status);
        if let Some(seconds) = e.retry_after() {
            options.insert_header(axum::http::header::RETRY_AFTER, seconds.into());
        }
    }
    result
}

/// Whether the call is a form posted by the browser itself, without the WASM (it accepts HTML;
/// the app's own calls accept JSON).
#[cfg(feature = "ssr")]
pub(crate) fn plain_form() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// Sends a form posted without the WASM to `url` on success, where the hydrated app goes by
/// itself (leptos would send it back to the form's page).
#[cfg(feature = "ssr")]
pub(crate) fn land_plain_form(url: &str) {
    if plain_form() {
        leptos_axum::redirect(url);
    }
}
