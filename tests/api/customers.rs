//! Customers: search, the Update Contact save, idempotency, concurrency, the append-only trail.

use contactdesk::server::db::customers::{NewCustomer, NewPolicy};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ADMIN, AGENT, TestApp};

pub async fn seed(app: &TestApp) {
    let customer =
        |id: &str, name: &str, mobile: Option<&str>, email: Option<&str>, policy: &str| NewCustomer {
            customer_id: id.into(),
            name: name.into(),
            mobile: mobile.map(Into::into),
            email: email.map(Into::into),
            policies: vec![NewPolicy {
                policy_number: policy.into(),
                amount_due_cents: 449_129,
                payment_status: "pending".into(),
            }],
        };
    let customers = [
        customer(
            "12345",
            "Kevin Anderson Curepipe",
            Some("+23057372333"),
            Some("old@email.com"),
            "LIB/C7013",
        ),
        customer("20001", "Émilie Duval", None, Some("emilie@example.mu"), "LIB/C8001"),
        customer("20002", "Yusuf Peerbocus", Some("+23058881111"), None, "LIB/C8002"),
    ];
    app.state().db.insert_customers(&customers, 0, false).await.expect("seed customers");
}

pub async fn contact_id(app: &TestApp, customer_id: &str) -> i64 {
    app.state().db.contact_by_customer_id(customer_id).await.unwrap().unwrap().id
}

async fn search(app: &TestApp, client: &reqwest::Client, q: &str) -> Vec<String> {
    let response = app.call(client, "customers/search", &[("q", q), ("page", "1")]).await;
    assert_eq!(response.status(), StatusCode::OK, "{q}");
    let page: Value = response.json().await.unwrap();
    page["hits"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn search_finds_by_name_policy_phone_and_email() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;

    assert_eq!(search(&app, &agent, "kevin").await, ["Kevin Anderson Curepipe"]);
    assert_eq!(search(&app, &agent, "ANDERS cure").await, ["Kevin Anderson Curepipe"]);
    assert_eq!(search(&app, &agent, "emilie").await, ["Émilie Duval"], "accent-insensitive");
    assert_eq!(search(&app, &agent, "lib/c7013").await, ["Kevin Anderson Curepipe"]);
    for phone in ["5737 2333", "+230 5737 2333", "0023057372333", "57372333"] {
        assert_eq!(search(&app, &agent, phone).await, ["Kevin Anderson Curepipe"], "{phone}");
    }
    assert_eq!(search(&app, &agent, "emilie@EXAMPLE").await, ["Émilie Duval"]);
    assert!(search(&app, &agent, "nobody").await.is_empty());
    // No query: every contact, by name (the Contacts list).
    assert_eq!(
        search(&app, &agent, "").await,
        ["Émilie Duval", "Kevin Anderson Curepipe", "Yusuf Peerbocus"]
    );
}

#[tokio::test]
async fn a_broad_search_counts_to_a_thousand_and_pages_in_name_order() {
    let app = TestApp::spawn().await;
    let many: Vec<NewCustomer> = (0..1_010)
        .map(|i| NewCustomer {
            customer_id: format!("9{i:05}"),
            name: format!("Capra Person {:04}", 1_009 - i),
            mobile: None,
            email: None,
            policies: vec![NewPolicy {
                policy_number: format!("CAP/{i:05}"),
                amount_due_cents: 100,
                payment_status: "pending".into(),
            }],
        })
        .collect();
    app.state().db.insert_customers(&many, 0, false).await.unwrap();
    let agent = app.signed_in(AGENT).await;

    let first: Value = app
        .call(&agent, "customers/search", &[("q", "capra pers"), ("page", "1")])
        .await
        .json()
        .await
        .unwrap();
    let third: Value = app
        .call(&agent, "customers/search", &[("q", "capra pers"), ("page", "3")])
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(first["total"], 1_001, "counting stops just past the limit");
    assert_eq!(first["hits"].as_array().unwrap().len(), 20);
    assert_eq!(first["hits"][0]["name"], "Capra Person 0000");
    assert_eq!(first["hits"][19]["name"], "Capra Person 0019");
    assert_eq!(third["hits"][0]["name"], "Capra Person 0040");
}

#[tokio::test]
async fn results_are_in_name_order_ignoring_case_and_accents() {
    let app = TestApp::spawn().await;
    let customer = |id: &str, name: &str, policy: &str| NewCustomer {
        customer_id: id.into(),
        name: name.into(),
        mobile: None,
        email: None,
        policies: vec![NewPolicy {
            policy_number: policy.into(),
            amount_due_cents: 1,
            payment_status: "paid".into(),
        }],
    };
    let customers = [
        customer("1", "Zoé Laval", "P/1"),
        customer("2", "émile Laval", "P/2"),
        customer("3", "Bruno Laval", "P/3"),
        customer("4", "Eric Laval", "P/4"),
    ];
    app.state().db.insert_customers(&customers, 0, false).await.unwrap();
    let agent = app.signed_in(AGENT).await;

    assert_eq!(
        search(&app, &agent, "laval").await,
        ["Bruno Laval", "émile Laval", "Eric Laval", "Zoé Laval"]
    );
}

#[tokio::test]
async fn search_and_detail_need_a_session() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let anonymous = app.client();

    let search = app.call(&anonymous, "customers/search", &[("q", "kevin"), ("page", "1")]).await;
    let detail = app.call(&anonymous, "customers/get", &[("id", "1")]).await;
    let save = save(&app, &anonymous, &save_form(1, "58123456", "", "k-anon-0001")).await;

    assert_eq!(search.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(detail.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(save.status(), StatusCode::UNAUTHORIZED);
}

fn save_form<'a>(
    contact_id: i64,
    mobile: &'a str,
    email: &'a str,
    key: &'a str,
) -> Vec<(&'static str, String)> {
    vec![
        ("contact_id", contact_id.to_string()),
        ("policy_number", "".into()),
        ("new_mobile", mobile.into()),
        ("new_email", email.into()),
        ("reason", "Customer provided new contact".into()),
        ("notes", "Customer called to update".into()),
        ("idempotency_key", key.into()),
    ]
}

async fn save(app: &TestApp, client: &reqwest::Client, form: &[(&str, String)]) -> reqwest::Response {
    client.post(app.url("/api/customers/update-contact")).form(form).send().await.unwrap()
}

#[tokio::test]
async fn saving_an_update_changes_the_contact_and_records_history() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;

    let response = save(&app, &agent, &save_form(id, "5812 3456", "New@Email.COM", "key-0000-0001")).await;

    assert_eq!(response.status(), StatusCode::OK);
    let detail: Value = response.json().await.unwrap();
    assert_eq!(detail["mobile"], "+23058123456");
    assert_eq!(detail["mobile_display"], "5812 3456");
    assert_eq!(detail["email"], "New@email.com", "domain lower-cased, local part kept");
    assert_eq!(detail["mobile_marker"]["text"], "Updated today");
    assert!(detail["mobile_marker"]["detail"].as_str().unwrap().contains("Test agent"));
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["old_mobile"], "5737 2333");
    assert_eq!(history[0]["new_mobile"], "5812 3456");
    assert_eq!(history[0]["old_email"], "old@email.com");
    assert_eq!(history[0]["policy_number"], "LIB/C7013");
    assert_eq!(history[0]["status"], "pending");
    // The stored row names the authenticated agent.
    let row = app.state().db.latest_update_of(id).await.unwrap().unwrap();
    assert_eq!(row.agent_name, "Test agent");
    assert_eq!(row.update_reason, "Customer provided new contact");
}

