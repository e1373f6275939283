//! The payment QR code and the email outbox, as the screens show them.

use serde::{Deserialize, Serialize};

use super::money::Money;

/// A payment QR code for one policy, ready to show and to email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentQr {
    pub policy_number: String,
    pub amount: Money,
    /// The EMVCo payload the code encodes (shown for support calls: "read me the code").
    pub payload: String,
    /// The code drawn as an SVG document, made on the server from the payload.
    pub svg: String,
    /// Where the email would go: the contact's current email (the newest captured one).
    pub email: Option<String>,
}

/// A message as the outbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub created_at: String,
    pub to: String,
    pub subject: String,
    pub policy_number: Option<String>,
    pub created_by: Option<String>,
    /// `stored` (kept, no mail server configured), `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxPage {
    pub messages: Vec<OutboxMessage>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether a mail server is configured (else messages are kept here, not sent).
    pub smtp: bool,
}

impl OutboxPage {
    pub fn pages(&self) -> i64 {
        super::page_count(self.total, self.per_page)
    }
}
