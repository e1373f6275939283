//! `/v1/contacts`: list and search, create, one contact with its history, edit, delete.

use axum::{
    Json,
    extract::{
        Path, RawQuery, State,
        rejection::{JsonRejection, PathRejection},
    },
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiAdmin, ApiUser, json_body,
    openapi::{ErrorBody, FORBIDDEN_ADMIN, FORBIDDEN_UPLOAD_TOKEN, INTERNAL, TIMED_OUT, UNAUTHORIZED},
    path_id,
    report::UpdateJson,
};
use crate::{
    domain::{
        call::CallLog,
        contact::{ContactStatus, NewContactInput},
        contact_update::{ContactUpdateInput, UpdateReason},
        customer::CustomerHit,
    },
    error::AppError,
    server::{
        AppState,
        contacts::{self, ContactEdit, ContactHistory},
        db::contact_updates::ContactRow,
        report::{api_paging, params_of},
    },
};

/// The list's query, read by hand from the raw query so every bad parameter is named; only this
/// document uses the type.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes the query for the OpenAPI document; `list` parses it by hand")]
struct ListQuery {
    /// What the search box takes: words of the name (accents and case ignored), the
    /// beginning of a policy number, a phone number in any written form, or the beginning of an
    /// email address. Not given: every contact.
    #[param(max_length = 100, example = "kevin")]
    q: Option<String>,
    /// Only contacts of this status.
    status: Option<ContactStatus>,
}

/// A page of contacts, by name.
#[derive(Serialize, ToSchema)]
#[schema(as = ContactList)]
pub(super) struct ListJson {
    /// How many contacts match; a search (`q`) stops counting past 1,000 (`total_is_capped`).
    total: i64,
    /// There are more matches than `total`: a narrower `q` finds them.
    total_is_capped: bool,
    limit: i64,
    offset: i64,
    contacts: Vec<CustomerHit>,
}

/// List or search contacts
///
/// Every contact, or those the search `q` finds, of one status if asked, ordered by name. For
/// any agent or admin (session or `api` token).
#[utoipa::path(
    get,
    path = "/v1/contacts",
    operation_id = "list_contacts",
    tag = "contacts",
    params(ListQuery, super::report::PagingQuery),
    responses(
        (status = 200, description = "The page and the total.", body = ListJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "A bad parameter, named in `fields` (`invalid_input`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    RawQuery(query): RawQuery,
) -> Result<Json<ListJson>, AppError> {
    let params = params_of(query.as_deref().unwrap_or_default());
    let status = AppError::optional("status", params.get("status").map(String::as_str), ContactStatus::parse);
    let q = params.get("q").cloned().unwrap_or_default();
    let q = if q.chars().count() > 100 {
        Err(AppError::invalid("q", "q has at most 100 characters."))
    } else {
        Ok(q)
    };
    let (status, paging) = AppError::both(status, api_paging(&params))?;
    let q = q?;
    let page = contacts::list(&state, &q, status, paging.limit, paging.offset).await?;
    Ok(Json(ListJson {
        total: page.total,
        total_is_capped: page.capped,
        limit: paging.limit,
        offset: paging.offset,
        contacts: page.hits,
    }))
}

/// A contact's own fields.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Contact)]
pub(super) struct ContactJson {
    id: i64,
    /// The master system's id; `null` for a lead.
    customer_id: Option<String>,
    name: String,
    status: ContactStatus,
    /// E.164: the current value (the latest correction, else the original).
    mobile: Option<String>,
    email: Option<String>,
}

impl From<ContactRow> for ContactJson {
    fn from(c: ContactRow) -> Self {
        Self {
            id: c.id,
            customer_id: c.customer_id,
            name: c.name,
            status: c.status,
            mobile: c.mobile,
            email: c.email,
        }
    }
}

/// A new contact.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewContact)]
pub(super) struct CreateRequest {
    /// At most 200 characters once runs of spaces are one; no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]*$",
        example = "Marie Laval"
    )]
    name: String,
    /// A mobile as typed (local or international), stored as E.164. At least one of `mobile`
    /// and `email`.
    #[schema(pattern = r"^\s*[ ()./\u00A0-]*\+?[0-9 ()./\u00A0-]*\s*$", example = "5812 3456")]
    mobile: Option<String>,
    #[schema(format = Email, example = "marie.laval@example.mu")]
    email: Option<String>,
    /// `new_lead` when not given.
    status: Option<ContactStatus>,
    /// Confirms that the mobile is shared with another contact (families share phones);
    /// without it, a mobile another contact has is refused with 409.
    #[serde(default)]
    shared_phone: bool,
}

