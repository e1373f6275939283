//! The `/v1` HTTP API (JSON) for the mobile apps and the master-system sync.
//!
//! Authenticated by the browser's session cookie or `Authorization: Bearer <token>`. Errors are
//! `{"error": {"code", "message", "fields"}}` with a status that fits.

mod contact_updates;
mod exports;
mod report;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::{header, request::Parts},
};

use super::{AppState, auth::AuthUser, auth::Authentication, tokens};
use crate::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customer_contact_updates", axum::routing::post(contact_updates::create).get(report::list))
        .route("/customer_contact_updates/latest/{customer_id}", axum::routing::get(contact_updates::latest))
        .route("/customer_contact_updates/bulk-sync", axum::routing::post(report::bulk_sync))
        .route("/customer_contact_updates/export.csv", axum::routing::get(exports::csv))
        .route("/customer_contact_updates/export.xlsx", axum::routing::get(exports::xlsx))
        .route("/exports/{id}/download", axum::routing::get(exports::download_again))
        .route("/exports/{id}/sync", axum::routing::post(exports::sync))
        .route("/customer_contact_updates/{id}/sync", axum::routing::patch(report::sync_one))
        .route("/customer_contact_updates/{id}/reject", axum::routing::post(report::reject))
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

/// The caller of an admin route: like [`ApiUser`], and an admin, otherwise 403.
pub struct ApiAdmin(pub AuthUser);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser(user) = ApiUser::from_request_parts(parts, state).await?;
        user.ensure_admin().inspect_err(
            |_| tracing::warn!(user_id = user.id, path = %parts.uri.path(), "agent refused an admin API route"),
        )?;
        Ok(ApiAdmin(user))
    }
}

/// A JSON body, or 422 saying what is wrong with it.
fn json_body<T>(body: Result<axum::Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, AppError> {
    body.map(|axum::Json(b)| b).map_err(|rejection| {
        AppError::invalid("body", format!("The request body is not valid: {}", rejection.body_text()))
    })
}
