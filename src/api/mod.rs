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
    if let Err(e) = &result
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
