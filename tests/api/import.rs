//! Master-data import: upload, bad rows, re-import, access, the CLI.

use reqwest::{StatusCode, multipart};
use serde_json::Value;

use crate::{
    customers::contact_id,
    helpers::{ADMIN, AGENT, TestApp, answer, eventually, raw_post, session_cookie},
};

const HEADER: &str = "customer_id,name,policy_number,mobile,email,amount_due,payment_status\n";

async fn upload(app: &TestApp, client: &reqwest::Client, csv: String) -> reqwest::Response {
    let part = multipart::Part::bytes(csv.into_bytes()).file_name("export.csv").mime_str("text/csv").unwrap();
    client
        .post(app.url("/api/admin/import"))
        .multipart(multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn good_rows_are_imported_and_bad_rows_reported_with_line_and_column() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let csv = format!(
        "{HEADER}\
         12345,Kevin Anderson Curepipe,LIB/C7013,57372333,kevin@zwennpay.com,\"4,491.29\",pending\n\
         12345,Kevin Anderson Curepipe,LIB/C7014,57372333,kevin@zwennpay.com,100,paid\n\
         20001,Émilie Duval,LIB/C8001,,emilie@example.mu,250.50,overdue\n\
         20002,Bad Mobile,LIB/C8002,1234,,10,pending\n\
         20003,Bad Email,LIB/C8003,,not-an-email,10,pending\n\
         20004,,LIB/C8004,,,10,pending\n\
         20005,Bad Amount,LIB/C8005,,,ten rupees,pending\n"
    );

    let response = upload(&app, &admin, csv).await;

    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["rows"], 7);
    assert_eq!(report["inserted"], 3);
    assert_eq!(report["rejected"], 4);
    let rejected: Vec<(u64, String)> = report["rejected_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["column"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        rejected,
        [(5, "mobile".into()), (6, "email".into()), (7, "name".into()), (8, "amount_due".into())]
    );
    let kevin = app.state().db.contact(contact_id(&app, "12345").await).await.unwrap().unwrap();
    assert_eq!(kevin.mobile.as_deref(), Some("+23057372333"), "phones are stored as E.164");
    assert_eq!(app.state().db.policies_of(kevin.id).await.unwrap().len(), 2);
    let audit = app.state().db.recent_audit(1).await.unwrap();
    assert_eq!(audit[0].0, "customers.import");
}

#[tokio::test]
async fn a_reimport_updates_master_data_but_keeps_what_agents_captured() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let first = format!(
        "{HEADER}12345,Kevin Anderson,LIB/C7013,57372333,old@email.com,4491.29,pending\n\
         20001,Emilie Duval,LIB/C8001,57110000,emilie@example.mu,250.50,pending\n\
         20002,Yusuf Peerbocus,LIB/C8002,57220000,,10,pending\n"
    );
    assert_eq!(upload(&app, &admin, first).await.status(), StatusCode::OK);
    // An agent corrects Kevin's mobile.
    let agent = app.signed_in(AGENT).await;
    let kevin = contact_id(&app, "12345").await;
    let saved = agent
        .post(app.url("/api/customers/update-contact"))
        .form(&[
            ("contact_id", kevin.to_string()),
            ("policy_number", String::new()),
            ("new_mobile", "58123456".into()),
            ("new_email", String::new()),
            ("reason", "Current contact is incorrect".into()),
            ("notes", String::new()),
            ("idempotency_key", "reimport-key-01".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    let second = format!(
        "{HEADER}12345,Kevin Anderson Curepipe,LIB/C7013,57999999,old@email.com,5000.00,pending\n\
         20001,Emilie Duval,LIB/C8001,57330000,emilie@example.mu,250.50,pending\n\
         20002,Yusuf Peerbocus,LIB/C8002,57220000,,10,pending\n"
    );
    let report: Value = upload(&app, &admin, second).await.json().await.unwrap();

    assert_eq!(
        (report["inserted"].as_u64(), report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(0), Some(2), Some(1))
    );
    let db = &app.state().db;
    let k = db.contact(kevin).await.unwrap().unwrap();
    assert_eq!(k.name, "Kevin Anderson Curepipe");
    assert_eq!(k.mobile.as_deref(), Some("+23058123456"), "the agent's value stays current");
    assert_eq!(db.policies_of(kevin).await.unwrap()[0].amount_due_cents, 500_000);
    assert_eq!(db.updates_of(kevin).await.unwrap().len(), 1, "captured updates untouched");
    let emilie = db.contact(contact_id(&app, "20001").await).await.unwrap().unwrap();
    assert_eq!(
        emilie.mobile.as_deref(),
        Some("+23057330000"),
        "no capture: the master's new value is current"
    );
}

#[tokio::test]
async fn a_file_without_the_columns_is_refused_whole() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    let response = upload(&app, &admin, "id,name\n1,Someone\n".into()).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(
            "Missing columns customer_id, policy_number, mobile, email, amount_due, payment_status"
        ),
        "{text}"
    );
    assert_eq!(app.state().db.count_customers().await.unwrap(), 0);
}

