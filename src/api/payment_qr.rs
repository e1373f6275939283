//! Payment QR codes (any signed-in user) and the email outbox (admins).

use leptos::prelude::*;

use crate::{
    domain::payment_qr::{OutboxMessage, OutboxPage, PaymentQr},
    error::AppError,
};

#[server(endpoint = "customers/payment-qr")]
pub async fn get_payment_qr(contact_id: i64, policy_number: String) -> Result<PaymentQr, AppError> {
    use crate::server::{AppState, auth, mail};

    super::run("get_payment_qr", async {
        auth::require_user().await?;
        mail::payment_qr(&expect_context::<AppState>(), contact_id, &policy_number).await
    })
    .await
}

/// Emails the QR code to the customer's current email address (read on the server).
#[server(endpoint = "customers/payment-qr/email")]
pub async fn email_payment_qr(contact_id: i64, policy_number: String) -> Result<OutboxMessage, AppError> {
    use crate::server::{AppState, auth, mail};

    super::run("email_payment_qr", async {
        let agent = auth::require_user().await?;
        mail::email_payment_qr(&expect_context::<AppState>(), &agent, contact_id, &policy_number).await
    })
    .await
}

/// The outbox, filtered by status (`stored`, `queued`, `sent`, `failed`, `cancelled`) and by
/// part of an address or policy number.
#[server(endpoint = "admin/outbox/list")]
pub async fn list_outbox(
    page: i64,
    status: Option<String>,
    q: Option<String>,
) -> Result<OutboxPage, AppError> {
    use crate::{
        domain::payment_qr::{MessageStatus, OutboxFilter},
        server::{AppState, auth, mail},
    };

    super::run("list_outbox", async {
        let admin = auth::require_admin().await?;
        let status = AppError::optional("status", status.as_deref(), MessageStatus::parse)?;
        let filter = OutboxFilter { status, q: q.unwrap_or_default() };
        mail::outbox(&expect_context::<AppState>(), &admin, &filter, page).await
    })
    .await
}

/// A contact's payment messages, newest first, for the customer page (polled while queued).
#[server(endpoint = "customers/messages")]
pub async fn contact_messages(contact_id: i64) -> Result<Vec<OutboxMessage>, AppError> {
    use crate::server::{AppState, auth, mail};

    super::run("contact_messages", async {
        auth::require_user().await?;
        mail::messages_of(&expect_context::<AppState>(), contact_id).await
    })
    .await
}

/// Sends a sent or failed message again, to the contact's current address (admins).
#[server(endpoint = "admin/outbox/resend")]
pub async fn resend_message(id: i64) -> Result<OutboxMessage, AppError> {
    use crate::server::{AppState, auth, mail};

    super::run("resend_message", async {
        let admin = auth::require_admin().await?;
        mail::resend(&expect_context::<AppState>(), &admin, id).await
    })
    .await
}

/// Cancels a queued message (admins).
#[server(endpoint = "admin/outbox/cancel")]
pub async fn cancel_message(id: i64) -> Result<OutboxMessage, AppError> {
    use crate::server::{AppState, auth, mail};

    super::run("cancel_message", async {
        let admin = auth::require_admin().await?;
        mail::cancel(&expect_context::<AppState>(), &admin, id).await
    })
    .await
}
