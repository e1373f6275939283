//! Generate QR and its email: the payload, the current (captured) email address, the outbox,
//! and delivery through a real SMTP server process (aiosmtpd, installed by scripts/setup.sh).

use std::{
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use contactdesk::server::config::{MailTransport, SmtpTls};
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    customers::{contact_id, seed},
    helpers::{ADMIN, AGENT, TestApp},
};

/// aiosmtpd on a free port, writing each message it accepts into a Maildir.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: tempfile::TempDir,
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// On `port`: a mail server that comes back where the app expects it.
    pub fn start_on(port: u16) -> Self {
        let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/py/bin/python");
        assert!(python.exists(), "{} is missing: run scripts/setup.sh test", python.display());
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not listen on {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Self { child, port, maildir }
    }

    /// The messages received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        let new = self.maildir.path().join("mail/new");
        read_dir_texts(&new)
    }

    pub async fn wait_for_messages(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= n || Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn read_dir_texts(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect())
        .unwrap_or_default()
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn update_email(app: &TestApp, client: &reqwest::Client, id: i64, email: &str) {
    let form = [
        ("contact_id", id.to_string()),
        ("policy_number", String::new()),
        ("new_mobile", String::new()),
        ("new_email", email.to_owned()),
        ("reason", "Email bounced / SMS failed".to_owned()),
        ("notes", String::new()),
        ("idempotency_key", format!("qr-test-{id}-{}", email.len())),
    ];
    let response = client.post(app.url("/api/customers/update-contact")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
}

pub async fn email_qr(app: &TestApp, client: &reqwest::Client, id: i64, policy: &str) -> reqwest::Response {
    app.call(
        client,
        "customers/payment-qr/email",
        &[("contact_id", &id.to_string()), ("policy_number", policy)],
    )
    .await
}

async fn outbox(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = app.call(client, "admin/outbox/list", &[("page", "1")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_qr_encodes_the_amount_due_and_the_policy() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;

    let response = app
        .call(
            &agent,
            "customers/payment-qr",
            &[("contact_id", &id.to_string()), ("policy_number", "lib/c7013")],
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let qr: Value = response.json().await.unwrap();
    let payload = qr["payload"].as_str().unwrap();
    assert!(payload.starts_with("000201010212"), "{payload}");
    assert!(
        payload.contains("5303480") && payload.contains("54074491.29") && payload.contains("0109LIB/C7013")
    );
    assert!(qr["svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(qr["email"], "old@email.com");
}

#[tokio::test]
async fn the_qr_email_goes_to_the_newest_captured_address() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;
    update_email(&app, &agent, id, "first.new@example.mu").await;
    update_email(&app, &agent, id, "newest@example.mu").await;

    let response = email_qr(&app, &agent, id, "LIB/C7013").await;

    assert_eq!(response.status(), StatusCode::OK);
    let message: Value = response.json().await.unwrap();
    assert_eq!(message["to"], "newest@example.mu");
    assert_eq!(message["status"], "stored", "no mail server configured: kept in the outbox");
    let admin = app.signed_in(ADMIN).await;
    let listed = outbox(&app, &admin).await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["messages"][0]["to"], "newest@example.mu");
    assert_eq!(listed["messages"][0]["subject"], "Your payment QR code for policy LIB/C7013");
    assert_eq!(listed["messages"][0]["created_by"], "Test agent");
}

#[tokio::test]
async fn no_email_no_debt_or_a_foreign_policy_is_a_clear_refusal() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let yusuf = contact_id(&app, "20002").await; // no email
    let emilie = contact_id(&app, "20001").await;

    let no_email = email_qr(&app, &agent, yusuf, "LIB/C8002").await;
    let foreign = email_qr(&app, &agent, emilie, "LIB/C8002").await;
    sqlx::query("UPDATE policies SET payment_status = 'paid' WHERE policy_number = 'LIB/C8001'")
        .execute(app.state().db.pool())
        .await
        .unwrap();
    let paid = email_qr(&app, &agent, emilie, "LIB/C8001").await;

    assert_eq!(no_email.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_email.text().await.unwrap().contains("no email address yet"));
    assert_eq!(foreign.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.text().await.unwrap().contains("does not belong to this customer"));
    assert_eq!(paid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(paid.text().await.unwrap().contains("Nothing is due"));
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(outbox(&app, &admin).await["total"], 0, "nothing stored for refused requests");
}

#[tokio::test]
async fn qr_and_outbox_check_the_session_and_role() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let id = contact_id(&app, "12345").await.to_string();
    let anonymous = app.client();
    let agent = app.signed_in(AGENT).await;

    let qr = app
        .call(&anonymous, "customers/payment-qr", &[("contact_id", &id), ("policy_number", "LIB/C7013")])
        .await;
    let email = email_qr(&app, &anonymous, id.parse().unwrap(), "LIB/C7013").await;
    let list_anonymous = app.call(&anonymous, "admin/outbox/list", &[("page", "1")]).await;
    let list_agent = app.call(&agent, "admin/outbox/list", &[("page", "1")]).await;

    assert_eq!(qr.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(email.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(list_anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(list_agent.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_sender_delivers_through_smtp_to_the_new_address() {
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let app = TestApp::spawn_with(|c| {
        c.mail.transport = MailTransport::Smtp;
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = port;
        c.mail.smtp_tls = SmtpTls::None;
        c.mail.from = "Payments <payments@insurer.example>".into();
    })
    .await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "20002").await; // Yusuf: no email in the master data
    update_email(&app, &agent, id, "yusuf.p@example.mu").await;

    let response = email_qr(&app, &agent, id, "LIB/C8002").await;

    assert_eq!(response.status(), StatusCode::OK);
    let queued: Value = response.json().await.unwrap();
    assert_eq!(queued["status"], "queued");
    let messages = smtp.wait_for_messages(1).await;
    assert_eq!(messages.len(), 1, "one message reached the SMTP server");
    let raw = &messages[0];
    assert!(raw.contains("To: yusuf.p@example.mu"), "{raw}");
    assert!(raw.contains("From: Payments <payments@insurer.example>"), "{raw}");
    assert!(raw.contains("Subject: Your payment QR code for policy LIB/C8002"), "{raw}");
    assert!(raw.contains("multipart/related") && raw.contains("Content-Type: image/png"), "{raw}");
    assert!(raw.contains("Content-ID: <qr>"), "{raw}");
    // The outcome is recorded.
    let admin = app.signed_in(ADMIN).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listed = outbox(&app, &admin).await;
        if listed["messages"][0]["status"] == "sent" {
            assert_eq!(listed["messages"][0]["attempts"], 1);
            break;
        }
        assert!(Instant::now() < deadline, "status never became sent: {listed}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_unreachable_mail_server_is_retried_and_the_error_recorded() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = TestApp::spawn_with(|c| {
        c.mail.transport = MailTransport::Smtp;
        c.mail.smtp_host = "127.0.0.1".into();
        c.mail.smtp_port = closed;
        c.mail.smtp_tls = SmtpTls::None;
    })
    .await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;

    let response = email_qr(&app, &agent, id, "LIB/C7013").await;

    assert_eq!(response.status(), StatusCode::OK, "the request is acknowledged: the message is stored");
    let admin = app.signed_in(ADMIN).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let listed = outbox(&app, &admin).await;
        let m = &listed["messages"][0];
        if m["attempts"] == 1 {
            assert_eq!(m["status"], "queued", "a connection failure is retried later");
            assert!(m["last_error"].as_str().is_some_and(|e| !e.is_empty()), "{m}");
            break;
        }
        assert!(Instant::now() < deadline, "no attempt recorded: {listed}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
