//! Payment QR codes and the email that carries them: compose, store in the outbox, deliver.
//!
//! Every message is written to the outbox table before anything else happens, so a message an
//! agent was told about is never lost: with `mail.transport = "smtp"` a background sender
//! delivers queued messages with retries and records the outcome; with the default `outbox`
//! transport they are kept for the admin to see (no mail server needed).

use std::{sync::Arc, time::Duration};

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
    transport::smtp::{
        authentication::Credentials,
        client::{Tls, TlsParameters},
    },
};
use tokio::sync::Notify;

use super::{
    AppState,
    auth::AuthUser,
    config::{MailSettings, SmtpTls},
    customers,
    db::{
        Db,
        contact_updates::{ContactRow, PolicyRow},
        outbox::{EmailRow, NewEmail},
    },
    error::internal,
    qr, time,
};
use crate::{
    domain::{
        customer::is_payable,
        money::Money,
        payment_qr::{OutboxMessage, OutboxPage, PaymentQr},
    },
    error::AppError,
};

pub const OUTBOX_PER_PAGE: i64 = 25;
/// How often the sender looks for due retries when nothing new woke it.
const POLL: Duration = Duration::from_secs(15);
/// Messages read from the outbox per round of the sender.
const BATCH: i64 = 20;
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
const QR_PIXELS_PER_MODULE: u32 = 8;

/// Wakes the sender when a message is queued.
#[derive(Clone, Debug, Default)]
pub struct Mailer {
    wake: Arc<Notify>,
}

impl Mailer {
    /// Starts the background sender when a mail server is configured.
    pub fn start(db: Db, settings: &MailSettings) -> Self {
        let mailer = Self::default();
        if settings.delivers() {
            let wake = mailer.wake.clone();
            let settings = settings.clone();
            tokio::spawn(async move { run_sender(db, settings, wake).await });
        }
        mailer
    }

    fn queued(&self) {
        self.wake.notify_one();
    }
}

/// A customer, one of their policies with something left to pay, and its QR payload.
struct Payable {
    contact: ContactRow,
    policy_number: String,
    amount: Money,
    payload: String,
}

async fn payable(state: &AppState, contact_id: i64, policy_number: &str) -> Result<Payable, AppError> {
    let contact = customers::contact(state, contact_id).await?;
    let wanted = policy_number.trim().to_uppercase();
    let policy: PolicyRow =
        state.db.policies_of(contact.id).await?.into_iter().find(|p| p.policy_number == wanted).ok_or_else(
            || AppError::invalid("policy_number", "This policy number does not belong to this customer."),
        )?;
    if !is_payable(&policy.payment_status, policy.amount_due_cents) {
        return Err(AppError::invalid(
            "policy_number",
            format!("Nothing is due on policy {}: there is no payment to ask for.", policy.policy_number),
        ));
    }
    let amount = Money::from_cents(policy.amount_due_cents);
    let payload = qr::payload(&state.config.qr, amount, &policy.policy_number);
    Ok(Payable { contact, policy_number: policy.policy_number, amount, payload })
}

/// The QR code for paying what is due on one policy of a customer.
pub async fn payment_qr(
    state: &AppState,
    contact_id: i64,
    policy_number: &str,
) -> Result<PaymentQr, AppError> {
    let Payable { contact, policy_number, amount, payload } =
        payable(state, contact_id, policy_number).await?;
    let svg = qr::svg(&payload).map_err(|e| internal("drawing the QR code", e))?;
    Ok(PaymentQr { policy_number, amount, payload, svg, email: contact.email })
}

/// Stores the QR email for one policy, addressed to the customer's current email: the newest
/// one an agent captured, else the master's. The address is read here, never taken from the
/// browser, so a correction saved a second ago is the one used.
pub async fn email_payment_qr(
    state: &AppState,
    agent: &AuthUser,
    contact_id: i64,
    policy_number: &str,
) -> Result<OutboxMessage, AppError> {
    let Payable { contact, policy_number, amount, payload } =
        payable(state, contact_id, policy_number).await?;
    let to = contact.email.clone().ok_or_else(|| {
        AppError::invalid(
            "email",
            "This customer has no email address yet: add one with Update Contact first.",
        )
    })?;
    let (text_body, html_body) =
        compose(&contact.name, &policy_number, amount, &state.config.qr.merchant_name);
    let smtp = state.config.mail.delivers();
    let email = NewEmail {
        kind: "payment_qr",
        to_address: to,
        subject: format!("Your payment QR code for policy {policy_number}"),
        text_body,
        html_body,
        qr_payload: Some(payload),
        contact_id: Some(contact.id),
        policy_number: Some(policy_number),
        created_by: Some(agent.id),
        status: if smtp { "queued" } else { "stored" },
    };
    let row = state.db.insert_email(&email, time::now_ms()).await?;
    tracing::info!(email_id = row.id, contact_id = contact.id, agent = agent.id, "payment QR email stored");
    if smtp {
        state.mailer.queued();
    }
    Ok(view(row))
}

/// One page of the outbox, newest first.
pub async fn outbox(state: &AppState, page: i64) -> Result<OutboxPage, AppError> {
    let page = page.clamp(1, 100_000);
    let (rows, total) = state.db.emails(OUTBOX_PER_PAGE, (page - 1) * OUTBOX_PER_PAGE).await?;
    Ok(OutboxPage {
        messages: rows.into_iter().map(view).collect(),
        total,
        page,
        per_page: OUTBOX_PER_PAGE,
        smtp: state.config.mail.delivers(),
    })
}

