//! The email sender shared safely (leases), through a real SMTP server process that goes away
//! and comes back; the admin's resend and cancel; the QR email's attachment and the PNG download;
//! the messages on the customer page.

use std::time::{Duration, Instant};

use contactdesk::{
    domain::emv::PaymentPayload,
    server::config::{Config, MailTransport, SmtpTls},
};
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    customers::{contact_id, seed},
    helpers::{ADMIN, AGENT, TestApp},
    payment_qr::{SmtpServer, email_qr, free_port},
};

fn smtp_on(port: u16) -> impl FnOnce(&mut Config) {
    move |c: &mut Config| {
        c.mail.transport = MailTransport::Smtp;
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = port;
        c.mail.smtp_tls = SmtpTls::None;
        c.mail.retry_seconds = 1;
    }
}

/// The message's status and attempts as the database has them.
async fn status_of(app: &TestApp, id: i64) -> (String, i64) {
    let row = app.state().db.email(id).await.unwrap().expect("message");
    (row.status, row.attempts)
}

async fn wait_for_status(app: &TestApp, id: i64, wanted: &str) -> (String, i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = status_of(app, id).await;
        if now.0 == wanted {
            return now;
        }
        assert!(Instant::now() < deadline, "message {id} stayed {now:?}, never {wanted}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Until the sender has tried `id` once (and so released its lease).
async fn wait_for_attempt(app: &TestApp, id: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_of(app, id).await.1 == 0 {
        assert!(Instant::now() < deadline, "message {id}: no attempt was made");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn queue_qr(app: &TestApp, client: &reqwest::Client, contact: i64, policy: &str) -> i64 {
    let response = email_qr(app, client, contact, policy).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_message_queued_while_the_mail_server_is_down_goes_out_when_it_comes_back() {
    let port = free_port();
    let app = TestApp::spawn_with(smtp_on(port)).await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = queue_qr(&app, &agent, contact_id(&app, "12345").await, "LIB/C7013").await;
    // Nobody listens: the first attempt fails and is retried.
    wait_for_attempt(&app, id).await;
    assert_eq!(status_of(&app, id).await.0, "queued");

    let smtp = SmtpServer::start_on(port);
    let (_, attempts) = wait_for_status(&app, id, "sent").await;
    assert!(attempts >= 2, "sent on a retry: {attempts}");
    assert_eq!(smtp.wait_for_messages(1).await.len(), 1);
}

#[tokio::test]
async fn queued_messages_survive_a_restart_and_go_out_after_it() {
    let port = free_port();
    let mut app = TestApp::spawn_with(smtp_on(port)).await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let kevin = contact_id(&app, "12345").await;
    let ids =
        [queue_qr(&app, &agent, kevin, "LIB/C7013").await, queue_qr(&app, &agent, kevin, "LIB/C7013").await];
    app.restart().await;
    let smtp = SmtpServer::start_on(port);
    for id in ids {
        wait_for_status(&app, id, "sent").await;
    }
    assert_eq!(smtp.wait_for_messages(2).await.len(), 2);
}

#[tokio::test]
async fn two_senders_on_one_database_deliver_each_message_once() {
    let port = free_port();
    let first = TestApp::spawn_with(smtp_on(port)).await;
    seed(&first).await;
    let agent = first.signed_in(AGENT).await;
    let kevin = contact_id(&first, "12345").await;
    // Queued while the mail server is down: every message fails once and waits for a retry.
    let mut ids = Vec::new();
    for _ in 0..30 {
        ids.push(queue_qr(&first, &agent, kevin, "LIB/C7013").await);
    }
    for id in &ids {
        wait_for_attempt(&first, *id).await;
    }
    // A second instance on the same database; then the mail server comes back, and both
    // senders wake for the same retries.
    let second = first.spawn_sharing(|_| {}).await;
    let smtp = SmtpServer::start_on(port);
    for id in &ids {
        wait_for_status(&first, *id, "sent").await;
    }
    // Give a duplicate time to arrive, if there were one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), ids.len(), "each message delivered exactly once");
    let senders: Vec<(String, i64)> = sqlx::query_as(
        "SELECT sent_by, COUNT(*) FROM email_messages WHERE status = 'sent' GROUP BY sent_by ORDER BY sent_by",
    )
    .fetch_all(second.state().db.pool())
    .await
    .unwrap();
    assert_eq!(senders.len(), 2, "both instances delivered some: {senders:?}");
    assert_eq!(senders.iter().map(|(_, n)| n).sum::<i64>(), 30);
}

#[tokio::test]
async fn a_message_held_by_a_dead_sender_goes_out_when_its_lease_ends() {
    let smtp = SmtpServer::start();
    let app = TestApp::spawn_with(smtp_on(smtp.port)).await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let kevin = contact_id(&app, "12345").await;
    // A sender that claimed the message for two seconds and died.
    let db = &app.state().db;
    sqlx::query("INSERT INTO email_messages (kind, to_address, subject, text_body, html_body, contact_id, created_at, status, next_attempt_at, claimed_by, lease_until) VALUES ('payment_qr', 'old@email.com', 'Held', 'text', '<p>html</p>', $1, $2, 'queued', $2, 'dead-sender', $3)")
        .bind(kevin)
        .bind(contactdesk::server::time::now_ms())
        .bind(contactdesk::server::time::now_ms() + 2000)
        .execute(db.pool())
        .await
        .unwrap();
    let held: i64 =
        sqlx::query_scalar("SELECT MAX(id) FROM email_messages").fetch_one(db.pool()).await.unwrap();
    // A fresh message goes out at once; the held one only after the lease.
    let fresh = queue_qr(&app, &agent, kevin, "LIB/C7013").await;
    wait_for_status(&app, fresh, "sent").await;
    assert_eq!(status_of(&app, held).await.0, "queued", "the lease still holds");
    wait_for_status(&app, held, "sent").await;
    assert_eq!(smtp.wait_for_messages(2).await.len(), 2);
}

#[tokio::test]
async fn the_email_carries_the_code_inline_and_attached_and_the_png_downloads() {
    let smtp = SmtpServer::start();
    let app = TestApp::spawn_with(smtp_on(smtp.port)).await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let kevin = contact_id(&app, "12345").await;
    let id = queue_qr(&app, &agent, kevin, "LIB/C7013").await;
    wait_for_status(&app, id, "sent").await;
    let raw = smtp.wait_for_messages(1).await.remove(0);
    assert!(raw.contains("multipart/mixed") && raw.contains("multipart/related"), "{raw}");
    assert!(raw.contains("Content-ID: <qr>"), "{raw}");
    assert!(raw.contains("filename=\"payment-qr-LIB-C7013.png\""), "{raw}");
    assert!(raw.contains("text/plain"), "{raw}");

    let url = app.url(&format!("/v1/contacts/{kevin}/payment-qr.png?policy_number=LIB%2FC7013"));
    let png = agent.get(&url).send().await.unwrap();
    assert_eq!(png.status(), StatusCode::OK);
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(png.headers()["content-disposition"], "attachment; filename=\"payment-qr-LIB-C7013.png\"");
    let bytes = png.bytes().await.unwrap();
    assert_eq!(mime_part(&raw, "Content-ID: <qr>"), bytes, "the download is the email's inline image");
    assert_eq!(
        mime_part(&raw, "filename=\"payment-qr-LIB-C7013.png\""),
        bytes,
        "the download is the email's attachment"
    );
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let text = image.detect_grids()[0].decode().unwrap().1;
    let payload = PaymentPayload::parse(&text).expect("an EMVCo payload");
    assert_eq!((payload.bill_number.as_str(), payload.amount.cents), ("LIB/C7013", 449_129));

    assert_eq!(reqwest::get(&url).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let phone = app.token("agent", "upload").await;
    let refused = reqwest::Client::new().get(&url).bearer_auth(phone).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let other = app.url(&format!("/v1/contacts/{kevin}/payment-qr.png?policy_number=LIB%2FC8002"));
    assert_eq!(agent.get(&other).send().await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The customer page lists it: address, policy, amount, who, delivered.
    let detail: Value =
        app.call(&agent, "customers/get", &[("id", &kevin.to_string())]).await.json().await.unwrap();
    let m = &detail["messages"][0];
    assert_eq!((m["to"].as_str(), m["policy_number"].as_str()), (Some("old@email.com"), Some("LIB/C7013")));
    assert_eq!((m["amount"]["cents"].as_i64(), m["status"].as_str()), (Some(449_129), Some("sent")));
    assert_eq!(m["created_by"], "Test agent");
}

#[tokio::test]
async fn an_admin_resends_to_the_current_address_and_cancels_a_queued_message() {
    // No mail server reachable: messages stay queued (retried) so one can be cancelled.
    let app = TestApp::spawn_with(|c| {
        smtp_on(free_port())(c);
        c.mail.retry_seconds = 3600;
    })
    .await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    let kevin = contact_id(&app, "12345").await;
    let first = queue_qr(&app, &agent, kevin, "LIB/C7013").await;
    wait_for_attempt(&app, first).await;
    // Mark it failed, as a bounce would leave it, and correct the address.
    sqlx::query(
        "UPDATE email_messages SET status = 'failed', last_error = '550 no such mailbox' WHERE id = $1",
    )
    .bind(first)
    .execute(app.state().db.pool())
    .await
    .unwrap();
    crate::payment_qr::update_email(&app, &agent, kevin, "kevin.new@example.mu").await;

    let id = first.to_string();
    let refused = app.call(&agent, "admin/outbox/resend", &[("id", &id)]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "agents do not resend");
    let response = app.call(&admin, "admin/outbox/resend", &[("id", &id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let resent: Value = response.json().await.unwrap();
    assert_eq!(resent["to"], "kevin.new@example.mu", "the contact's current address");
    assert_eq!(resent["resend_of"].as_i64(), Some(first));
    assert_eq!(resent["status"], "queued");
    let again = app.call(&admin, "admin/outbox/resend", &[("id", &resent["id"].to_string())]).await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "a queued message is not resent");

    let resent_id = resent["id"].to_string();
    assert_eq!(
        app.call(&agent, "admin/outbox/cancel", &[("id", &resent_id)]).await.status(),
        StatusCode::FORBIDDEN
    );
    // Wait for the sender's failed attempt to release its lease, then cancel.
    wait_for_attempt(&app, resent["id"].as_i64().unwrap()).await;
    let response = app.call(&admin, "admin/outbox/cancel", &[("id", &resent_id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cancelled: Value = response.json().await.unwrap();
    assert_eq!(
        (cancelled["status"].as_str(), cancelled["cancelled_by"].as_str()),
        (Some("cancelled"), Some("Test admin"))
    );
    let twice = app.call(&admin, "admin/outbox/cancel", &[("id", &resent_id)]).await;
    assert_eq!(twice.status(), StatusCode::CONFLICT);

    // The outbox filters by status and finds by address or policy.
    let list = |form: Vec<(&'static str, &'static str)>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let mut form = form;
            form.push(("page", "1"));
            let page: Value = app.call(&admin, "admin/outbox/list", &form).await.json().await.unwrap();
            page["messages"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect::<Vec<_>>()
        }
    };
    let cancelled_id = cancelled["id"].as_i64().unwrap();
    assert_eq!(list(vec![("status", "cancelled")]).await, [cancelled_id]);
    assert_eq!(list(vec![("status", "failed")]).await, [first]);
    assert_eq!(list(vec![("q", "KEVIN.NEW")]).await, [cancelled_id]);
    assert_eq!(list(vec![("q", "c7013")]).await, [cancelled_id, first]);
    assert!(list(vec![("q", "100%_")]).await.is_empty(), "% and _ match themselves");
    let number: &'static str = format!("#{first}").leak();
    assert_eq!(list(vec![("q", number)]).await, [first], "a resend's link to its original: #number");
    let audit = app.state().db.recent_audit(5).await.unwrap();
    assert_eq!(audit[0].0, "email.cancel");
    assert_eq!(audit[1].0, "email.resend");

    // A sent message is resent too (the customer lost it), to the current address.
    sqlx::query("UPDATE email_messages SET status = 'sent', last_error = NULL WHERE id = $1")
        .bind(first)
        .execute(app.state().db.pool())
        .await
        .unwrap();
    let response = app.call(&admin, "admin/outbox/resend", &[("id", &id)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let resent_sent: Value = response.json().await.unwrap();
    assert_eq!(resent_sent["to"], "kevin.new@example.mu");
    assert_eq!(resent_sent["resend_of"].as_i64(), Some(first));
}

/// The decoded body of the base64 MIME part whose headers contain `header`.
fn mime_part(raw: &str, header: &str) -> Vec<u8> {
    use base64::Engine;

    let raw = raw.replace("\r\n", "\n");
    let at = raw.find(header).unwrap_or_else(|| panic!("no part with {header}"));
    let body = &raw[at..][raw[at..].find("\n\n").expect("the part's headers end") + 2..];
    let body: String = body[..body.find("\n--").expect("the part ends")].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD.decode(body).expect("a base64 part")
}
