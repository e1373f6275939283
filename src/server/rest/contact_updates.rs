//! `POST /v1/customer_contact_updates` and `GET /v1/customer_contact_updates/latest/{customer_id}`.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiUser,
    openapi::{ErrorBody, FORBIDDEN_UPLOAD_TOKEN, INTERNAL, TIMED_OUT, UNAUTHORIZED},
};
use crate::{
    domain::{
        contact_update::{ContactUpdateInput, UpdateReason},
        phone,
    },
    error::AppError,
    server::{AppState, contact_updates, customers, time},
};

/// A contact correction, in the seed document's shape. `customer_name`, `old_mobile`,
/// `old_email`, `agent_id` and `agent_name` may be sent by older clients and are ignored: the
/// server knows the customer, and the agent is the caller.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewContactUpdate)]
pub struct CreateRequest {
    /// The master system's id of the customer.
    #[schema(min_length = 1, pattern = r"\S", example = "12345")]
    customer_id: String,
    /// One of the customer's policies, if the correction came up about one.
    #[schema(example = "LIB/C7013")]
    policy_number: Option<String>,
    /// A mobile number as typed (local or international); stored as E.164. At least one of
    /// `new_mobile` and `new_email` must change something.
    #[schema(pattern = r"^\s*[ ()./\u00A0-]*\+?[0-9 ()./\u00A0-]*\s*$", example = "5812 3456")]
    new_mobile: Option<String>,
    #[schema(format = Email, example = "new@email.com")]
    new_email: Option<String>,
    /// Required: why the contact changed (the Update Contact modal's six reasons).
    #[schema(value_type = UpdateReason, required = true)]
    update_reason: Option<String>,
    /// Free text, at most 500 characters; no control characters but line breaks and tabs.
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$")]
    notes: Option<String>,
    /// 8 to 100 letters, digits, `-` or `_`, unique per request: a retry with the same key
    /// stores nothing new. The `Idempotency-Key` header, if sent, wins over this field.
    #[schema(pattern = r"^[ \t\n\f\r]*([A-Za-z0-9_-]{8,100}[ \t\n\f\r]*)?$")]
    idempotency_key: Option<String>,
}

/// The stored update.
#[derive(Debug, Serialize, ToSchema)]
struct CreatedUpdate {
    id: i64,
    customer_id: Option<String>,
    policy_number: Option<String>,
    /// `pending` for a new update.
    #[schema(example = "pending")]
    status: String,
    /// RFC 3339, UTC.
    captured_at: String,
    /// The caller, whatever the body said.
    agent_id: i64,
    agent_name: String,
    /// `Contact update saved successfully`, or `Contact update was already saved` for a retry.
    message: &'static str,
}

/// REST names of the form's fields.
fn rest_field(field: &str) -> &str {
    match field {
        "reason" => "update_reason",
        other => other,
    }
}

