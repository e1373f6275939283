//! The admin's dashboard: where the master-system sync stands and how corrections come in.

use serde::{Deserialize, Serialize};

/// The oldest update still waiting for the master system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OldestPending {
    pub update_id: i64,
    pub contact_id: i64,
    pub customer_name: String,
    pub captured_at: String,
    /// Business days since it was captured.
    pub days: i64,
}

/// One business day of the chart: how many updates per reason, in `UpdateReason::ALL` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    /// `2026-11-25`
    pub day: String,
    /// `25 Nov`
    pub label: String,
    pub by_reason: Vec<i64>,
}

impl DayCounts {
    pub fn total(&self) -> i64 {
        self.by_reason.iter().sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentCounts {
    pub agent_id: i64,
    pub name: String,
    /// Updates captured in the chart's days.
    pub updates: i64,
    /// Of those, still pending.
    pub pending: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub pending: i64,
    pub synced_this_week: i64,
    pub oldest_pending: Option<OldestPending>,
    /// The last [`CHART_DAYS`] business days, oldest first, today last.
    pub days: Vec<DayCounts>,
    pub agents: Vec<AgentCounts>,
}

pub const CHART_DAYS: i64 = 30;
