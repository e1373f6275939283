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
    /// The same image as the email's, as a PNG file to download.
    pub png_url: String,
    pub png_file_name: String,
}

/// Where the PNG of a policy's payment QR code is downloaded (`GET`, signed in).
pub fn png_url(contact_id: i64, policy_number: &str) -> String {
    format!(
        "/v1/contacts/{contact_id}/payment-qr.png?policy_number={}",
        super::url::encode_component(policy_number)
    )
}

/// A message as the outbox and the customer page list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub created_at: String,
    pub to: String,
    pub subject: String,
    pub policy_number: Option<String>,
    /// What the QR code asks for, read back from its payload.
    pub amount: Option<Money>,
    pub created_by: Option<String>,
    pub status: MessageStatus,
    pub attempts: i64,
    /// The mail server's answer to the last failed attempt.
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub contact_id: Option<i64>,
    /// The contact's email now: where a resend would go.
    pub current_email: Option<String>,
    /// The message this one repeats.
    pub resend_of: Option<i64>,
    pub cancelled_by: Option<String>,
}

impl OutboxMessage {
    /// A resend goes to the contact's current address, so it needs one.
    pub fn can_resend(&self) -> bool {
        matches!(self.status, MessageStatus::Sent | MessageStatus::Failed) && self.current_email.is_some()
    }

    pub fn can_cancel(&self) -> bool {
        self.status == MessageStatus::Queued
    }
}

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    /// Kept, no mail server configured.
    Stored,
    Queued,
    Sent,
    Failed,
    Cancelled,
}

impl MessageStatus {
    pub const ALL: [Self; 5] = [Self::Stored, Self::Queued, Self::Sent, Self::Failed, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stored => "stored",
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Stored => "Stored",
            Self::Queued => "Queued",
            Self::Sent => "Sent",
            Self::Failed => "Failed",
            Self::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("Unknown status '{s}': use stored, queued, sent, failed or cancelled."))
    }
}

/// The outbox filter, as the URL carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxFilter {
    pub status: Option<MessageStatus>,
    /// Part of the address or of the policy number.
    pub q: String,
}

impl OutboxFilter {
    /// The filter an outbox URL names, `get` reading one of its parameters; an unknown status
    /// filters nothing. The page and the server's loader read it alike.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            status: get("status").and_then(|s| MessageStatus::parse(&s).ok()),
            q: get("q").unwrap_or_default(),
        }
    }

    pub fn url(&self, page: i64) -> String {
        let mut params = Vec::new();
        if let Some(s) = self.status {
            params.push(format!("status={}", s.as_str()));
        }
        if !self.q.trim().is_empty() {
            params.push(format!("q={}", super::url::encode_component(self.q.trim())));
        }
        if page > 1 {
            params.push(format!("page={page}"));
        }
        if params.is_empty() { "/admin/outbox".into() } else { format!("/admin/outbox?{}", params.join("&")) }
    }
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
