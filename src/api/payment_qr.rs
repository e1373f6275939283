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

#[server(endpoint = "admin/outbox/list")]
pub async fn list_outbox(page: i64) -> Result<OutboxPage, AppError> {
    use crate::server::{AppState, auth, mail};

    super::run("list_outbox", async {
        auth::require_admin().await?;
        mail::outbox(&expect_context::<AppState>(), page).await
    })
    .await
}
