//! Exports of the contact-update report, parsed back as a master system or a person would read
//! them, and syncing exactly what an export contained.

use contactdesk::server::{
    db::customers::{NewCustomer, NewPolicy},
    export::EXPORT_COLUMNS,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{ADMIN, AGENT, TestApp, json_of},
    report::{insert_lead_update, user_id},
};

const LONG_NAME_WORD: &str = "Lagesse-de-Spéville";

/// A customer with a 200-character accented name, and two corrections by the agent: one with
/// notes a spreadsheet would run as a formula.
async fn seed(app: &TestApp, agent: &Client) -> String {
    let mut name = format!("Zoë {LONG_NAME_WORD}");
    while name.chars().count() < 200 {
        name.push_str(" Hossenbaccus");
    }
    let name: String = name.chars().take(200).collect();
    let customer = NewCustomer {
        customer_id: "30001".into(),
        name: name.clone(),
        mobile: Some("+23057000001".into()),
        email: Some("zoe@example.mu".into()),
        policies: vec![NewPolicy {
            policy_number: "LIB/X0001".into(),
            amount_due_cents: 100_000,
            payment_status: "pending".into(),
        }],
    };
    app.state().db.insert_customers(&[customer], 0, false).await.unwrap();
    for (mobile, notes) in
        [("58000001", "=HYPERLINK(\"http://evil.example\",\"click\")"), ("58000002", "-called twice")]
    {
        let response = agent
            .post(app.url("/v1/customer_contact_updates"))
            .json(&json!({
                "customer_id": "30001", "new_mobile": mobile,
                "update_reason": "Customer provided new contact", "notes": notes
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    name
}

async fn export(app: &TestApp, admin: &Client, ext: &str, query: &str) -> (i64, i64, Vec<u8>) {
    let response = admin
        .get(app.url(&format!("/v1/customer_contact_updates/export.{ext}?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "export.{ext}?{query}");
    let header = |name: &str| response.headers()[name].to_str().unwrap().parse::<i64>().unwrap();
    let (id, rows) = (header("x-export-id"), header("x-export-rows"));
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, format!("attachment; filename=\"contact-updates-{id}.{ext}\""));
    (id, rows, response.bytes().await.unwrap().to_vec())
}

/// How many updates are pending, as the report counts them.
async fn pending_total(app: &TestApp, admin: &Client) -> i64 {
    json_of(admin.get(app.url("/v1/customer_contact_updates?status=pending"))).await["total"]
        .as_i64()
        .unwrap()
}

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn csv_carries_every_row_and_column_and_neutralises_formulas() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    let name = seed(&app, &agent).await;
    insert_lead_update(&app).await;

    let (_, rows, bytes) = export(&app, &admin, "csv", "").await;
    assert_eq!(rows, 2, "the lead's update is left out of the master-sync export by default");
    let text = std::str::from_utf8(&bytes).unwrap().trim_start_matches('\u{feff}');
    assert_eq!(text.lines().next().unwrap(), EXPORT_COLUMNS.join(","), "header row");
    let records = parse_csv(&bytes);
    assert_eq!(records.len(), 2);
    let column = |record: &Vec<String>, name: &str| {
        record[EXPORT_COLUMNS.iter().position(|c| *c == name).unwrap()].clone()
    };
    let (first, second) = (&records[0], &records[1]);
    assert!(
        column(first, "id").parse::<i64>().unwrap() < column(second, "id").parse::<i64>().unwrap(),
        "capture order"
    );
    assert_eq!(column(first, "customer_id"), "30001");
    assert_eq!(column(first, "policy_number"), "LIB/X0001");
    assert_eq!(column(first, "customer_name"), name, "200 characters, accents intact");
    // The master system's form (the seed: 8 digits, no country code), the E.164 beside it.
    assert_eq!(column(first, "old_mobile"), "57000001");
    assert_eq!(column(first, "new_mobile"), "58000001");
    assert_eq!(column(first, "old_mobile_e164"), "+23057000001", "E.164 intact");
    assert_eq!(column(first, "new_mobile_e164"), "+23058000001");
    assert_eq!(column(second, "old_mobile"), "58000001");
    assert_eq!(column(first, "notes"), "'=HYPERLINK(\"http://evil.example\",\"click\")", "neutralised");
    assert_eq!(column(second, "notes"), "'-called twice");
    assert_eq!(column(first, "agent_id"), user_id(&app, "agent").await.to_string());
    assert_eq!(column(first, "agent_name"), "Test agent");
    assert_eq!(column(first, "status"), "pending");
    assert!(column(first, "captured_at").ends_with("+04:00"), "{}", column(first, "captured_at"));
    assert_eq!(column(first, "synced_at"), "");

    let (_, with_leads, bytes) = export(&app, &admin, "csv", "leads=include").await;
    assert_eq!(with_leads, 3, "leads when the filter asks");
    assert_eq!(parse_csv(&bytes).len(), 3);
    let (_, only_one, _) = export(&app, &admin, "csv", "q=nobody-matches").await;
    assert_eq!(only_one, 0);
}

#[tokio::test]
async fn csv_carries_who_synced_and_who_rejected_in_their_columns() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    seed(&app, &agent).await;
    let email = agent
        .post(app.url("/v1/customer_contact_updates"))
        .json(&json!({"customer_id": "30001", "new_email": "zoe.new@example.mu", "update_reason": "Other", "notes": "+ plus, @ at"}))
        .send()
        .await
        .unwrap();
    assert_eq!(email.status(), StatusCode::CREATED);
    let (_, _, bytes) = export(&app, &admin, "csv", "").await;
    let ids: Vec<String> = parse_csv(&bytes).iter().map(|r| r[0].clone()).collect();
    let synced =
        admin.patch(app.url(&format!("/v1/customer_contact_updates/{}/sync", ids[0]))).send().await.unwrap();
    assert_eq!(synced.status(), StatusCode::OK);
    let rejected = admin
        .post(app.url(&format!("/v1/customer_contact_updates/{}/reject", ids[1])))
        .json(&json!({"reason": "Customer denies calling"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::OK);

    let (_, rows, bytes) = export(&app, &admin, "csv", "").await;

    assert_eq!(rows, 3);
    let records = parse_csv(&bytes);
    let column = |row: usize, name: &str| {
        records[row][EXPORT_COLUMNS.iter().position(|c| *c == name).unwrap()].clone()
    };
    let admin_id = user_id(&app, "admin").await.to_string();
    assert_eq!(column(0, "status"), "synced");
    assert!(column(0, "synced_at").ends_with("+04:00"), "{}", column(0, "synced_at"));
    assert_eq!(column(0, "synced_by"), admin_id);
    assert_eq!(
        (column(0, "rejected_at"), column(0, "rejected_by"), column(0, "reject_reason")),
        Default::default()
    );
    assert_eq!(column(0, "update_reason"), "Customer provided new contact");
    assert_eq!((column(0, "old_email"), column(0, "new_email")), Default::default(), "a mobile change only");
    assert_eq!(column(1, "status"), "rejected");
    assert!(column(1, "rejected_at").ends_with("+04:00"), "{}", column(1, "rejected_at"));
    assert_eq!(column(1, "rejected_by"), admin_id);
    assert_eq!(column(1, "reject_reason"), "Customer denies calling");
    assert_eq!((column(1, "synced_at"), column(1, "synced_by")), Default::default());
    assert_eq!(column(2, "status"), "pending");
    assert_eq!(column(2, "update_reason"), "Other");
    assert_eq!(column(2, "old_email"), "zoe@example.mu");
    assert_eq!(column(2, "new_email"), "zoe.new@example.mu");
    assert_eq!(column(2, "new_mobile"), "");
    assert_eq!(column(2, "notes"), "'+ plus, @ at", "a leading + in text is neutralised");
    assert_eq!(column(1, "new_mobile"), "58000002");
    assert_eq!(column(1, "new_mobile_e164"), "+23058000002", "a phone's + is not");
}

#[tokio::test]
async fn xlsx_opens_in_a_reader_with_typed_cells() {
    use calamine::{Data, Reader, Xlsx};

    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    let name = seed(&app, &agent).await;

    let (_, rows, bytes) = export(&app, &admin, "xlsx", "").await;
    assert_eq!(rows, 2);
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a valid xlsx");
    let sheet = book.worksheet_range("Contact updates").expect("the sheet");
    let grid: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(grid.len(), 3, "header and two rows");
    let header: Vec<String> = grid[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, EXPORT_COLUMNS);
    let at =
        |row: usize, col: &str| grid[row][EXPORT_COLUMNS.iter().position(|c| *c == col).unwrap()].clone();
    assert!(matches!(at(1, "id"), Data::Float(_) | Data::Int(_)), "ids are numbers");
    assert_eq!(at(1, "new_mobile"), Data::String("58000001".into()), "phones are text");
    assert_eq!(at(1, "new_mobile_e164"), Data::String("+23058000001".into()));
    assert_eq!(at(1, "customer_id"), Data::String("30001".into()));
    assert_eq!(at(1, "customer_name"), Data::String(name));
    assert_eq!(
        at(1, "notes"),
        Data::String("=HYPERLINK(\"http://evil.example\",\"click\")".into()),
        "a text cell, never a formula"
    );
}

#[tokio::test]
async fn syncing_an_export_syncs_exactly_its_rows() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    seed(&app, &agent).await;
    let (export_id, rows, _) = export(&app, &admin, "csv", "status=pending").await;
    assert_eq!(rows, 2);
    // Captured after the export: not in it.
    let later = agent
        .post(app.url("/v1/customer_contact_updates"))
        .json(&json!({"customer_id": "30001", "new_email": "later@example.mu", "update_reason": "Other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(later.status(), StatusCode::CREATED);
    let later_id = later.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let sync = admin.post(app.url(&format!("/v1/exports/{export_id}/sync"))).send().await.unwrap();
    assert_eq!(sync.status(), StatusCode::OK);
    let sync: Value = sync.json().await.unwrap();
    assert_eq!((sync["synced_count"].as_i64(), sync["skipped_count"].as_i64()), (Some(2), Some(0)));

    let pending: Value = admin
        .get(app.url("/v1/customer_contact_updates?status=pending"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> =
        pending["updates"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [later_id], "only the update captured after the export is still pending");

    let again: Value = admin
        .post(app.url(&format!("/v1/exports/{export_id}/sync")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((again["synced_count"].as_i64(), again["skipped_count"].as_i64()), (Some(0), Some(2)));
    let download = admin.get(app.url(&format!("/v1/exports/{export_id}/download"))).send().await.unwrap();
    assert_eq!(download.status(), StatusCode::OK, "the file can be fetched again");
    let missing = admin.post(app.url("/v1/exports/999/sync")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let audit = app.state().db.recent_audit(10).await.unwrap();
    assert!(audit.iter().any(|(a, d)| a == "contact_updates.export" && d.contains("2 rows")), "{audit:?}");
    assert!(
        audit
            .iter()
            .any(|(a, d)| a == "contact_updates.sync" && d.starts_with(&format!("export {export_id}")))
    );
}

#[tokio::test]
async fn agents_and_anonymous_callers_get_no_export() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    seed(&app, &agent).await;
    let (export_id, _, _) = export(&app, &admin, "csv", "").await;
    let anonymous = app.client();
    for (method, path) in [
        ("GET", "/v1/customer_contact_updates/export.csv".to_owned()),
        ("GET", "/v1/customer_contact_updates/export.xlsx".to_owned()),
        ("GET", format!("/v1/exports/{export_id}/download")),
        ("POST", format!("/v1/exports/{export_id}/sync")),
    ] {
        let send = |c: &Client| c.request(method.parse().unwrap(), app.url(&path)).send();
        assert_eq!(send(&agent).await.unwrap().status(), StatusCode::FORBIDDEN, "agent {path}");
        assert_eq!(send(&anonymous).await.unwrap().status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    for (endpoint, form) in [
        ("admin/contact-updates/export", vec![("query", String::new()), ("format", "csv".to_owned())]),
        ("admin/contact-updates/sync-export", vec![("id", export_id.to_string())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(app.call(&agent, endpoint, &form).await.status(), StatusCode::FORBIDDEN, "{endpoint}");
        assert_eq!(
            app.call(&anonymous, endpoint, &form).await.status(),
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    assert_eq!(pending_total(&app, &admin).await, 2, "nothing was synced");
}

#[tokio::test]
async fn a_formula_after_a_semicolon_is_neutralised_for_excel_in_french() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    seed(&app, &agent).await;
    let response = agent
        .post(app.url("/v1/customer_contact_updates"))
        .json(&json!({
            "customer_id": "30001", "new_email": "zoe.fr@example.mu", "update_reason": "Other",
            "notes": "rappelé; =1+2;@SUM(A1)"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let (_, _, bytes) = export(&app, &admin, "csv", "").await;
    let notes = EXPORT_COLUMNS.iter().position(|c| *c == "notes").unwrap();
    let cells: Vec<String> = parse_csv(&bytes).iter().map(|r| r[notes].clone()).collect();
    // `; =1+2` starts with a space: Excel reads it as text. `;@SUM(A1)` would run.
    assert!(cells.contains(&"rappelé; =1+2;'@SUM(A1)".to_owned()), "{cells:?}");
}

#[tokio::test]
async fn an_export_whose_file_failed_cannot_be_marked_synced() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    seed(&app, &agent).await;
    // The first export's file cannot be put in place: a folder holds its name.
    let blocked = app.config.storage.data_dir.join("exports/contact-updates-1.csv");
    std::fs::create_dir_all(&blocked).unwrap();

    let failed = admin.get(app.url("/v1/customer_contact_updates/export.csv")).send().await.unwrap();
    assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);

    let sync = admin.post(app.url("/v1/exports/1/sync")).send().await.unwrap();
    assert_eq!(sync.status(), StatusCode::CONFLICT);
    let body: Value = sync.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("never completely written"), "{body}");
    let download = admin.get(app.url("/v1/exports/1/download")).send().await.unwrap();
    assert_eq!(download.status(), StatusCode::CONFLICT);
    assert_eq!(pending_total(&app, &admin).await, 2, "nothing was marked synced");

    // Once the disk is sound again, a new export is complete and syncs.
    std::fs::remove_dir(&blocked).unwrap();
    let (id, rows, _) = export(&app, &admin, "csv", "").await;
    let synced = json_of(admin.post(app.url(&format!("/v1/exports/{id}/sync")))).await;
    assert_eq!(synced["synced_count"], rows);
}

/// One meaning of "new leads" for every use of a filter: the report's total, "all matching", the
/// export and its sync take the same rows, and by default none of a lead's, so a lead's
/// correction is never marked synced without having been in an export.
#[tokio::test]
async fn a_filter_means_the_same_rows_to_the_count_the_export_and_every_sync() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    seed(&app, &agent).await;
    let lead = insert_lead_update(&app).await;
    for (query, expected) in [("", 2), ("leads=exclude", 2), ("leads=include", 3), ("leads=only", 1)] {
        let listed = json_of(admin.get(app.url(&format!("/v1/customer_contact_updates?{query}")))).await;
        assert_eq!(listed["total"], expected, "{query}");
        let (_, rows, _) = export(&app, &admin, "csv", query).await;
        assert_eq!(rows, expected, "the export of {query:?} has the rows the report counts");
    }

    let page: Value =
        app.call(&admin, "admin/contact-updates/list", &[("query", "")]).await.json().await.unwrap();
    assert_eq!(page["total"], 2, "the page counts as the API does");
    let as_of = page["as_of"].to_string();
    let all =
        app.call(&admin, "admin/contact-updates/sync-matching", &[("query", ""), ("as_of", &as_of)]).await;
    assert_eq!(all.status(), StatusCode::OK);
    let all: Value = all.json().await.unwrap();
    assert_eq!((all["synced_count"].as_i64(), all["skipped_count"].as_i64()), (Some(2), Some(0)));
    let status_of_lead = || async {
        let leads = json_of(admin.get(app.url("/v1/customer_contact_updates?leads=only"))).await;
        assert_eq!(leads["updates"][0]["id"], lead);
        leads["updates"][0]["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(status_of_lead().await, "pending", "never exported, so never marked synced");

    let (export_id, rows, _) = export(&app, &admin, "csv", "leads=only").await;
    assert_eq!(rows, 1);
    let sync = json_of(admin.post(app.url(&format!("/v1/exports/{export_id}/sync")))).await;
    assert_eq!(sync["synced_count"], 1);
    assert_eq!(status_of_lead().await, "synced", "once an export carried it");
}
