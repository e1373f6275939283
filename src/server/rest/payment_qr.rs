//! `GET /v1/contacts/{id}/payment-qr.png`: the payment QR code as a file (the Download PNG
//! button, and integrations that print it).

use axum::{
    extract::{Path, RawQuery, State, rejection::PathRejection},
    http::header,
    response::{IntoResponse, Response},
};

use super::{
    ApiUser,
    openapi::{Binary, ErrorBody, FORBIDDEN_UPLOAD_TOKEN, INTERNAL, TIMED_OUT, UNAUTHORIZED},
    path_id,
};
use crate::{
    error::AppError,
    server::{AppState, mail, report::params_of},
};

/// A policy's payment QR code as PNG
///
/// The same image as the QR email carries (EMVCo merchant-presented payload: the amount due and
/// the policy number as bill number), as an attachment named `payment-qr-<policy>.png`. For any
/// agent or admin.
#[utoipa::path(
    get,
    path = "/v1/contacts/{id}/payment-qr.png",
    operation_id = "get_payment_qr_png",
    tag = "contacts",
    params(
        ("id" = i64, Path, description = "The contact's id."),
        ("policy_number" = String, Query, min_length = 1, pattern = r"\S",
            description = "One of the contact's policies with an amount due, e.g. `LIB/C7013`."),
    ),
    responses(
        (status = 200, description = "The PNG.", content_type = "image/png", body = Binary,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"payment-qr-LIB-C7013.png\"`."))),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No contact has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "No `policy_number`, a policy of another contact, or nothing due on it (`invalid_input`, field `policy_number`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) async fn png(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    id: Result<Path<i64>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let id = path_id(id, "contact")?;
    let params = params_of(query.as_deref().unwrap_or_default());
    let policy = params.get("policy_number").map(|p| p.trim()).filter(|p| !p.is_empty());
    let policy = policy.ok_or_else(|| AppError::invalid("policy_number", "policy_number is required."))?;
    let (file_name, bytes) = mail::payment_qr_png(&state, id, policy).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