/// Create a contact
///
/// Validated like the Update Contact modal: a name, and a mobile (a real mobile number) or an
/// email (or both). For any agent or admin.
#[utoipa::path(
    post,
    path = "/v1/contacts",
    operation_id = "create_contact",
    tag = "contacts",
    request_body(content = CreateRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Created.", body = ContactJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 409, description = "Another contact has this mobile; the message names it. Send `shared_phone: true` if they share the phone (`conflict`).", body = ErrorBody),
        (status = 422, description = "The body is not JSON of this shape, or fields are invalid: each is named in `fields` (`name`, `mobile`, `email`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiUser(agent): ApiUser,
    body: Result<Json<CreateRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<ContactJson>), AppError> {
    let body = json_body(body)?;
    let input = NewContactInput {
        name: body.name,
        mobile: body.mobile.unwrap_or_default(),
        email: body.email.unwrap_or_default(),
    };
    let status = body.status.unwrap_or_default();
    let contact = contacts::create(&state, &agent, &input, status, body.shared_phone).await?;
    Ok((StatusCode::CREATED, Json(contact.into())))
}

/// One of a contact's policies.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Policy)]
pub(super) struct PolicyJson {
    #[schema(example = "LIB/C7013")]
    policy_number: String,
    /// MUR cents.
    amount_due_cents: i64,
    #[schema(example = "pending")]
    payment_status: String,
}

/// A contact with its interaction history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ContactDetail)]
pub(super) struct DetailJson {
    #[serde(flatten)]
    contact: ContactJson,
    policies: Vec<PolicyJson>,
    /// Every contact update (correction) of the contact, newest first.
    updates: Vec<UpdateJson>,
    /// How many calls there are in all.
    calls_total: i64,
    /// The newest 50 calls, newest first; `GET /v1/calls?contact_id=` pages through all.
    calls: Vec<CallLog>,
}

/// A contact and its history
///
/// The contact, its policies, and its interaction history: its contact updates and its calls,
/// each newest first. For any agent or admin.
#[utoipa::path(
    get,
    path = "/v1/contacts/{id}",
    operation_id = "get_contact",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id.")),
    responses(
        (status = 200, description = "The contact with its history.", body = DetailJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No contact has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) async fn get(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<DetailJson>, AppError> {
    let ContactHistory { contact, policies, updates, calls_total, calls } =
        contacts::history(&state, path_id(id, "contact")?).await?;
    Ok(Json(DetailJson {
        contact: contact.into(),
        policies: policies
            .into_iter()
            .map(|p| PolicyJson {
                policy_number: p.policy_number,
                amount_due_cents: p.amount_due_cents,
                payment_status: p.payment_status,
            })
            .collect(),
        updates: updates.into_iter().map(UpdateJson::from).collect(),
        calls_total,
        calls,
    }))
}

/// An edit of a contact: every field optional, absent ones unchanged.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = ContactEdit)]
pub(super) struct EditRequest {
    /// At most 200 characters once runs of spaces are one; no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^[^\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F]*$",
        example = "Marie Laval-Dupont"
    )]
    name: Option<String>,
    /// A contact with a `customer_id` (from the master system) stays `customer`.
    status: Option<ContactStatus>,
    /// A new mobile: stored as a contact update (the audit trail), which needs `update_reason`.
    #[schema(pattern = r"^\s*[ ()./\u00A0-]*\+?[0-9 ()./\u00A0-]*\s*$", example = "5812 3456")]
    mobile: Option<String>,
    /// A new email: stored as a contact update, which needs `update_reason`.
    #[schema(format = Email)]
    email: Option<String>,
    /// Required with a new `mobile` or `email`: why it changed.
    #[schema(value_type = Option<UpdateReason>)]
    update_reason: Option<String>,
    /// Free text with the contact update, at most 500 characters; no control characters but
    /// line breaks and tabs.
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$")]
    notes: Option<String>,
    /// Optional, with a new mobile or email: a retry with the same key stores one update (8 to
    /// 100 letters, digits, `-` or `_`).
    #[schema(pattern = r"^[ \t\n\f\r]*([A-Za-z0-9_-]{8,100}[ \t\n\f\r]*)?$")]
    idempotency_key: Option<String>,
}

/// Edit a contact
///
/// Name and status are set directly. A new mobile or email is recorded as a contact update with
/// its reason, by the caller, exactly as the Update Contact modal records one (it then appears
/// in the admin report for the master-system sync). A value equal to the current one is no
/// change. For any agent or admin.
#[utoipa::path(
    put,
    path = "/v1/contacts/{id}",
    operation_id = "edit_contact",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id.")),
    request_body(content = EditRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The contact as it is now.", body = ContactJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_UPLOAD_TOKEN, body = ErrorBody),
        (status = 404, description = "No contact has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The body is not JSON of this shape, or fields are invalid, each named in `fields` (`name`, `status`, `mobile`, `email`, `update_reason`, `notes`, `idempotency_key`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) async fn edit(
    State(state): State<AppState>,
    ApiUser(agent): ApiUser,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<EditRequest>, JsonRejection>,
) -> Result<Json<ContactJson>, AppError> {
    let id = path_id(id, "contact")?;
    let body = json_body(body)?;
    let wants_change = body.mobile.is_some() || body.email.is_some();
    let edit = ContactEdit {
        name: body.name,
        status: body.status,
        change: wants_change.then(|| ContactUpdateInput {
            new_mobile: body.mobile.unwrap_or_default(),
            new_email: body.email.unwrap_or_default(),
            reason: body.update_reason.unwrap_or_default(),
            notes: body.notes.unwrap_or_default(),
        }),
        idempotency_key: body.idempotency_key,
    };
    // The modal's field names as this API spells them.
    let contact = contacts::edit(&state, &agent, id, &edit).await.map_err(|e| {
        e.rename_fields(|field| match field {
            "new_mobile" => "mobile",
            "new_email" => "email",
            "reason" => "update_reason",
            other => other,
        })
    })?;
    Ok(Json(contact.into()))
}

/// Delete a contact (admin)
///
/// Only a contact that nothing refers to: one with calls, contact updates, policies or payment
/// messages stays (409 saying what it has), so the audit trail stays whole. Recorded in the
/// admin audit log.
#[utoipa::path(
    delete,
    path = "/v1/contacts/{id}",
    operation_id = "delete_contact",
    tag = "contacts",
    params(("id" = i64, Path, description = "The contact's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 404, description = "No contact has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 409, description = "The contact has calls, contact updates, policies or payment messages; the message says which (`conflict`).", body = ErrorBody),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub(super) async fn delete(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, AppError> {
    contacts::delete(&state, &admin, path_id(id, "contact")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
