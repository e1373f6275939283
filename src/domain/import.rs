//! The result of a master-data import, as the admin page and the CLI show it.

use serde::{Deserialize, Serialize};

/// The columns of the master system's export, in their usual order.
pub const IMPORT_COLUMNS: [&str; 7] =
    ["customer_id", "name", "policy_number", "mobile", "email", "amount_due", "payment_status"];

/// A line that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedLine {
    pub line: u64,
    pub column: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// The first rejected lines (all of them up to a thousand).
    pub rejected_lines: Vec<RejectedLine>,
    pub seconds: f64,
}

impl ImportReport {
    pub const MAX_LISTED: usize = 1000;

    pub fn summary(&self) -> String {
        format!(
            "{} rows: {} inserted, {} updated, {} unchanged, {} rejected ({:.1} s)",
            self.rows, self.inserted, self.updated, self.unchanged, self.rejected, self.seconds
        )
    }
}
