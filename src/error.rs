//! The one error type every server function returns.
//!
//! Its messages are written for the person at the screen: an internal failure is logged on the
//! server with its detail and reaches the client only as "internal error".

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use leptos::server_fn;

/// One input field that failed validation, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// One message for a wrong password, an unknown user and a deactivated account alike, so
    /// the answer never tells whether an account exists.
    #[error("Wrong username or password.")]
    BadCredentials,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("{}", invalid_summary(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// Refused for now: try again after `retry_after` seconds (429 with `Retry-After`).
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// A request that did not come from this app's own pages (a cross-site form or link).
    #[error("{0}")]
    CrossSite(String),
    /// A body over the configured size limit (413).
    #[error("{0}")]
    TooLarge(String),
    /// A client that stopped sending mid-request (408).
    #[error("{0}")]
    Timeout(String),
    /// The disk is too full to take this (507); small writes still work.
    #[error("{0}")]
    InsufficientStorage(String),
    /// A body that is not of a type the route takes, judged by its bytes (415).
    #[error("{0}")]
    UnsupportedType(String),
    #[error("Something went wrong on our side; please try again.")]
    Internal,
    /// Transport and decoding failures reported by the server-function machinery.
    #[error("The server could not be reached: {0}")]
    ServerFn(String),
}

fn invalid_summary(errors: &[FieldError]) -> String {
    match errors {
        [] => "The input is not valid.".to_owned(),
        [one] => one.message.clone(),
        many => many.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" "),
    }
}

impl AppError {
    /// A single-field validation error.
    /// An optional parameter: absent or blank is `None`, anything else must parse, else 422
    /// naming `field`.
    pub fn optional<T>(
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, Self> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => parse(v).map(Some).map_err(|m| Self::invalid(field, m)),
        }
    }

    /// The same error with its field names as another interface spells them (the modal's
    /// `reason` is the API's `update_reason`).
    pub fn rename_fields(self, rename: impl Fn(&str) -> &str) -> Self {
        match self {
            Self::Invalid(errors) => Self::Invalid(
                errors.into_iter().map(|f| FieldError::new(rename(&f.field), f.message)).collect(),
            ),
            other => other,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// Both values, or every field problem of both at once (a filter's and its paging's, say).
    pub fn both<A, B>(a: Result<A, AppError>, b: Result<B, AppError>) -> Result<(A, B), AppError> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (Err(AppError::Invalid(mut x)), Err(AppError::Invalid(y))) => {
                x.extend(y);
                Err(AppError::Invalid(x))
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// The message for one field, if this is a validation error that names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthorized | Self::BadCredentials => 401,
            Self::Forbidden | Self::CrossSite(_) => 403,
            Self::NotFound(_) => 404,
            Self::Conflict(_) => 409,
            Self::Invalid(_) => 422,
            Self::TooManyRequests { .. } => 429,
            Self::TooLarge(_) => 413,
            Self::Timeout(_) => 408,
            Self::UnsupportedType(_) => 415,
            Self::InsufficientStorage(_) => 507,
            Self::Internal | Self::ServerFn(_) => 500,
        }
    }

    /// Seconds a refused client should wait before trying again (the `Retry-After` header).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::BadCredentials => "bad_credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Invalid(_) => "invalid_input",
            Self::Conflict(_) => "conflict",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::CrossSite(_) => "cross_site_request",
            Self::TooLarge(_) => "too_large",
            Self::Timeout(_) => "timeout",
            Self::UnsupportedType(_) => "unsupported_type",
            Self::InsufficientStorage(_) => "insufficient_storage",
            Self::Internal => "internal_error",
            Self::ServerFn(_) => "transport_error",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_message_finds_the_named_field() {
        let err = AppError::Invalid(vec![
            FieldError::new("username", "Username is required."),
            FieldError::new("password", "Password is too short."),
        ]);
        assert_eq!(err.field_message("password").as_deref(), Some("Password is too short."));
        assert_eq!(err.field_message("name"), None);
        assert_eq!(err.status(), 422);
        assert_eq!(err.to_string(), "Username is required. Password is too short.");
    }

    #[test]
    fn internal_error_reveals_nothing() {
        assert_eq!(AppError::Internal.to_string(), "Something went wrong on our side; please try again.");
        assert_eq!(AppError::Internal.code(), "internal_error");
    }
}
