//! `POST /v1/customer_contact_updates` and `GET /v1/customer_contact_updates/latest/{customer_id}`.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use super::ApiUser;
use crate::{
    domain::contact_update::ContactUpdateInput,
    error::{AppError, FieldError},
    server::{AppState, contact_updates, customers, time},
};

/// The seed's request. `customer_name`, `old_*`, `agent_id` and `agent_name` may be sent by
/// older clients; they are ignored: the server knows the customer, and the agent is the caller.
#[derive(Debug, Deserialize)]
pub struct CreateRequest {
    customer_id: String,
    policy_number: Option<String>,
    new_mobile: Option<String>,
    new_email: Option<String>,
    update_reason: Option<String>,
    notes: Option<String>,
    idempotency_key: Option<String>,
}

#[derive(Debug, Serialize)]
struct CreateResponse {
    id: i64,
    customer_id: Option<String>,
    policy_number: Option<String>,
    status: String,
    captured_at: String,
    agent_id: i64,
    agent_name: String,
    message: &'static str,
}

/// REST names of the form's fields.
fn rest_field(field: &str) -> &str {
    match field {
        "reason" => "update_reason",
        other => other,
    }
}

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
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(body.idempotency_key);
    let input = ContactUpdateInput {
        new_mobile: body.new_mobile.unwrap_or_default(),
        new_email: body.new_email.unwrap_or_default(),
        reason: body.update_reason.unwrap_or_default(),
        notes: body.notes.unwrap_or_default(),
    };
    let captured = contact_updates::capture(&state, &agent, &contact, body.policy_number, &input, key)
        .await
        .map_err(|e| match e {
            AppError::Invalid(errors) => AppError::Invalid(
                errors.into_iter().map(|f| FieldError::new(rest_field(&f.field), f.message)).collect(),
            ),
            other => other,
        })?;
    let u = captured.update;
    let status = if captured.replayed { StatusCode::OK } else { StatusCode::CREATED };
    let response = CreateResponse {
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

#[derive(Debug, Serialize)]
struct LatestResponse {
    customer_id: String,
    latest_mobile: Option<String>,
    latest_email: Option<String>,
    updated_at: Option<String>,
    updated_by: Option<String>,
}

pub async fn latest(
    State(state): State<AppState>,
    ApiUser(_caller): ApiUser,
    Path(customer_id): Path<String>,
) -> Result<Json<impl Serialize>, AppError> {
    let contact_updates::Latest { contact, update } = contact_updates::latest(&state, &customer_id).await?;
    Ok(Json(LatestResponse {
        customer_id,
        latest_mobile: contact.mobile,
        latest_email: contact.email,
        updated_at: update.as_ref().map(|u| time::rfc3339(u.captured_at)),
        updated_by: update.map(|u| u.agent_name),
    }))
}
