//! Admin → Activity: reading the admin audit log.

use super::{AppState, auth::Admin, time};
use crate::{
    domain::activity::{ACTIVITY_PAGE_SIZE, ActivityEntry, ActivityPage},
    error::AppError,
};

/// One page of the log, newest first; `action` empty means every action.
pub async fn page(
    state: &AppState,
    _admin: &Admin,
    action: &str,
    page: i64,
) -> Result<ActivityPage, AppError> {
    let action = Some(action.trim()).filter(|a| !a.is_empty());
    if action.is_some_and(|a| a.len() > 64) {
        return Err(AppError::invalid("action", "No such action."));
    }
    let page = page.max(1);
    let (total, rows) =
        state.db.audit_page(action, ACTIVITY_PAGE_SIZE, (page - 1) * ACTIVITY_PAGE_SIZE).await?;
    let entries = rows
        .into_iter()
        .map(|r| ActivityEntry {
            id: r.id,
            at: time::display(r.at),
            actor: r.actor_name,
            action: r.action,
            detail: r.detail,
        })
        .collect();
    Ok(ActivityPage { entries, total, page, actions: state.db.audit_actions().await? })
}
