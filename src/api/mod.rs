//! Server functions, grouped by domain. Each is thin: check access, parse the input into domain
//! types, call the service, map the error. Endpoints are named (not hashed) so tests, scripts
//! and benchmarks can call them.

pub mod auth;
pub mod customers;
pub mod import;
pub mod overview;
pub mod payment_qr;
pub mod users;

/// Gives an error its HTTP status (401, 403, 422, …) instead of the default 500.
#[cfg(feature = "ssr")]
pub(crate) fn respond<T>(result: Result<T, crate::error::AppError>) -> Result<T, crate::error::AppError> {
    if let Err(e) = &result
        && let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = axum::http::StatusCode::from_u16(e.status())
    {
        options.set_status(status);
    }
    result
}