fn view(row: EmailRow) -> OutboxMessage {
    OutboxMessage {
        id: row.id,
        created_at: time::display(row.created_at),
        to: row.to_address,
        subject: row.subject,
        policy_number: row.policy_number,
        created_by: row.created_by_name,
        status: row.status,
        attempts: row.attempts,
        last_error: row.last_error,
        sent_at: row.sent_at.map(time::display),
    }
}

/// The text and HTML bodies; the HTML shows the QR image attached inline as `cid:qr`.
fn compose(name: &str, policy_number: &str, amount: Money, merchant: &str) -> (String, String) {
    let text = format!(
        "Dear {name},\n\n\
         Please find attached the QR code to pay {amount} due on your policy {policy_number}.\n\
         Open your banking app, choose \"Scan to pay\" and scan the code.\n\n\
         Thank you,\n{merchant}\n"
    );
    let esc = |s: &str| html_escape::encode_text(s).into_owned();
    let html = format!(
        "<!doctype html><html><body style=\"font-family:Arial,sans-serif;color:#1f2937\">\
         <p>Dear {name},</p>\
         <p>Scan this code with your banking app to pay <strong>{amount}</strong> due on your policy \
         <strong>{policy}</strong>.</p>\
         <p><img src=\"cid:qr\" width=\"264\" height=\"264\" alt=\"Payment QR code for policy {policy}\"></p>\
         <p>Thank you,<br>{merchant}</p></body></html>",
        name = esc(name),
        amount = esc(&amount.to_string()),
        policy = esc(policy_number),
        merchant = esc(merchant),
    );
    (text, html)
}

/// The message as it goes on the wire: text and HTML alternatives, the QR image inline.
fn build_message(from: &Mailbox, row: &EmailRow) -> Result<Message, String> {
    let to: Mailbox = row.to_address.parse().map_err(|e| format!("recipient address: {e}"))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(row.text_body.clone()))
        .singlepart(SinglePart::html(row.html_body.clone()));
    let body = match &row.qr_payload {
        Some(payload) => {
            let png = qr::png(payload, QR_PIXELS_PER_MODULE)?;
            let image = Attachment::new_inline("qr".to_owned())
                .body(png, ContentType::parse("image/png").map_err(|e| e.to_string())?);
            MultiPart::related().multipart(alternative).singlepart(image)
        }
        None => alternative,
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .multipart(body)
        .map_err(|e| e.to_string())
}

fn transport(settings: &MailSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let host = settings.smtp_host.trim();
    let tls = match settings.smtp_tls {
        SmtpTls::None => Tls::None,
        SmtpTls::Starttls => Tls::Required(TlsParameters::new(host.to_owned()).map_err(|e| e.to_string())?),
        SmtpTls::Tls => Tls::Wrapper(TlsParameters::new(host.to_owned()).map_err(|e| e.to_string())?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(settings.smtp_port)
        .tls(tls)
        .timeout(Some(SEND_TIMEOUT));
    if !settings.smtp_username.is_empty() {
        builder = builder
            .credentials(Credentials::new(settings.smtp_username.clone(), settings.smtp_password.0.clone()));
    }
    Ok(builder.build())
}

/// Waits before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most an hour.
fn backoff_ms(attempts: i64) -> i64 {
    (30_000i64 << attempts.clamp(0, 7)).min(3_600_000)
}

async fn run_sender(db: Db, settings: MailSettings, wake: Arc<Notify>) {
    let from: Mailbox = match settings.from.parse() {
        Ok(from) => from,
        Err(e) => return tracing::error!(error = %e, "mail.from is not an address; email sender not started"),
    };
    let smtp = match transport(&settings) {
        Ok(t) => t,
        Err(e) => return tracing::error!(error = %e, "cannot set up SMTP; email sender not started"),
    };
    tracing::info!(host = %settings.smtp_host, port = settings.smtp_port, "email sender started");
    loop {
        let due = match db.due_emails(time::now_ms(), BATCH).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the outbox");
                Vec::new()
            }
        };
        for row in &due {
            deliver(&db, &smtp, &from, row, settings.max_attempts).await;
        }
        if (due.len() as i64) < BATCH {
            let _ = tokio::time::timeout(POLL, wake.notified()).await;
        }
    }
}

async fn deliver(
    db: &Db,
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    row: &EmailRow,
    max_attempts: u32,
) {
    let result = match build_message(from, row) {
        Ok(message) => smtp.send(message).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
        Err(e) => Err((true, e)),
    };
    let now = time::now_ms();
    let recorded = match result {
        Ok(()) => {
            tracing::info!(email_id = row.id, "email sent");
            db.mark_email_sent(row.id, now).await
        }
        Err((permanent, error)) => {
            let attempts = row.attempts + 1;
            let retry =
                (!permanent && attempts < i64::from(max_attempts)).then(|| now + backoff_ms(row.attempts));
            tracing::warn!(email_id = row.id, attempts, permanent, retry = retry.is_some(), %error, "email not sent");
            db.mark_email_attempt_failed(row.id, &error, retry).await
        }
    };
    if let Err(e) = recorded {
        tracing::error!(email_id = row.id, error = %e, "cannot record the delivery outcome");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff_ms(0), 30_000);
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(20), 3_600_000);
    }

    #[test]
    fn bodies_escape_customer_data() {
        let (text, html) = compose("<b>Ann</b> & Co", "LIB/1", Money::from_cents(1000), "Insurer");
        assert!(text.contains("<b>Ann</b> & Co") && text.contains("MUR 10.00"));
        assert!(html.contains("&lt;b&gt;Ann&lt;/b&gt; &amp; Co") && html.contains("cid:qr"));
    }
}