#[tokio::test]
async fn invalid_input_is_refused_field_by_field_and_nothing_changes() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;
    let mut form = save_form(id, "1234", "not-an-email", "key-0000-0002");
    form[4].1 = String::new(); // no reason
    form[5].1 = "n".repeat(501);

    let response = save(&app, &agent, &form).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> =
        body["Invalid"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["new_mobile", "new_email", "reason", "notes"]);
    let contact = app.state().db.contact(id).await.unwrap().unwrap();
    assert_eq!(contact.mobile.as_deref(), Some("+23057372333"));
    assert!(app.state().db.latest_update_of(id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_value_equal_to_the_current_one_is_no_change() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;

    let response = save(&app, &agent, &save_form(id, "+230 5737 2333", "", "key-0000-0003")).await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("same as the current"));
}

#[tokio::test]
async fn a_double_click_stores_one_update() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;
    let form = save_form(id, "58123456", "", "same-key-twice-01");

    let (a, b) = tokio::join!(save(&app, &agent, &form), save(&app, &agent, &form));
    let retry = save(&app, &agent, &form).await;

    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(b.status(), StatusCode::OK);
    assert_eq!(retry.status(), StatusCode::OK);
    assert_eq!(app.state().db.updates_of(id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn two_agents_updating_one_customer_are_both_kept_and_the_newest_wins() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    let id = contact_id(&app, "12345").await;

    let (agent_form, admin_form) =
        (save_form(id, "58123456", "", "agent-key-0001"), save_form(id, "57778888", "", "admin-key-0001"));
    let (a, b) = tokio::join!(save(&app, &agent, &agent_form), save(&app, &admin, &admin_form));

    assert_eq!(a.status(), StatusCode::OK);
    assert_eq!(b.status(), StatusCode::OK);
    let updates = app.state().db.updates_of(id).await.unwrap();
    assert_eq!(updates.len(), 2);
    let newest = &updates[0];
    let contact = app.state().db.contact(id).await.unwrap().unwrap();
    assert_eq!(contact.mobile, newest.new_mobile, "the contact holds the newest update's value");
    // The second one saw the first one's value as "old": the trail is a chain.
    assert_eq!(updates[1].new_mobile, newest.old_mobile);
}

#[tokio::test]
async fn the_database_refuses_to_delete_or_rewrite_captured_updates() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let id = contact_id(&app, "12345").await;
    assert_eq!(
        save(&app, &agent, &save_form(id, "58123456", "", "key-0000-0004")).await.status(),
        StatusCode::OK
    );
    let pool = app.state().db.pool();

    let delete = sqlx::query("DELETE FROM contact_updates").execute(pool).await;
    let rewrite = sqlx::query("UPDATE contact_updates SET new_mobile = '+23050000000'").execute(pool).await;
    let unstamped = sqlx::query("UPDATE contact_updates SET status = 'synced'").execute(pool).await;
    let synced = sqlx::query("UPDATE contact_updates SET status = 'synced', synced_at = 1, synced_by = 1")
        .execute(pool)
        .await;
    let back =
        sqlx::query("UPDATE contact_updates SET status = 'pending', synced_at = NULL, synced_by = NULL")
            .execute(pool)
            .await;

    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert!(rewrite.unwrap_err().to_string().contains("append-only"));
    assert!(unstamped.is_err(), "synced needs its stamp");
    assert!(synced.is_ok(), "pending → synced with its stamp is allowed");
    assert!(back.is_err(), "synced never goes back");
    let row = app.state().db.latest_update_of(id).await.unwrap().unwrap();
    assert_eq!(row.new_mobile.as_deref(), Some("+23058123456"));
}
