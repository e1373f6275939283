//! Admin → Activity: the admin audit log as people read it.

use serde::{Deserialize, Serialize};

pub const ACTIVITY_PAGE_SIZE: i64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: String,
    /// The admin who acted; `None` for the command line.
    pub actor: Option<String>,
    pub action: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub total: i64,
    pub page: i64,
    /// Every action in the log, for the filter.
    pub actions: Vec<String>,
}

impl ActivityPage {
    pub fn pages(&self) -> i64 {
        super::page_count(self.total, ACTIVITY_PAGE_SIZE)
    }
}

/// What an action means, for people.
pub fn action_label(action: &str) -> &str {
    match action {
        "contact_updates.sync" => "Contact updates synced",
        "contact_updates.reject" => "Contact update rejected",
        "contact_updates.export" => "Contact updates exported",
        "customers.import" => "Customers imported",
        "user.create" => "User created",
        "user.deactivate" => "User deactivated",
        "user.reactivate" => "User reactivated",
        "user.reset_password" => "Password reset",
        "token.create" => "API token created",
        "token.revoke" => "API token revoked",
        "contact.delete" => "Contact deleted",
        "contact.edit" => "Contact edited",
        "email.resend" => "Email resent",
        "email.cancel" => "Email cancelled",
        other => other,
    }
}
