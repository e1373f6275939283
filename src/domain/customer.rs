//! Customers as agents see them: search hits and the detail page.

use serde::{Deserialize, Serialize};

use super::{contact::ContactStatus, contact_update::UpdateStatus, money::Money};

/// One line of the Contacts list (and of `GET /v1/contacts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = ContactSummary))]
pub struct CustomerHit {
    pub contact_id: i64,
    /// The master system's id; `null` for a lead.
    pub customer_id: Option<String>,
    pub name: String,
    pub status: ContactStatus,
    pub policy_numbers: Vec<String>,
    /// E.164.
    pub mobile: Option<String>,
    pub email: Option<String>,
}

/// One page of the Contacts list or search.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<CustomerHit>,
    pub total: i64,
    /// A search stopped counting at [`SEARCH_COUNT_LIMIT`]: there are more than `total`.
    pub capped: bool,
    pub page: i64,
    pub per_page: i64,
}

/// Searches count matches up to this many; past it the total reads "more than".
pub const SEARCH_COUNT_LIMIT: i64 = 1000;

impl SearchPage {
    /// Whether `total` stopped at the count limit (there are more matches than it says).
    pub fn total_is_capped(&self) -> bool {
        self.capped
    }

    pub fn pages(&self) -> i64 {
        super::page_count(self.total, self.per_page)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub policy_number: String,
    pub amount_due: Money,
    pub payment_status: String,
}

/// Whether a payment can be asked for on a policy: something is due and it is not marked paid.
/// One rule for the QR screen's choice of policy and the server's refusal.
pub fn is_payable(payment_status: &str, amount_due_cents: i64) -> bool {
    payment_status != "paid" && amount_due_cents > 0
}

impl PolicyView {
    pub fn is_payable(&self) -> bool {
        is_payable(&self.payment_status, self.amount_due.cents)
    }
}

/// "Updated today" beside a field an agent corrected, with who and when for the tooltip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateMarker {
    pub text: String,
    pub detail: String,
}

/// One entry of a customer's update history, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactUpdateView {
    pub id: i64,
    pub captured_at: String,
    pub agent_name: String,
    pub policy_number: String,
    pub old_mobile: Option<String>,
    pub new_mobile: Option<String>,
    pub old_email: Option<String>,
    pub new_email: Option<String>,
    pub reason: String,
    pub notes: Option<String>,
    pub status: UpdateStatus,
    /// Why an admin rejected it; a rejected update is not the customer's value.
    pub reject_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub contact_id: i64,
    pub customer_id: Option<String>,
    pub name: String,
    pub status: ContactStatus,
    /// E.164, for comparisons; `mobile_display` is what people read.
    pub mobile: Option<String>,
    pub mobile_display: Option<String>,
    pub email: Option<String>,
    pub policies: Vec<PolicyView>,
    pub amount_due: Money,
    pub mobile_marker: Option<UpdateMarker>,
    pub email_marker: Option<UpdateMarker>,
    pub history: Vec<ContactUpdateView>,
    /// The newest recorded calls with this contact (at most [`CONTACT_CALLS`]).
    pub calls: Vec<crate::domain::call::CallLog>,
    /// How many calls there are in all.
    pub calls_total: i64,
    /// The payment messages sent to this contact, newest first.
    pub messages: Vec<crate::domain::payment_qr::OutboxMessage>,
}

/// Calls shown on a contact's page; the rest are on Call Logs, filtered to the contact.
pub const CONTACT_CALLS: i64 = 10;

impl CustomerDetail {
    /// The policy shown in the modal and recorded with an update: the first one.
    pub fn primary_policy(&self) -> Option<&str> {
        self.policies.first().map(|p| p.policy_number.as_str())
    }
}
