//! The admin report of contact updates and the master-system sync, over `/v1` and the page's
//! server functions: filters with exact rows, sync (one, many, all matching), reject and the
//! fallback of the contact's values, and access for agents and anonymous callers.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{
    customers::{contact_id, seed},
    helpers::{ADMIN, AGENT, TestApp},
};

/// Milliseconds of a Mauritius wall-clock time (UTC+4), e.g. `at("2026-11-02T23:30")`.
fn at(local: &str) -> i64 {
    let day = contactdesk::domain::report::Day::parse(&local[..10]).unwrap();
    let (h, m): (i64, i64) = (local[11..13].parse().unwrap(), local[14..16].parse().unwrap());
    contactdesk::server::time::day_start_ms(day) + (h * 60 + m) * 60_000
}

pub async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.state().db.user_by_username(username).await.unwrap().unwrap().id
}

/// A lead: a contact the master system does not know.
async fn insert_lead(app: &TestApp, name: &str, mobile: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO contacts (customer_id, name, mobile, status, created_at, updated_at) \
         VALUES (NULL, $1, $2, 'new_lead', 0, 0) RETURNING id",
    )
    .bind(name)
    .bind(mobile)
    .fetch_one(app.state().db.pool())
    .await
    .unwrap()
}

/// An update captured at a chosen instant (the API would stamp "now"), as the writer stores it.
pub async fn insert_update(
    app: &TestApp,
    contact: i64,
    agent: i64,
    new_mobile: &str,
    captured_at: i64,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO contact_updates (contact_id, customer_id, policy_number, customer_name, old_mobile, new_mobile, \
         update_reason, agent_id, agent_name, captured_at, status, idempotency_key) \
         SELECT c.id, c.customer_id, (SELECT MIN(policy_number) FROM policies p WHERE p.contact_id = c.id), c.name, \
         c.mobile, $1, 'Customer provided new contact', u.id, u.name, $2, 'pending', $3 \
         FROM contacts c, users u WHERE c.id = $4 AND u.id = $5 RETURNING id",
    )
    .bind(new_mobile)
    .bind(captured_at)
    .bind(format!("seed-{contact}-{captured_at}"))
    .bind(contact)
    .bind(agent)
    .fetch_one(app.state().db.pool())
    .await
    .unwrap()
}

/// An update of a new lead (no customer_id) by the agent.
pub async fn insert_lead_update(app: &TestApp) -> i64 {
    let lead = insert_lead(app, "Unknown caller", "+23059990000").await;
    insert_update(app, lead, user_id(app, "agent").await, "+23058000004", contactdesk::server::time::now_ms())
        .await
}

/// Four updates on four days: (Kevin by agent, Émilie by admin, Yusuf by agent, a lead by agent).
async fn seed_updates(app: &TestApp) -> [i64; 4] {
    seed(app).await;
    let (agent, admin) = (user_id(app, "agent").await, user_id(app, "admin").await);
    let lead = insert_lead(app, "Unknown caller", "+23059990000").await;
    [
        insert_update(app, contact_id(app, "12345").await, agent, "+23058000001", at("2026-11-01T10:00"))
            .await,
        // 23:30 in Port Louis, 19:30 UTC: still the 2nd there.
        insert_update(app, contact_id(app, "20001").await, admin, "+23058000002", at("2026-11-02T23:30"))
            .await,
        // 00:30 in Port Louis is 20:30 UTC on the 2nd: the 3rd there.
        insert_update(app, contact_id(app, "20002").await, agent, "+23058000003", at("2026-11-03T00:30"))
            .await,
        insert_update(app, lead, agent, "+23058000004", at("2026-11-04T09:00")).await,
    ]
}

async fn list(app: &TestApp, admin: &Client, query: &str) -> (i64, Vec<i64>) {
    let response = admin.get(app.url(&format!("/v1/customer_contact_updates?{query}"))).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let body: Value = response.json().await.unwrap();
    let ids = body["updates"].as_array().unwrap().iter().map(|u| u["id"].as_i64().unwrap()).collect();
    (body["total"].as_i64().unwrap(), ids)
}

