//! The admin report of contact updates and the master-system sync: list, sync one, sync many,
//! sync everything matching a filter, reject. One function per action; the report page's server
//! functions and the `/v1` handlers both call these, and only these touch the database.

use std::collections::HashMap;

use super::{
    AppState,
    auth::Admin,
    db::report::{RejectOutcome, ReportRecord, UpdateQuery},
    time,
};
use crate::{
    domain::{
        contact_update::UpdateStatus,
        phone,
        report::{
            DEFAULT_PAGE_SIZE, MAX_LIMIT, Paging, ReportFilter, ReportPage, ReportRow, SyncOutcome,
            query_string,
        },
    },
    error::{AppError, FieldError},
};

/// The most ids one bulk sync takes; a bigger set is a filter ("all matching").
pub const MAX_BULK_IDS: usize = 50_000;

/// Query parameters (`a=1&b=2`, a leading `?` allowed) as a map; the last value of a key wins.
pub fn params_of(query: &str) -> HashMap<String, String> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).into_owned().collect()
}

/// The report's filter resolved to instants.
pub fn resolve(filter: &ReportFilter) -> UpdateQuery {
    UpdateQuery {
        status: filter.status,
        agent_id: filter.agent_id,
        from_ms: filter.from_date.map(time::day_start_ms),
        to_ms: filter.to_date.map(time::day_end_ms),
        q: Some(filter.q.trim().to_owned()).filter(|q| !q.is_empty()),
        leads: filter.leads(),
        up_to_id: None,
    }
}

/// `limit`/`offset` of the API: 1 to 1000 rows, from 0.
pub fn api_paging(params: &HashMap<String, String>) -> Result<Paging, AppError> {
    let number = |name: &str, default: i64| match params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    {
        None => Ok(default),
        Some(v) => v.parse::<i64>().map_err(|_| format!("'{v}' is not a number.")),
    };
    let limit = number("limit", DEFAULT_PAGE_SIZE)
        .and_then(
            |l| if (1..=MAX_LIMIT).contains(&l) { Ok(l) } else { Err(format!("Use 1 to {MAX_LIMIT}.")) },
        )
        .map_err(|m| FieldError::new("limit", format!("limit: {m}")));
    let offset = number("offset", 0)
        .and_then(|o| if o >= 0 { Ok(o) } else { Err("Use 0 or more.".to_owned()) })
        .map_err(|m| FieldError::new("offset", format!("offset: {m}")));
    match (limit, offset) {
        (Ok(limit), Ok(offset)) => Ok(Paging { limit, offset }),
        (limit, offset) => Err(AppError::Invalid(limit.err().into_iter().chain(offset.err()).collect())),
    }
}

/// The report page's `page` and `size`; anything odd falls back to the first page.
fn page_paging(params: &HashMap<String, String>) -> Paging {
    let number = |name: &str| params.get(name).and_then(|v| v.trim().parse::<i64>().ok());
    Paging::page(number("page").unwrap_or(1), number("size").unwrap_or(DEFAULT_PAGE_SIZE))
}

/// Matching updates, newest first: the total and one page.
pub async fn list(
    state: &AppState,
    _admin: &Admin,
    filter: &ReportFilter,
    paging: Paging,
) -> Result<(i64, Vec<ReportRecord>), AppError> {
    let query = resolve(filter);
    let total = state.db.count_updates(&query).await?;
    let rows = state.db.list_updates(&query, paging.limit, paging.offset).await?;
    Ok((total, rows))
}

/// The report page for the query string of its URL.
pub async fn page(state: &AppState, _admin: &Admin, query: &str) -> Result<ReportPage, AppError> {
    let params = params_of(query);
    let filter = ReportFilter::from_params(|k| params.get(k).cloned())?;
    let paging = page_paging(&params);
    // Read first, so "all matching" never reaches a row captured after the page was read.
    // The count itself is not bounded by it: a bound on the id would turn SQLite's count of an
    // index into a range scan (73 ms instead of 5 over a million rows).
    let as_of = state.db.max_update_id().await?;
    let resolved = resolve(&filter);
    let total = state.db.count_updates(&resolved).await?;
    let rows = state.db.list_updates(&resolved, paging.limit, paging.offset).await?;
    let agents = state.db.user_names().await?;
    // The exports are the export service's to list (the server function adds them).
    let exports = Vec::new();
    Ok(ReportPage { rows: rows.into_iter().map(row_view).collect(), total, paging, as_of, agents, exports })
}

