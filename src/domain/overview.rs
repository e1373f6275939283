//! The figures on the Overview page.

use serde::{Deserialize, Serialize};

use super::money::Money;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub customers: i64,
    pub policies: i64,
    pub policies_pending: i64,
    pub amount_due: Money,
    /// Only admins see the account count.
    pub active_users: Option<i64>,
}

/// Everything the Overview page shows: the figures and, for admins, the sync dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub overview: Overview,
    pub dashboard: Option<super::dashboard::Dashboard>,
}