/// Capture a contact correction
///
/// Validates the correction against the customer's current details and stores it as `pending`
/// for the master-system sync; the agent recorded is always the caller (an agent's or admin's
/// session or `api` token). A retry carrying the same idempotency key (header `Idempotency-Key`
/// or body `idempotency_key`) stores nothing new and answers 200 with the update stored first.
#[utoipa::path(
    post,
    path = "/v1/customer_contact_updates",
    operation_id = "create_contact_update",
    tag = "contact-updates",
    params(("Idempotency-Key" = Option<String>, Header,
            pattern = r"^[ \t\n\f\r]*([A-Za-z0-9_-]{8,100}[ \t\n\f\r]*)?$",
            description = "Optional: 8 to 100 letters, digits, `-` or `_` (blank: none); wins over the body's `idempotency_key`.")),
    request_body(content = CreateRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored.", body = CreatedUpdate),
        (status = 200, description = "A retry of a stored request (same idempotency key): the update stored first, nothing new.", body = CreatedUpdate),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No customer has this `customer_id` (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The body is not JSON of this shape, or fields are invalid: each is named in `fields` (`customer_id`, `policy_number`, `new_mobile`, `new_email`, `update_reason`, `notes`, `idempotency_key`, or `change` when nothing would change).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(agent): ApiUser,
    headers: HeaderMap,
    body: Result<Json<CreateRequest>, JsonRejection>,
) -> Result<Response, AppError> {
    let body = super::json_body(body)?;
    let customer_id = body.customer_id.trim();
    if customer_id.is_empty() {
        return Err(AppError::invalid("customer_id", "customer_id is required."));
    }
    let contact = customers::by_customer_id(&state, customer_id).await?;
    // The header wins, but a key in the body must still be one.
    let key = match headers.get("idempotency-key") {
        Some(value) => {
            contact_updates::check_key(body.idempotency_key.as_deref())
                .map_err(|m| AppError::invalid("idempotency_key", m))?;
            Some(value.to_str().map(str::to_owned).map_err(|_| {
                AppError::invalid(
                    "idempotency_key",
                    "The Idempotency-Key header has 8 to 100 letters, digits, '-' or '_'.",
                )
            })?)
        }
        None => body.idempotency_key,
    };
    let input = ContactUpdateInput {
        new_mobile: body.new_mobile.unwrap_or_default(),
        new_email: body.new_email.unwrap_or_default(),
        reason: body.update_reason.unwrap_or_default(),
        notes: body.notes.unwrap_or_default(),
    };
    let captured = contact_updates::capture(&state, &agent, &contact, body.policy_number, &input, key)
        .await
        .map_err(|e| e.rename_fields(rest_field))?;
    let u = captured.update;
    let status = if captured.replayed { StatusCode::OK } else { StatusCode::CREATED };
    let response = CreatedUpdate {
        id: u.id,
        customer_id: u.customer_id,
        policy_number: u.policy_number,
        status: u.status.as_str().to_owned(),
        captured_at: time::rfc3339(u.captured_at),
        agent_id: u.agent_id,
        agent_name: u.agent_name,
        message: if captured.replayed {
            "Contact update was already saved"
        } else {
            "Contact update saved successfully"
        },
    };
    Ok((status, Json(response)).into_response())
}

/// A customer's current contact details and who set them last.
#[derive(Debug, Serialize, ToSchema)]
struct LatestContact {
    customer_id: String,
    /// In the master system's form: a Mauritius number's national digits (`58123456`), any
    /// other number in E.164.
    latest_mobile: Option<String>,
    /// E.164 (`+23058123456`), for integrations.
    latest_mobile_e164: Option<String>,
    latest_email: Option<String>,
    /// RFC 3339, UTC, of the latest correction; `null` when none was captured.
    updated_at: Option<String>,
    /// The agent who captured the latest correction.
    updated_by: Option<String>,
}

/// A customer's latest contact details
///
/// The customer's current mobile and email (corrections included) and the latest correction's
/// time and agent. For any agent or admin.
#[utoipa::path(
    get,
    path = "/v1/customer_contact_updates/latest/{customer_id}",
    operation_id = "latest_contact",
    tag = "contact-updates",
    params(("customer_id" = String, Path, description = "The master system's id of the customer.")),
    responses(
        (status = 200, description = "The customer's current details.", body = LatestContact),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No customer has this `customer_id` (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn latest(
    State(state): State<AppState>,
    ApiUser(_caller): ApiUser,
    Path(customer_id): Path<String>,
) -> Result<Json<impl Serialize>, AppError> {
    let contact_updates::Latest { contact, update } = contact_updates::latest(&state, &customer_id).await?;
    Ok(Json(LatestContact {
        customer_id,
        latest_mobile: contact.mobile.as_deref().map(phone::master_form),
        latest_mobile_e164: contact.mobile,
        latest_email: contact.email,
        updated_at: update.as_ref().map(|u| time::rfc3339(u.captured_at)),
        updated_by: update.map(|u| u.agent_name),
    }))
}
