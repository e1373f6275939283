//! Turning internal failures into `AppError` without leaking their detail.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::error::AppError;

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // A full disk is the operator's to fix, and the client may retry once it is: say so
        // (SQLITE_FULL; PostgreSQL's disk_full) rather than an opaque failure. The write was
        // rolled back either way.
        let full =
            matches!(&e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("13" | "53100")));
        if full {
            tracing::error!(error = %e, "database write refused: the disk is full");
            return AppError::InsufficientStorage(
                "The server's disk is full; nothing was saved. Try again once space has been freed.".into(),
            );
        }
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        tracing::error!(error = %e, "migration error");
        AppError::Internal
    }
}

/// Logs an unexpected failure with its context and returns the opaque error.
pub fn internal(context: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{context}");
    AppError::Internal
}

/// JSON body of an error answered by a plain axum route: a stable code and a message.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let fields = match &self {
            AppError::Invalid(errors) => Some(errors.clone()),
            _ => None,
        };
        let body = serde_json::json!({
            "error": { "code": self.code(), "message": self.to_string(), "fields": fields }
        });
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}