#[tokio::test]
async fn each_filter_and_their_combinations_give_exact_rows() {
    let app = TestApp::spawn().await;
    let [kevin, emilie, yusuf, lead] = seed_updates(&app).await;
    let admin = app.signed_in(ADMIN).await;
    let agent_id = user_id(&app, "agent").await;

    assert_eq!(list(&app, &admin, "").await, (3, vec![yusuf, emilie, kevin]), "newest first, no leads");
    assert_eq!(list(&app, &admin, "leads=include").await, (4, vec![lead, yusuf, emilie, kevin]));
    assert_eq!(list(&app, &admin, "status=pending").await.0, 3);
    assert_eq!(list(&app, &admin, "status=synced").await, (0, vec![]));
    assert_eq!(list(&app, &admin, &format!("agent_id={agent_id}")).await, (2, vec![yusuf, kevin]));
    assert_eq!(
        list(&app, &admin, &format!("agent_id={agent_id}&leads=include")).await,
        (3, vec![lead, yusuf, kevin])
    );
    assert_eq!(
        list(&app, &admin, "from_date=2026-11-02&to_date=2026-11-02").await,
        (1, vec![emilie]),
        "business days"
    );
    assert_eq!(list(&app, &admin, "from_date=2026-11-03&leads=include").await, (2, vec![lead, yusuf]));
    assert_eq!(list(&app, &admin, "to_date=2026-11-01").await, (1, vec![kevin]), "to_date is inclusive");
    assert_eq!(list(&app, &admin, "q=lib/c80").await, (2, vec![yusuf, emilie]), "policy number prefix");
    assert_eq!(list(&app, &admin, "q=DUVAL").await, (1, vec![emilie]), "a word of the name");
    assert_eq!(list(&app, &admin, "q=%C3%A9mil%20du").await, (1, vec![emilie]), "beginnings, accents folded");
    assert_eq!(list(&app, &admin, "q=50%25").await, (0, vec![]), "wildcards are literal");
    assert_eq!(list(&app, &admin, "leads=only").await, (1, vec![lead]));
    assert_eq!(list(&app, &admin, "leads=exclude").await, (3, vec![yusuf, emilie, kevin]));
    assert_eq!(
        list(&app, &admin, &format!("agent_id={agent_id}&from_date=2026-11-02&leads=exclude")).await,
        (1, vec![yusuf])
    );
    assert_eq!(
        list(&app, &admin, "leads=include&limit=2&offset=1").await,
        (4, vec![yusuf, emilie]),
        "total is every match"
    );

    let response =
        admin.get(app.url("/v1/customer_contact_updates?leads=include&limit=1")).send().await.unwrap();
    let body: Value = response.json().await.unwrap();
    let row = &body["updates"][0];
    assert_eq!(row["customer_id"], Value::Null, "a lead has no customer_id");
    // The seed's shape carries the master system's form, the E.164 beside it.
    assert_eq!(row["new_mobile"], "58000004");
    assert_eq!(row["new_mobile_e164"], "+23058000004");
    assert_eq!(row["status"], "pending");
    assert_eq!(row["captured_at"], "2026-11-04T05:00:00.000Z");
}

