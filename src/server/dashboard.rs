//! The admin dashboard: pending, synced this week, the oldest pending update, updates per
//! business day and reason for the chart, and per agent.

use std::time::{Duration, Instant};

use super::{
    AppState,
    auth::{Admin, AuthUser},
    time,
};
use crate::{
    domain::{
        contact_update::UpdateReason,
        dashboard::{AgentCounts, CHART_DAYS, Dashboard, DayCounts, OldestPending},
        overview::Home,
    },
    error::AppError,
};

/// The dashboard is at most this old: computing it reads the last 30 days of updates (about
/// 50 ms with a million stored), and several admins' page views share one computation. An
/// admin's own sync or rejection clears it at once ([`forget`]).
const TTL: Duration = Duration::from_secs(5);

/// The Overview page: the figures every user sees and, for an admin, the dashboard below them.
pub async fn home(state: &AppState, user: &AuthUser) -> Result<Home, AppError> {
    let admin = user.clone().admin().ok();
    let overview = state.overview(admin.is_some()).await?;
    let dashboard = match &admin {
        Some(admin) => Some(dashboard(state, admin).await?),
        None => None,
    };
    Ok(Home { overview, dashboard })
}

pub async fn dashboard(state: &AppState, _admin: &Admin) -> Result<Dashboard, AppError> {
    let mut cache = state.dashboard.lock().await;
    if let Some((at, d)) = cache.as_ref()
        && at.elapsed() < TTL
    {
        return Ok(d.clone());
    }
    let fresh = compute(state).await?;
    *cache = Some((Instant::now(), fresh.clone()));
    Ok(fresh)
}

/// After a status change: the next dashboard is computed afresh.
pub async fn forget(state: &AppState) {
    *state.dashboard.lock().await = None;
}

async fn compute(state: &AppState) -> Result<Dashboard, AppError> {
    let now = time::now_ms();
    let today = time::day_of(now);
    let first = time::add_days(today, -(CHART_DAYS - 1));
    let days: Vec<_> = (0..CHART_DAYS).map(|i| time::add_days(first, i)).collect();
    let bounds: Vec<(i64, i64)> =
        days.iter().map(|d| (time::day_start_ms(*d), time::day_end_ms(*d))).collect();

    let pending = state.db.count_pending_updates().await?;
    let synced_this_week = state.db.count_synced_since(time::day_start_ms(time::week_start(today))).await?;
    let oldest_pending = state.db.oldest_pending().await?.map(|o| OldestPending {
        update_id: o.id,
        contact_id: o.contact_id,
        customer_name: o.customer_name,
        captured_at: time::display(o.captured_at),
        days: time::local_days_between(o.captured_at, now),
    });
    let mut counts: Vec<DayCounts> = days
        .iter()
        .map(|d| DayCounts {
            day: d.to_string(),
            label: time::short_day(*d),
            by_reason: vec![0; UpdateReason::ALL.len()],
        })
        .collect();
    for row in state.db.updates_per_day(&bounds).await? {
        // Stored reasons are the labels; anything unknown counts as "Other".
        let at = UpdateReason::parse(&row.reason)
            .ok()
            .and_then(|r| UpdateReason::ALL.iter().position(|x| *x == r))
            .unwrap_or(UpdateReason::ALL.len() - 1);
        if let Some(c) = usize::try_from(row.day).ok().and_then(|d| counts.get_mut(d)) {
            c.by_reason[at] += row.n;
        }
    }
    let agents = state
        .db
        .updates_per_agent(bounds[0].0)
        .await?
        .into_iter()
        .map(|a| AgentCounts {
            agent_id: a.agent_id,
            name: a.agent_name,
            updates: a.updates,
            pending: a.pending,
        })
        .collect();
    Ok(Dashboard { pending, synced_this_week, oldest_pending, days: counts, agents })
}
