//! The admin report over HTTP: list, sync one, bulk sync, reject (seed endpoints 3–5).
//! `synced_by` is always the authenticated admin, whatever a body says.

use axum::{
    Json,
    extract::{
        Path, RawQuery, State,
        rejection::{JsonRejection, PathRejection},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiAdmin, json_body,
    openapi::{ErrorBody, FORBIDDEN_ADMIN, INTERNAL, TIMED_OUT, UNAUTHORIZED},
    path_id,
};
use crate::{
    domain::{
        contact_update::UpdateStatus,
        phone,
        report::{Leads, ReportFilter},
    },
    error::AppError,
    server::{
        AppState,
        db::report::ReportRecord,
        report::{self, SyncedOne},
        time,
    },
};

/// The report's filter as query parameters, read by `ReportFilter::from_params`; only this
/// document uses the type (the handlers read the raw query, so every bad parameter is reported
/// at once, by its name).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes the query for the OpenAPI document; the handlers parse it by hand")]
pub(super) struct FilterQuery {
    /// Only updates in this state.
    status: Option<UpdateStatus>,
    /// Only updates captured by this user (a positive user id).
    #[param(minimum = 1)]
    agent_id: Option<i64>,
    /// Captured on or after this day (`YYYY-MM-DD`, in the business time zone).
    #[param(value_type = Option<String>, format = Date, pattern = r"^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$", example = "2026-11-01")]
    from_date: Option<String>,
    /// Captured on or before this day, the whole day included; not before `from_date`.
    #[param(value_type = Option<String>, format = Date, pattern = r"^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$", example = "2026-11-25")]
    to_date: Option<String>,
    /// The beginning of a policy number or part of the customer's name, at most 100
    /// characters, no control characters.
    #[param(max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    q: Option<String>,
    /// Updates of new leads (contacts the master system does not know, without `customer_id`):
    /// `include`, `exclude` or `only`. Not given: `exclude`, for the list, its total, "all
    /// matching" and an export alike (the master system does not know new leads).
    leads: Option<Leads>,
}

/// Which page of the list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "describes the query for the OpenAPI document; `api_paging` parses it by hand")]
pub(super) struct PagingQuery {
    /// Rows per page, 1 to 1000; 50 when not given.
    #[param(minimum = 1, maximum = 1000, default = 50)]
    limit: Option<i64>,
    /// Rows to skip, 0 or more; 0 when not given.
    #[param(minimum = 0, default = 0)]
    offset: Option<i64>,
}

/// One update in the seed's shape, plus the decision's stamps. Phones are E.164; times are
/// RFC 3339, UTC.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ContactUpdate)]
pub(super) struct UpdateJson {
    id: i64,
    contact_id: i64,
    /// `null` for a new lead, unknown to the master system.
    customer_id: Option<String>,
    policy_number: Option<String>,
    customer_name: String,
    /// In the master system's form: a Mauritius number's national digits (`58123456`), any
    /// other number in E.164.
    old_mobile: Option<String>,
    /// In the master system's form, as `old_mobile`.
    new_mobile: Option<String>,
    /// E.164 (`+23058123456`), for integrations.
    old_mobile_e164: Option<String>,
    /// E.164, for integrations.
    new_mobile_e164: Option<String>,
    old_email: Option<String>,
    new_email: Option<String>,
    update_reason: String,
    notes: Option<String>,
    agent_id: i64,
    agent_name: String,
    captured_at: String,
    status: UpdateStatus,
    synced_at: Option<String>,
    /// The admin who synced it.
    synced_by: Option<i64>,
    synced_by_name: Option<String>,
    rejected_at: Option<String>,
    rejected_by: Option<i64>,
    rejected_by_name: Option<String>,
    reject_reason: Option<String>,
}

impl From<ReportRecord> for UpdateJson {
    fn from(r: ReportRecord) -> Self {
        let u = r.update;
        Self {
            id: u.id,
            contact_id: u.contact_id,
            customer_id: u.customer_id,
            policy_number: u.policy_number,
            customer_name: u.customer_name,
            old_mobile: u.old_mobile.as_deref().map(phone::master_form),
            new_mobile: u.new_mobile.as_deref().map(phone::master_form),
            old_mobile_e164: u.old_mobile,
            new_mobile_e164: u.new_mobile,
            old_email: u.old_email,
            new_email: u.new_email,
            update_reason: u.update_reason,
            notes: u.notes,
            agent_id: u.agent_id,
            agent_name: u.agent_name,
            captured_at: time::rfc3339(u.captured_at),
            status: u.status,
            synced_at: u.synced_at.map(time::rfc3339),
            synced_by: u.synced_by,
            synced_by_name: r.synced_by_name,
            rejected_at: u.rejected_at.map(time::rfc3339),
            rejected_by: u.rejected_by,
            rejected_by_name: r.rejected_by_name,
            reject_reason: u.reject_reason,
        }
    }
}

/// A page of the report.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ContactUpdatePage)]
struct ListJson {
    /// Every update matching the filter, not only this page.
    total: i64,
    limit: i64,
    offset: i64,
    /// Newest first.
    updates: Vec<UpdateJson>,
}

/// List contact updates (admin)
///
/// The report: updates matching every filter given, newest first, a page at a time. Every bad
/// parameter is reported at once, by its name.
#[utoipa::path(
    get,
    path = "/v1/customer_contact_updates",
    operation_id = "list_contact_updates",
    tag = "contact-updates",
    params(FilterQuery, PagingQuery),
    responses(
        (status = 200, description = "One page of matching updates.", body = ListJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "A query parameter is invalid; each is named in `fields` (`status`, `agent_id`, `from_date`, `to_date`, `q`, `leads`, `limit`, `offset`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn list(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    RawQuery(query): RawQuery,
) -> Result<Json<impl Serialize>, AppError> {
    let params = report::params_of(query.as_deref().unwrap_or_default());
    let filter = ReportFilter::from_params(|k| params.get(k).cloned());
    let paging = report::api_paging(&params);
    // Every bad parameter at once, the filter's and the paging's.
    let (filter, paging) = AppError::both(filter, paging)?;
    let (total, rows) = report::list(&state, &admin, &filter, paging).await?;
    Ok(Json(ListJson {
        total,
        limit: paging.limit,
        offset: paging.offset,
        updates: rows.into_iter().map(UpdateJson::from).collect(),
    }))
}

/// One update after a sync.
#[derive(Debug, Serialize, ToSchema)]
struct SyncedUpdate {
    id: i64,
    /// `synced`.
    status: UpdateStatus,
    /// RFC 3339, UTC: when it was first synced.
    synced_at: Option<String>,
    /// The admin who first synced it.
    synced_by: Option<i64>,
    /// `Update marked as synced`, or `Update was already synced; nothing changed`.
    message: &'static str,
}

/// Mark one update synced (admin)
///
/// Marks a pending update as synced to the master system. Already synced: 200 and nothing
/// changes (the first sync's time and admin stay). Rejected: 409. A body, if any, is ignored:
/// `synced_at` is the server's clock and `synced_by` is always the caller.
#[utoipa::path(
    patch,
    path = "/v1/customer_contact_updates/{id}/sync",
    operation_id = "sync_contact_update",
    tag = "contact-updates",
    params(("id" = i64, Path, description = "The update's id.")),
    responses(
        (status = 200, description = "Synced now, or synced before (nothing changed).", body = SyncedUpdate),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 404, description = "No update has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 409, description = "The update was rejected; a rejected update cannot be synced (`conflict`).", body = ErrorBody),
        (status = 422, description = "The id in the path is not a number (`invalid_input`, field `id`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn sync_one(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let id = path_id(id, "update")?;
    let (record, message) = match report::sync_one(&state, &admin, id).await? {
        SyncedOne::Synced(r) => (r, "Update marked as synced"),
        SyncedOne::Already(r) => (r, "Update was already synced; nothing changed"),
    };
    let u = record.update;
    Ok(Json(SyncedUpdate {
        id: u.id,
        status: u.status,
        synced_at: u.synced_at.map(time::rfc3339),
        synced_by: u.synced_by,
        message,
    }))
}

/// The updates to mark synced.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BulkSyncRequest {
    /// 1 to 50,000 update ids; duplicates count once.
    #[serde(deserialize_with = "whole_numbers")]
    #[schema(min_items = 1, max_items = 50000, example = json!([101, 102, 103]))]
    update_ids: Vec<i64>,
    /// Accepted for the seed's clients and ignored: the caller is who synced.
    #[serde(default, rename = "synced_by")]
    #[schema(value_type = Option<Value>)]
    _synced_by: Option<serde_json::Value>,
}

/// What a sync did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SyncCounts)]
struct BulkSyncJson {
    /// Updates marked synced now.
    synced_count: i64,
    /// Updates left as they were: already synced, rejected, or unknown.
    skipped_count: i64,
    /// The counts in words.
    #[schema(example = "5 updates marked as synced; 2 left as they were (already synced or rejected)")]
    message: String,
}

/// Mark several updates synced (admin)
///
/// Marks synced the pending updates among `update_ids`; the others (already synced, rejected,
/// unknown) are counted as skipped and left as they were. `synced_by` is always the caller.
#[utoipa::path(
    post,
    path = "/v1/customer_contact_updates/bulk-sync",
    operation_id = "bulk_sync_contact_updates",
    tag = "contact-updates",
    request_body(content = BulkSyncRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The counts.", body = BulkSyncJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 422, description = "The body is not JSON of this shape, or `update_ids` is empty or longer than 50,000 (`invalid_input`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn bulk_sync(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    body: Result<Json<BulkSyncRequest>, JsonRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let body = json_body(body)?;
    let outcome = report::sync_ids(&state, &admin, &body.update_ids).await?;
    Ok(Json(BulkSyncJson {
        synced_count: outcome.synced_count,
        skipped_count: outcome.skipped_count,
        message: outcome.message(),
    }))
}

/// Ids as JSON numbers that are whole: `30.0` is as much an integer as `30` to JSON Schema (and
/// to a client whose JSON library writes every number as a double).
fn whole_numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    let numbers = Vec::<serde_json::Number>::deserialize(d)?;
    numbers
        .into_iter()
        .map(|n| {
            n.as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an update id (a whole number)")))
        })
        .collect()
}

/// Why an update is rejected.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RejectRequest {
    /// Required: 1 to 500 characters, not only spaces; no control characters but line breaks
    /// and tabs.
    #[serde(default)]
    #[schema(
        required = true,
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$",
        example = "Wrong customer"
    )]
    reason: String,
}

