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
use std::sync::Mutex;

use tokio::{sync::Notify, task::JoinHandle};
use tokio_util::sync::CancellationToken;

use super::{
    AppState,
    auth::{Admin, AuthUser},
    config::{MailSettings, SmtpTls},
    customers,
    db::{
        Db,
        contact_updates::{ContactRow, PolicyRow},
        outbox::{EmailChange, EmailQuery, EmailRow, NewEmail},
    },
    error::internal,
    qr, time,
};
use crate::{
    domain::{
        customer::is_payable,
        emv::PaymentPayload,
        money::Money,
        payment_qr::{MessageStatus, OutboxFilter, OutboxMessage, OutboxPage, PaymentQr, png_url},
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

/// Wakes the sender when a message is queued, and stops it.
#[derive(Clone, Debug, Default)]
pub struct Mailer {
    wake: Arc<Notify>,
    stopping: CancellationToken,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Mailer {
    /// Starts the background sender when a mail server is configured.
    pub fn start(db: Db, settings: &MailSettings) -> Self {
        let mailer = Self::default();
        if settings.delivers() {
            let wake = mailer.wake.clone();
            let stopping = mailer.stopping.clone();
            let settings = settings.clone();
            let task = tokio::spawn(async move { run_sender(db, settings, wake, stopping).await });
            *mailer.task.lock().expect("sender handle") = Some(task);
        }
        mailer
    }

    /// Stops the sender after the message it is sending, giving back the ones it had claimed
    /// (a graceful stop leaves nothing waiting for a lease to run out).
    pub async fn stop(&self) {
        self.stopping.cancel();
        let task = self.task.lock().expect("sender handle").take();
        if let Some(task) = task {
            let _ = task.await;
        }
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
    let payload = qr::payload(&state.config.qr, amount, &policy.policy_number)
        .map_err(|e| internal("building the QR payload", e))?;
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
    Ok(PaymentQr {
        png_url: png_url(contact.id, &policy_number),
        png_file_name: qr_file_name(&policy_number),
        policy_number,
        amount,
        payload,
        svg,
        email: contact.email,
    })
}

/// The payment QR code as the PNG the email carries, with its file name.
pub async fn payment_qr_png(
    state: &AppState,
    contact_id: i64,
    policy_number: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let Payable { policy_number, payload, .. } = payable(state, contact_id, policy_number).await?;
    let png = qr::png(&payload, QR_PIXELS_PER_MODULE).map_err(|e| internal("drawing the QR code", e))?;
    Ok((qr_file_name(&policy_number), png))
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

/// One page of the outbox, newest first, filtered.
pub async fn outbox(
    state: &AppState,
    _admin: &Admin,
    filter: &OutboxFilter,
    page: i64,
) -> Result<OutboxPage, AppError> {
    let page = page.clamp(1, 100_000);
    let q = filter.q.trim();
    if q.chars().count() > 100 {
        return Err(AppError::invalid("q", "Search with at most 100 characters."));
    }
    let query = EmailQuery {
        status: filter.status.map(|s| s.as_str().to_owned()),
        q: (!q.is_empty()).then(|| q.to_owned()),
        contact_id: None,
    };
    let total = state.db.count_emails(&query).await?;
    let rows = state.db.emails(&query, OUTBOX_PER_PAGE, (page - 1) * OUTBOX_PER_PAGE).await?;
    Ok(OutboxPage {
        messages: rows.into_iter().map(view).collect(),
        total,
        page,
        per_page: OUTBOX_PER_PAGE,
        smtp: state.config.mail.delivers(),
    })
}

/// The payment messages of one contact, newest first (the customer page's list).
pub const CONTACT_MESSAGES: i64 = 20;

pub async fn messages_of(state: &AppState, contact_id: i64) -> Result<Vec<OutboxMessage>, AppError> {
    let query = EmailQuery { contact_id: Some(contact_id), ..EmailQuery::default() };
    // The customer page shows them all (at most CONTACT_MESSAGES): no count needed.
    Ok(state.db.emails(&query, CONTACT_MESSAGES, 0).await?.into_iter().map(view).collect())
}

/// Sends a sent or failed message again, to the contact's *current* address (a bounce is
/// usually followed by a corrected one), as a new message that links to the original.
pub async fn resend(state: &AppState, admin: &Admin, id: i64) -> Result<OutboxMessage, AppError> {
    let original = state.db.email(id).await?.ok_or_else(|| AppError::NotFound("No such message.".into()))?;
    let to = original.current_email.clone().ok_or_else(|| {
        AppError::Conflict("The contact has no email address now: add one with Update Contact first.".into())
    })?;
    let smtp = state.config.mail.delivers();
    let status = if smtp { "queued" } else { "stored" };
    match state.db.resend_email(id, &to, status, admin.id, time::now_ms()).await? {
        EmailChange::Done(row) => {
            tracing::info!(email_id = row.id, resend_of = id, admin = admin.id, "email resent");
            if smtp {
                state.mailer.queued();
            }
            Ok(view(*row))
        }
        EmailChange::NotFound => Err(AppError::NotFound("No such message.".into())),
        EmailChange::Refused(status) => Err(AppError::Conflict(format!(
            "This message is {status}: only a sent or failed message is resent."
        ))),
    }
}

/// Cancels a queued message (not one a sender is delivering at this moment).
pub async fn cancel(state: &AppState, admin: &Admin, id: i64) -> Result<OutboxMessage, AppError> {
    match state.db.cancel_email(id, admin.id, time::now_ms()).await? {
        EmailChange::Done(row) => {
            tracing::info!(email_id = id, admin = admin.id, "email cancelled");
            Ok(view(*row))
        }
        EmailChange::NotFound => Err(AppError::NotFound("No such message.".into())),
        EmailChange::Refused(status) => Err(AppError::Conflict(format!(
            "This message is {status}: only a queued message waiting for its turn can be cancelled."
        ))),
    }
}

fn view(row: EmailRow) -> OutboxMessage {
    let amount = row.qr_payload.as_deref().and_then(|p| PaymentPayload::parse(p).ok()).map(|p| p.amount);
    OutboxMessage {
        id: row.id,
        created_at: time::display(row.created_at),
        to: row.to_address,
        subject: row.subject,
        policy_number: row.policy_number,
        amount,
        created_by: row.created_by_name,
        status: MessageStatus::parse(&row.status).unwrap_or(MessageStatus::Failed),
        attempts: row.attempts,
        last_error: row.last_error,
        sent_at: row.sent_at.map(time::display),
        contact_id: row.contact_id,
        current_email: row.current_email,
        resend_of: row.resend_of,
        cancelled_by: row.cancelled_by_name,
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

/// The PNG's file name for a policy: `payment-qr-LIB-C7013.png` (no `/` in a file name).
pub fn qr_file_name(policy_number: &str) -> String {
    let safe: String =
        policy_number.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    format!("payment-qr-{safe}.png")
}

/// The message as it goes on the wire: text and HTML alternatives with the QR image inline,
/// and the same image attached as a file.
fn build_message(from: &Mailbox, row: &EmailRow) -> Result<Message, String> {
    let to: Mailbox = row.to_address.parse().map_err(|e| format!("recipient address: {e}"))?;
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(row.text_body.clone()))
        .singlepart(SinglePart::html(row.html_body.clone()));
    let body = match &row.qr_payload {
        Some(payload) => {
            let png = qr::png(payload, QR_PIXELS_PER_MODULE)?;
            let png_type = ContentType::parse("image/png").map_err(|e| e.to_string())?;
            let image = Attachment::new_inline("qr".to_owned()).body(png.clone(), png_type.clone());
            // Also as a file, which the customer can forward to a banking app.
            let file = Attachment::new(qr_file_name(row.policy_number.as_deref().unwrap_or("payment")))
                .body(png, png_type);
            MultiPart::mixed()
                .multipart(MultiPart::related().multipart(alternative).singlepart(image))
                .singlepart(file)
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

/// Waits before attempt `attempts + 1`: `base`, twice that, four times… at most an hour.
fn backoff_ms(attempts: i64, base_ms: i64) -> i64 {
    (base_ms << attempts.clamp(0, 12)).min(3_600_000)
}

/// This process's name on the leases it takes: host, process id and a random part, so two
/// instances (or a restarted one) never pass for each other.
fn sender_id() -> String {
    use rand::RngCore;
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    format!("{host}/{}/{:08x}", std::process::id(), rand::rngs::OsRng.next_u32())
}

async fn run_sender(db: Db, settings: MailSettings, wake: Arc<Notify>, stopping: CancellationToken) {
    let from: Mailbox = match settings.from.parse() {
        Ok(from) => from,
        Err(e) => return tracing::error!(error = %e, "mail.from is not an address; email sender not started"),
    };
    let smtp = match transport(&settings) {
        Ok(t) => t,
        Err(e) => return tracing::error!(error = %e, "cannot set up SMTP; email sender not started"),
    };
    let sender = sender_id();
    let lease_ms = i64::try_from(settings.lease_seconds).unwrap_or(i64::MAX / 4).saturating_mul(1000);
    // As many messages as one lease covers even if every attempt takes the whole send timeout.
    let batch = (lease_ms / (SEND_TIMEOUT.as_millis() as i64)).clamp(1, BATCH);
    tracing::info!(host = %settings.smtp_host, port = settings.smtp_port, %sender, "email sender started");
    while !stopping.is_cancelled() {
        let now = time::now_ms();
        let due = match db.claim_due_emails(&sender, now, now + lease_ms, batch).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the outbox");
                Vec::new()
            }
        };
        for row in &due {
            if stopping.is_cancelled() {
                break;
            }
            deliver(&db, &smtp, &from, row, &settings, &sender).await;
        }
        if (due.len() as i64) < batch {
            // Sleep until the next retry or lease end is due, a new message wakes us, or POLL.
            let next = db.next_email_due().await.ok().flatten();
            let wait = next.map_or(POLL, |at| {
                Duration::from_millis(u64::try_from(at - time::now_ms()).unwrap_or(0)).min(POLL)
            });
            if !wait.is_zero() {
                tokio::select! {
                    () = stopping.cancelled() => {}
                    _ = tokio::time::timeout(wait, wake.notified()) => {}
                }
            }
        }
    }
    match db.release_claims(&sender).await {
        Ok(n) => tracing::info!(released = n, "email sender stopped"),
        Err(e) => tracing::warn!(error = %e, "email sender stopped; its claims end with their lease"),
    }
}

async fn deliver(
    db: &Db,
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    row: &EmailRow,
    settings: &MailSettings,
    sender: &str,
) {
    let result = match build_message(from, row) {
        Ok(message) => smtp.send(message).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
        Err(e) => Err((true, e)),
    };
    let now = time::now_ms();
    let recorded = match result {
        Ok(()) => {
            tracing::info!(email_id = row.id, "email sent");
            db.mark_email_sent(row.id, sender, now).await
        }
        Err((permanent, error)) => {
            let attempts = row.attempts + 1;
            let base_ms = i64::try_from(settings.retry_seconds).unwrap_or(30).saturating_mul(1000);
            let retry = (!permanent && attempts < i64::from(settings.max_attempts))
                .then(|| now + backoff_ms(row.attempts, base_ms));
            tracing::warn!(email_id = row.id, attempts, permanent, retry = retry.is_some(), %error, "email not sent");
            db.mark_email_attempt_failed(row.id, sender, &error, retry).await
        }
    };
    match recorded {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(email_id = row.id, "lease lost before the outcome was recorded (taken over)")
        }
        Err(e) => tracing::error!(email_id = row.id, error = %e, "cannot record the delivery outcome"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff_ms(0, 30_000), 30_000);
        assert_eq!(backoff_ms(1, 30_000), 60_000);
        assert_eq!(backoff_ms(20, 30_000), 3_600_000);
    }

    #[test]
    fn bodies_escape_customer_data() {
        let (text, html) = compose("<b>Ann</b> & Co", "LIB/1", Money::from_cents(1000), "Insurer");
        assert!(text.contains("<b>Ann</b> & Co") && text.contains("MUR 10.00"));
        assert!(html.contains("&lt;b&gt;Ann&lt;/b&gt; &amp; Co") && html.contains("cid:qr"));
    }
}