#[tokio::test]
async fn bad_parameters_get_422_naming_each_field() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    let response = admin
        .get(app.url(
            "/v1/customer_contact_updates?status=done&from_date=2026-02-30&limit=0&offset=-1&agent_id=x",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for field in ["status", "from_date", "limit", "offset", "agent_id"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let response = admin.patch(app.url("/v1/customer_contact_updates/abc/sync")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let post = |path: &str, body: Value| admin.post(app.url(path)).json(&body).send();
    let response =
        post("/v1/customer_contact_updates/bulk-sync", json!({"update_ids": "all"})).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "update_ids", "{body}");
    let response = post("/v1/customer_contact_updates/1/reject", json!({"why": "x"})).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "reason", "{body}");
    let response = post("/v1/customer_contact_updates/bulk-sync", json!({"update_ids": []})).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn sync_one_and_many_count_what_they_did_and_stamp_the_caller() {
    let app = TestApp::spawn().await;
    let [kevin, emilie, yusuf, lead] = seed_updates(&app).await;
    let admin = app.signed_in(ADMIN).await;
    let admin_id = user_id(&app, "admin").await;

    let response = admin
        .patch(app.url(&format!("/v1/customer_contact_updates/{kevin}/sync")))
        .json(&json!({"synced_by": 999, "synced_at": "2020-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "synced");
    assert_eq!(body["synced_by"], admin_id, "the caller, never the body");
    assert!(body["synced_at"].as_str().unwrap() > "2026-", "the server's clock");
    let first_stamp = body["synced_at"].clone();

    let again =
        admin.patch(app.url(&format!("/v1/customer_contact_updates/{kevin}/sync"))).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK, "syncing twice is not an error");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["synced_at"], first_stamp, "and changes nothing");

    let missing = admin.patch(app.url("/v1/customer_contact_updates/999999/sync")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let rejected = admin
        .post(app.url(&format!("/v1/customer_contact_updates/{emilie}/reject")))
        .json(&json!({"reason": "Customer denies calling"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::OK);
    let conflict =
        admin.patch(app.url(&format!("/v1/customer_contact_updates/{emilie}/sync"))).send().await.unwrap();
    assert_eq!(conflict.status(), StatusCode::CONFLICT, "a rejected update is not synced");

    let bulk = admin
        .post(app.url("/v1/customer_contact_updates/bulk-sync"))
        .json(&json!({"update_ids": [kevin, emilie, yusuf, lead, 999999], "synced_by": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bulk.status(), StatusCode::OK);
    let bulk: Value = bulk.json().await.unwrap();
    assert_eq!(bulk["synced_count"], 2, "yusuf and the lead");
    assert_eq!(bulk["skipped_count"], 3, "kevin (synced), emilie (rejected), 999999 (unknown)");
    assert_eq!(
        bulk["message"],
        "2 updates marked as synced; 3 left as they were (already synced or rejected)"
    );

    assert_eq!(list(&app, &admin, "status=synced&leads=include").await, (3, vec![lead, yusuf, kevin]));
    assert_eq!(list(&app, &admin, "status=rejected").await, (1, vec![emilie]));
    let audit = app.state().db.recent_audit(10).await.unwrap();
    assert!(
        audit.iter().any(|(action, detail)| action == "contact_updates.sync" && detail.ends_with("synced 2"))
    );
    assert!(audit.iter().any(|(action, _)| action == "contact_updates.reject"));
}

/// `PATCH …/sync` through the page's server functions: the selected ids and "all matching".
#[tokio::test]
async fn all_matching_syncs_only_what_existed_when_the_admin_looked() {
    let app = TestApp::spawn().await;
    let [kevin, _emilie, yusuf, lead] = seed_updates(&app).await;
    let admin = app.signed_in(ADMIN).await;
    let agent_id = user_id(&app, "agent").await;
    let query = format!("agent_id={agent_id}&leads=include");

    let page = app.call(&admin, "admin/contact-updates/list", &[("query", &query)]).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page: Value = page.json().await.unwrap();
    assert_eq!(page["total"], 3);
    let as_of = page["as_of"].as_i64().unwrap();
    // The lead's update is synced by someone else meanwhile, and a new one is captured.
    let one = app.call(&admin, "admin/contact-updates/sync", &[("ids[0]", &lead.to_string())]).await;
    assert_eq!(one.status(), StatusCode::OK);
    let later = insert_update(
        &app,
        contact_id(&app, "12345").await,
        agent_id,
        "+23058000009",
        at("2026-11-05T09:00"),
    )
    .await;

    let all = app
        .call(
            &admin,
            "admin/contact-updates/sync-matching",
            &[("query", &query), ("as_of", &as_of.to_string())],
        )
        .await;
    assert_eq!(all.status(), StatusCode::OK);
    let all: Value = all.json().await.unwrap();
    assert_eq!(all["synced_count"], 2, "kevin and yusuf");
    assert_eq!(all["skipped_count"], 1, "the lead, synced before");

    let (_, pending) = list(&app, &admin, "status=pending").await;
    assert!(pending.contains(&later), "captured after the admin looked: still pending");
    assert!(!pending.contains(&kevin) && !pending.contains(&yusuf));
}

async fn latest_body(app: &TestApp, client: &Client) -> Value {
    client
        .get(app.url("/v1/customer_contact_updates/latest/12345"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn latest(app: &TestApp, client: &Client) -> (Value, Value) {
    let body = latest_body(app, client).await;
    (body["latest_mobile"].clone(), body["latest_email"].clone())
}

async fn capture(app: &TestApp, agent: &Client, mobile: &str, email: &str) -> i64 {
    let response = agent
        .post(app.url("/v1/customer_contact_updates"))
        .json(&json!({
            "customer_id": "12345", "new_mobile": mobile, "new_email": email,
            "update_reason": "Customer provided new contact"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// The ids of the contacts the search finds for `q`.
async fn found(app: &TestApp, client: &Client, q: &str) -> Vec<i64> {
    let url = app.url(&format!("/v1/contacts?q={}", contactdesk::domain::url::encode_component(q)));
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{q}");
    let body: Value = response.json().await.unwrap();
    body["contacts"].as_array().unwrap().iter().map(|c| c["contact_id"].as_i64().unwrap()).collect()
}

/// Where a payment QR email for the customer's policy goes, as the server decides at sending.
async fn qr_email_to(app: &TestApp, client: &Client, contact: i64) -> String {
    let response = crate::payment_qr::email_qr(app, client, contact, "LIB/C7013").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["to"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_rejected_update_stops_being_the_current_value_field_by_field() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    let first = capture(&app, &agent, "58111111", "first@example.mu").await;
    let second = capture(&app, &agent, "58222222", "").await;
    assert_eq!(latest(&app, &agent).await, (json!("58222222"), json!("first@example.mu")));

    let reject = |id: i64, reason: &'static str| {
        let admin = admin.clone();
        let url = app.url(&format!("/v1/customer_contact_updates/{id}/reject"));
        async move { admin.post(url).json(&json!({ "reason": reason })).send().await.unwrap() }
    };
    let no_reason = reject(second, "  ").await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(latest(&app, &agent).await.0, json!("58222222"), "a refused rejection changes nothing");

    let response = reject(second, "Wrong number typed").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "rejected");
    assert_eq!(body["reject_reason"], "Wrong number typed");
    assert_eq!(body["rejected_by_name"], "Test admin");
    assert_eq!(latest(&app, &agent).await, (json!("58111111"), json!("first@example.mu")), "the first again");
    let kevin = contact_id(&app, "12345").await;
    assert_eq!(
        found(&app, &agent, "58222222").await,
        Vec::<i64>::new(),
        "search forgets the rejected number"
    );
    assert_eq!(found(&app, &agent, "58111111").await, [kevin], "and finds the one that stands");
    assert_eq!(qr_email_to(&app, &agent, kevin).await, "first@example.mu");

    assert_eq!(reject(second, "again").await.status(), StatusCode::CONFLICT, "only a pending update");
    assert_eq!(reject(first, "Customer denies it").await.status(), StatusCode::OK);
    assert_eq!(
        latest(&app, &agent).await,
        (json!("57372333"), json!("old@email.com")),
        "the master system's values"
    );
    assert_eq!(latest_body(&app, &agent).await["updated_by"], Value::Null, "no correction stands");
    assert_eq!(qr_email_to(&app, &agent, kevin).await, "old@email.com", "the QR email goes to the master's");
    assert_eq!(found(&app, &agent, "first@example.mu").await, Vec::<i64>::new());
    assert!(found(&app, &agent, "5737 2333").await.contains(&kevin), "the master's number again");
    // The customer page marks nothing and shows both as rejected.
    let detail: Value = app
        .call(&agent, "customers/get", &[("id", &contact_id(&app, "12345").await.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["mobile_marker"], Value::Null);
    assert!(detail["history"].as_array().unwrap().iter().all(|u| u["status"] == "rejected"));
}

#[tokio::test]
async fn agents_and_anonymous_callers_are_refused_every_report_route() {
    let app = TestApp::spawn().await;
    let [kevin, ..] = seed_updates(&app).await;
    let agent = app.signed_in(AGENT).await;
    let agent_token = app.token("agent", "api").await;
    let anonymous = app.client();
    let routes = [
        ("GET", "/v1/customer_contact_updates".to_owned(), json!(null)),
        ("PATCH", format!("/v1/customer_contact_updates/{kevin}/sync"), json!(null)),
        ("POST", "/v1/customer_contact_updates/bulk-sync".to_owned(), json!({"update_ids": [kevin]})),
        ("POST", format!("/v1/customer_contact_updates/{kevin}/reject"), json!({"reason": "no"})),
    ];
    for (method, path, body) in &routes {
        let request = |client: &Client| {
            let mut r = client.request(method.parse().unwrap(), app.url(path));
            if !body.is_null() {
                r = r.json(body);
            }
            r
        };
        assert_eq!(
            request(&agent).send().await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "agent {method} {path}"
        );
        let with_token = request(&app.client()).bearer_auth(&agent_token).send().await.unwrap();
        assert_eq!(with_token.status(), StatusCode::FORBIDDEN, "agent token {method} {path}");
        assert_eq!(
            request(&anonymous).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
    let calls: [(&str, Vec<(&str, String)>); 4] = [
        ("admin/contact-updates/list", vec![("query", String::new())]),
        ("admin/contact-updates/sync", vec![("ids[0]", kevin.to_string())]),
        ("admin/contact-updates/sync-matching", vec![("query", String::new()), ("as_of", "999".into())]),
        ("admin/contact-updates/reject", vec![("id", kevin.to_string()), ("reason", "no".into())]),
    ];
    for (endpoint, form) in &calls {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.call(&agent, endpoint, &form).await.status(),
            StatusCode::FORBIDDEN,
            "agent {endpoint}"
        );
        assert_eq!(
            app.call(&anonymous, endpoint, &form).await.status(),
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(list(&app, &admin, "status=pending&leads=include").await.0, 4, "nothing changed");
}
