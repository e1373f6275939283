//! The `/v1` HTTP API (JSON) for the mobile apps and the master-system sync.
//!
//! Authenticated by the browser's session cookie or `Authorization: Bearer <token>`. Errors are
//! `{"error": {"code", "message", "fields"}}` with a status that fits.

mod contact_updates;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::{header, request::Parts},
};

use super::{AppState, auth::AuthUser, auth::Authentication, tokens};
use crate::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customer_contact_updates", axum::routing::post(contact_updates::create))
        .route("/customer_contact_updates/latest/{customer_id}", axum::routing::get(contact_updates::latest))
        .fallback(|_: Request| async { AppError::NotFound("No such API endpoint.".into()) })
}

/// The caller of an API route: a bearer token's user, else the session's; otherwise 401.
pub struct ApiUser(pub AuthUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        if let Some(token) = bearer {
            // A token that is presented but wrong is refused, even with a valid session.
            return tokens::resolve(state, token).await?.map(ApiUser).ok_or(AppError::Unauthorized);
        }
        parts
            .extensions
            .get::<Authentication>()
            .and_then(|a| a.user.clone())
            .map(ApiUser)
            .ok_or(AppError::Unauthorized)
    }
}
