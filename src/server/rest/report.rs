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

use super::{ApiAdmin, json_body};
use crate::{
    domain::{contact_update::UpdateStatus, report::ReportFilter},
    error::AppError,
    server::{
        AppState,
        db::report::ReportRecord,
        report::{self, SyncedOne},
        time,
    },
};

/// One update in the seed's shape, plus the decision's stamps. Phones are E.164.
#[derive(Debug, Serialize)]
struct UpdateJson {
    id: i64,
    contact_id: i64,
    customer_id: Option<String>,
    policy_number: Option<String>,
    customer_name: String,
    old_mobile: Option<String>,
    new_mobile: Option<String>,
    old_email: Option<String>,
    new_email: Option<String>,
    update_reason: String,
    notes: Option<String>,
    agent_id: i64,
    agent_name: String,
    captured_at: String,
    status: UpdateStatus,
    synced_at: Option<String>,
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
            old_mobile: u.old_mobile,
            new_mobile: u.new_mobile,
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

#[derive(Debug, Serialize)]
struct ListJson {
    total: i64,
    limit: i64,
    offset: i64,
    updates: Vec<UpdateJson>,
}

/// `GET /v1/customer_contact_updates?status&agent_id&from_date&to_date&q&leads&limit&offset`
pub async fn list(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    RawQuery(query): RawQuery,
) -> Result<Json<impl Serialize>, AppError> {
    let params = report::params_of(query.as_deref().unwrap_or_default());
    let filter = ReportFilter::from_params(|k| params.get(k).cloned());
    let paging = report::api_paging(&params);
    // Report every bad parameter at once, the filter's and the paging's.
    let (filter, paging) = match (filter, paging) {
        (Ok(f), Ok(p)) => (f, p),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(b))) => {
            a.extend(b);
            return Err(AppError::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let (total, rows) = report::list(&state, &admin, &filter, paging).await?;
    Ok(Json(ListJson {
        total,
        limit: paging.limit,
        offset: paging.offset,
        updates: rows.into_iter().map(UpdateJson::from).collect(),
    }))
}

#[derive(Debug, Serialize)]
struct SyncJson {
    id: i64,
    status: UpdateStatus,
    synced_at: Option<String>,
    synced_by: Option<i64>,
    message: &'static str,
}

/// `PATCH /v1/customer_contact_updates/{id}/sync`: 200 (also when it was synced before, with
/// no change), 404 unknown, 409 rejected. A body, if any, is ignored: the server's clock and
/// the caller decide `synced_at` and `synced_by`.
pub async fn sync_one(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let id = update_id(id)?;
    let (record, message) = match report::sync_one(&state, &admin, id).await? {
        SyncedOne::Synced(r) => (r, "Update marked as synced"),
        SyncedOne::Already(r) => (r, "Update was already synced; nothing changed"),
    };
    let u = record.update;
    Ok(Json(SyncJson {
        id: u.id,
        status: u.status,
        synced_at: u.synced_at.map(time::rfc3339),
        synced_by: u.synced_by,
        message,
    }))
}

#[derive(Debug, Deserialize)]
pub struct BulkSyncRequest {
    update_ids: Vec<i64>,
    /// Accepted for the seed's clients and ignored: the caller is who synced.
    #[serde(default, rename = "synced_by")]
    _synced_by: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct BulkSyncJson {
    synced_count: i64,
    skipped_count: i64,
    message: String,
}

/// `POST /v1/customer_contact_updates/bulk-sync` with `{update_ids}`.
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

#[derive(Debug, Deserialize)]
pub struct RejectRequest {
    #[serde(default)]
    reason: String,
}

/// `POST /v1/customer_contact_updates/{id}/reject` with `{reason}`: 200, 404, 409 (not
/// pending), 422 (no reason).
pub async fn reject(
    State(state): State<AppState>,
    ApiAdmin(admin): ApiAdmin,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Json<RejectRequest>, JsonRejection>,
) -> Result<Json<impl Serialize>, AppError> {
    let id = update_id(id)?;
    let body = json_body(body)?;
    let record = report::reject(&state, &admin, id, &body.reason).await?;
    Ok(Json(UpdateJson::from(record)))
}

/// The `{id}` of the path, or 422 naming it.
fn update_id(path: Result<Path<i64>, PathRejection>) -> Result<i64, AppError> {
    path.map(|Path(id)| id).map_err(|_| AppError::invalid("id", "The update id in the path is a number."))
}
