//! The `/v1` HTTP API (JSON) for the mobile apps and the master-system sync.
//!
//! Authenticated by the browser's session cookie or `Authorization: Bearer <token>`. Errors are
//! `{"error": {"code", "message", "fields"}}` with a status that fits.

mod calls;
mod contact_updates;
mod exports;
mod report;

use axum::{
    Router,
    extract::{FromRequestParts, Request},
    http::{header, request::Parts},
};

use super::{
    AppState,
    auth::{AuthUser, Authentication},
    tokens::{self, TokenPrincipal},
};
use crate::{domain::token::TokenScope, error::AppError};

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
        .route("/calls/{id}", axum::routing::get(calls::get))
        .route("/calls/{id}/audio", axum::routing::get(calls::audio_file))
        .fallback(|_: Request| async { AppError::NotFound("No such API endpoint.".into()) })
}

/// The upload route, kept apart from [`router`]: it must not run under the app's 30-second
/// request timeout (a long recording on a weak network takes minutes; it has an idle timeout
/// instead), and its body limit is the recordings' own.
pub fn upload_router(max_bytes: u64) -> Router<AppState> {
    let limit = usize::try_from(max_bytes).unwrap_or(usize::MAX).saturating_add(1 << 20);
    Router::new().route(
        "/v1/calls/upload",
        axum::routing::post(calls::upload).layer(axum::extract::DefaultBodyLimit::max(limit)),
    )
}

/// Who presented a request to `/v1`: a bearer token's principal, else the session's user.
enum Caller {
    Token(TokenPrincipal),
    Session(AuthUser),
}

impl Caller {
    async fn of(parts: &Parts, state: &AppState) -> Result<Self, AppError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        if let Some(token) = bearer {
            // A token that is presented but wrong is refused, even with a valid session.
            return tokens::resolve(&state.db, token).await?.map(Caller::Token).ok_or(AppError::Unauthorized);
        }
        parts
            .extensions
            .get::<Authentication>()
            .and_then(|a| a.user.clone())
            .map(Caller::Session)
            .ok_or(AppError::Unauthorized)
    }
}

/// The caller of an API route: a session, or an `api` token acting with its user's role;
/// otherwise 401. An `upload` token (a phone's) gets 403 here: it can upload and nothing else.
pub struct ApiUser(pub AuthUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Caller::of(parts, state).await? {
            Caller::Session(user) => Ok(ApiUser(user)),
            Caller::Token(t) if t.scope == TokenScope::Api => Ok(ApiUser(t.user)),
            Caller::Token(t) => {
                tracing::warn!(token_id = t.token_id, path = %parts.uri.path(), "upload token refused outside uploads");
                Err(AppError::Forbidden)
            }
        }
    }
}

/// The caller of the upload route: any token (the recording is attributed to its user) or a
/// session. The token's id is kept on the call log, so a lost phone's uploads can be found.
pub struct Uploader {
    pub user: AuthUser,
    pub token_id: Option<i64>,
}

impl FromRequestParts<AppState> for Uploader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(match Caller::of(parts, state).await? {
            Caller::Session(user) => Uploader { user, token_id: None },
            Caller::Token(t) => Uploader { user: t.user, token_id: Some(t.token_id) },
        })
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