fn row_view(record: ReportRecord) -> ReportRow {
    let u = record.update;
    let (decided_at, decided_by) = match u.status {
        UpdateStatus::Pending => (None, None),
        UpdateStatus::Synced => (u.synced_at.map(time::display), record.synced_by_name),
        UpdateStatus::Rejected => (u.rejected_at.map(time::display), record.rejected_by_name),
    };
    ReportRow {
        id: u.id,
        contact_id: u.contact_id,
        customer_id: u.customer_id,
        policy_number: u.policy_number,
        customer_name: u.customer_name,
        old_mobile: u.old_mobile.as_deref().map(phone::display),
        new_mobile: u.new_mobile.as_deref().map(phone::display),
        old_email: u.old_email,
        new_email: u.new_email,
        reason: u.update_reason,
        notes: u.notes,
        agent_name: u.agent_name,
        captured_at: time::display(u.captured_at),
        status: u.status,
        decided_at,
        decided_by,
        reject_reason: u.reject_reason,
    }
}

/// What became of a single sync.
pub enum SyncedOne {
    Synced(ReportRecord),
    /// It was synced before; nothing changed.
    Already(ReportRecord),
}

/// Marks one update synced. Already synced: unchanged, not an error; rejected: a conflict.
pub async fn sync_one(state: &AppState, admin: &Admin, id: i64) -> Result<SyncedOne, AppError> {
    let record = state.db.update_record(id).await?.ok_or_else(|| no_such_update(id))?;
    match record.update.status {
        UpdateStatus::Synced => return Ok(SyncedOne::Already(record)),
        UpdateStatus::Rejected => {
            return Err(AppError::Conflict(format!(
                "Update {id} was rejected; a rejected update cannot be synced."
            )));
        }
        UpdateStatus::Pending => {}
    }
    let synced = state.db.sync_updates(&[id], admin.id, time::now_ms(), &format!("update {id}")).await?;
    super::dashboard::forget(state).await;
    let record = state.db.update_record(id).await?.ok_or_else(|| no_such_update(id))?;
    match (synced, record.update.status) {
        (1, _) | (_, UpdateStatus::Synced) => Ok(SyncedOne::Synced(record)),
        // Rejected by someone else between the read and the write.
        _ => {
            Err(AppError::Conflict(format!("Update {id} was rejected; a rejected update cannot be synced.")))
        }
    }
}

fn no_such_update(id: i64) -> AppError {
    AppError::NotFound(format!("No contact update has id {id}."))
}

/// Marks the pending ones among `ids` synced; the others (synced, rejected, unknown) are
/// counted as skipped.
pub async fn sync_ids(state: &AppState, admin: &Admin, ids: &[i64]) -> Result<SyncOutcome, AppError> {
    if ids.is_empty() {
        return Err(AppError::invalid("update_ids", "Select at least one update."));
    }
    if ids.len() > MAX_BULK_IDS {
        return Err(AppError::invalid(
            "update_ids",
            format!("At most {MAX_BULK_IDS} ids at once ({} sent); sync a filter instead.", ids.len()),
        ));
    }
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let detail = format!("{} selected update(s)", unique.len());
    let synced = state.db.sync_updates(&unique, admin.id, time::now_ms(), &detail).await?;
    super::dashboard::forget(state).await;
    Ok(SyncOutcome { synced_count: synced, skipped_count: unique.len() as i64 - synced })
}

/// Marks synced every pending update that matches `filter` and existed at `as_of` (the newest
/// id the admin's page showed): never one captured after the admin confirmed.
pub async fn sync_matching(
    state: &AppState,
    admin: &Admin,
    filter: &ReportFilter,
    as_of: i64,
) -> Result<SyncOutcome, AppError> {
    if as_of < 0 {
        return Err(AppError::invalid("as_of", "as_of is the newest update id the page showed."));
    }
    let mut query = resolve(filter);
    query.up_to_id = Some(as_of);
    let shown = query_string(&filter.to_params());
    let detail = format!(
        "all matching [{}] up to update {as_of}",
        if shown.is_empty() { "no filter" } else { &shown }
    );
    let (matching, synced) = state.db.sync_matching(&query, admin.id, time::now_ms(), &detail).await?;
    super::dashboard::forget(state).await;
    Ok(SyncOutcome { synced_count: synced, skipped_count: matching - synced })
}

/// Rejects a pending update; the contact's current value falls back field by field.
pub async fn reject(
    state: &AppState,
    admin: &Admin,
    id: i64,
    reason: &str,
) -> Result<ReportRecord, AppError> {
    let reason = crate::domain::report::parse_reject_reason(reason)?;
    let outcome = state.db.reject_update(id, admin.id, &reason, time::now_ms()).await?;
    super::dashboard::forget(state).await;
    match outcome {
        RejectOutcome::Rejected(_) => {
            tracing::info!(update_id = id, admin = admin.id, "contact update rejected");
            state.db.update_record(id).await?.ok_or_else(|| no_such_update(id))
        }
        RejectOutcome::NotFound => Err(no_such_update(id)),
        RejectOutcome::Decided(update) => Err(AppError::Conflict(format!(
            "Update {id} is already {}; only a pending update can be rejected.",
            update.status.as_str()
        ))),
    }
}