/// Reject an update (admin)
///
/// Rejects a pending update with a reason: it will not be synced, and the customer's current
/// contact details fall back, field by field, to what they were before it.
#[utoipa::path(
    post,
    path = "/v1/customer_contact_updates/{id}/reject",
    operation_id = "reject_contact_update",
    tag = "contact-updates",
    params(("id" = i64, Path, description = "The update's id.")),
    request_body(content = RejectRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Rejected: the update as the list shows it.", body = UpdateJson),
        (status = 401, description = UNAUTHORIZED, body = ErrorBody),
        (status = 403, description = FORBIDDEN_ADMIN, body = ErrorBody),
        (status = 404, description = "No update has this id (`not_found`).", body = ErrorBody),
        (status = 408, description = TIMED_OUT),
        (status = 409, description = "The update is not pending: already synced or rejected (`conflict`).", body = ErrorBody),
        (status = 422, description = "The id is not a number, the body is not JSON of this shape, or `reason` is empty, too long or has control characters (`invalid_input`).", body = ErrorBody),
        (status = 500, description = INTERNAL, body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = [])),
)]
pub async fn reject(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<RejectRequest>, JsonRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let id = path_id(id, "update")?;
    let body = json_body(body)?;
    let record = report::reject(&state, &admin, id, &body.reason).await?;
    Ok(Json(UpdateJson::from(record)))
}