#[tokio::test]
async fn only_admins_import() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    let response = upload(&app, &agent, format!("{HEADER}1,A B,P/1,,,1,pending\n")).await;

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.state().db.count_customers().await.unwrap(), 0);
}

#[tokio::test]
async fn a_file_over_two_megabytes_streams_through() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let mut csv = String::from(HEADER);
    // Long rows, so the file passes 2 MB with few of them (the test is about the size).
    for i in 0..15_000 {
        csv.push_str(&format!(
            "C{i},Customer Number {i} of the Ramdin-Doorgakant-Lafleur family,POL/{i},,\
             customer.number.{i}@example-insurance-client.mu,{i}.50,pending\n"
        ));
    }
    assert!(csv.len() > 2 * 1024 * 1024);

    let response = upload(&app, &admin, csv).await;

    assert_eq!(response.status(), StatusCode::OK);
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["inserted"], 15_000);
    assert_eq!(app.state().db.count_customers().await.unwrap(), 15_000);
}

#[tokio::test]
async fn the_cli_imports_and_prints_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.csv");
    std::fs::write(
        &file,
        format!("{HEADER}1,Anne Laval,P/1,57372333,,10,pending\n2,Bad,P/2,99,,10,pending\n"),
    )
    .unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_contactdesk"))
        .args(["import-customers", file.to_str().unwrap()])
        .env("CONTACTDESK_DATA_DIR", dir.path().join("data"))
        .env("CONTACTDESK_DATABASE_URL", format!("sqlite://{}", dir.path().join("data/cli.db").display()))
        .env("CONTACTDESK_CONFIG", dir.path().join("none.toml"))
        .output()
        .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("2 rows: 1 inserted, 0 updated, 0 unchanged, 1 rejected"), "{stdout}");
    assert!(stdout.contains("line 3, column mobile"), "{stdout}");
}

/// The spool files of imports in progress or left behind.
fn spooled(app: &TestApp) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(app.config.storage.data_dir.join("imports")) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// An admin's session cookie and the start of a multipart import body: the file part's head
/// and `rows` customer lines.
async fn import_start(app: &TestApp, rows: usize) -> (String, Vec<u8>) {
    let response = app.login(&app.client(), ADMIN).await;
    let cookie = session_cookie(&response).unwrap().split(';').next().unwrap().to_owned();
    let mut body =
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n".to_vec();
    body.extend(HEADER.bytes());
    for i in 0..rows {
        body.extend(format!("{},Spooled Person {i},LIB/S{i},,,10,pending\n", 70_000 + i).bytes());
    }
    (cookie, body)
}

#[tokio::test]
async fn an_import_s_spool_file_goes_when_the_client_hangs_up() {
    let app = TestApp::spawn().await;
    let (cookie, body) = import_start(&app, 2_000).await;
    let headers = format!("Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n");

    let tcp = raw_post(&app, "/api/admin/import", &headers, body.len() + 1_000_000, &body).await;
    eventually("the upload being spooled", async || !spooled(&app).is_empty()).await;
    drop(tcp);

    eventually("the spool file's removal", async || spooled(&app).is_empty()).await;
    let contacts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM contacts").fetch_one(app.state().db.pool()).await.unwrap();
    assert_eq!(contacts, 0, "nothing imported");
}

#[tokio::test]
async fn an_import_s_spool_file_goes_when_the_upload_is_unreadable() {
    let app = TestApp::spawn().await;
    let (cookie, body) = import_start(&app, 50).await;
    let headers = format!("Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n");

    // The body ends without its closing boundary: the part cannot be read to its end.
    let (status, text) = answer(raw_post(&app, "/api/admin/import", &headers, body.len(), &body).await).await;

    assert_eq!(status, 422, "{text}");
    assert!(text.contains("could not be read"), "{text}");
    assert!(spooled(&app).is_empty(), "{:?}", spooled(&app));
}
