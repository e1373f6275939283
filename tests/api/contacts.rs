//! `/v1/contacts` and the Contacts server functions: create with the modal's rules and the
//! shared-phone 409, edit with phone/email changes audited as contact updates, the delete rule,
//! list and search with a status filter, and every route × principal.

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    customers::{contact_id, seed},
    helpers::{ADMIN, AGENT, TestApp},
};

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Client::new().request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn field_names(body: &Value) -> Vec<&str> {
    body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect()
}

fn names(body: &Value) -> Vec<&str> {
    body["contacts"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn create_edit_and_read_a_contact_with_its_audited_changes() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.token("agent", "api").await;

    let (status, created) = send(
        &app,
        Method::POST,
        "/v1/contacts",
        &agent,
        Some(json!({"name": "  Marie   Laval ", "mobile": "5812 3456", "email": "Marie@Example.MU"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], "Marie Laval");
    assert_eq!(created["status"], "new_lead");
    assert_eq!(created["mobile"], "+23058123456");
    assert_eq!(created["email"], "Marie@example.mu");
    assert_eq!(created["customer_id"], Value::Null);
    let id = created["id"].as_i64().unwrap();

    // Name and status are set directly, and found by the search under the new name.
    let (status, edited) = send(
        &app,
        Method::PUT,
        &format!("/v1/contacts/{id}"),
        &agent,
        Some(json!({"name": "Marie Laval-Dupont", "status": "customer"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["name"].as_str(), edited["status"].as_str()),
        (Some("Marie Laval-Dupont"), Some("customer"))
    );
    let (_, found) = send(&app, Method::GET, "/v1/contacts?q=dupont", &agent, None).await;
    assert_eq!(names(&found), ["Marie Laval-Dupont"]);
    let (_, found) = send(&app, Method::GET, "/v1/contacts?q=laval%20marie", &agent, None).await;
    assert_eq!(found["total"], 1);

    // A new mobile needs its reason, and is then stored as a contact update by the caller.
    let path = format!("/v1/contacts/{id}");
    let (status, refused) =
        send(&app, Method::PUT, &path, &agent, Some(json!({"mobile": "5777 8888"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&refused), ["update_reason"]);
    let change = json!({"mobile": "5777 8888", "email": "marie@example.mu", "update_reason": "Customer requested update",
                        "notes": "New phone", "idempotency_key": "contact-edit-0001"});
    let (status, edited) = send(&app, Method::PUT, &path, &agent, Some(change.clone())).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["mobile"], "+23057778888");
    assert_eq!(edited["email"], "Marie@example.mu", "the same address in other case is no change");
    // A retry changes nothing more: the values are current already.
    let (status, _) = send(&app, Method::PUT, &path, &agent, Some(change)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, detail) = send(&app, Method::GET, &path, &agent, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["name"], "Marie Laval-Dupont");
    let updates = detail["updates"].as_array().unwrap();
    assert_eq!(updates.len(), 1, "{detail}");
    // A correction in the seed's shape, as the list gives it: the master system's form.
    assert_eq!(updates[0]["old_mobile"], "58123456");
    assert_eq!(updates[0]["new_mobile"], "57778888");
    assert_eq!(updates[0]["new_mobile_e164"], "+23057778888");
    assert_eq!(updates[0]["new_email"], Value::Null);
    assert_eq!(updates[0]["update_reason"], "Customer requested update");
    assert_eq!(updates[0]["agent_name"], "Test agent");
    assert_eq!(updates[0]["status"], "pending");
    assert_eq!(
        (detail["calls_total"].as_i64(), detail["calls"].as_array().map(Vec::len)),
        (Some(0), Some(0))
    );

    // The history is the contact's calls too, newest first.
    let phone = app.token("agent", "upload").await;
    for (n, at) in [(1, "2026-11-20T09:00:00+04:00"), (2, "2026-11-21T09:00:00+04:00")] {
        crate::call_logs::call(&app, &phone, n, "5777 8888", "inbound", at).await;
    }
    let (_, detail) = send(&app, Method::GET, &path, &agent, None).await;
    assert_eq!(detail["calls_total"], 2);
    let starts: Vec<&str> =
        detail["calls"].as_array().unwrap().iter().map(|c| c["started_at"].as_str().unwrap()).collect();
    assert!(starts[0] > starts[1], "newest first: {starts:?}");
    assert!(detail["calls"].as_array().unwrap().iter().all(|c| c["contact_id"] == id));
}

#[tokio::test]
async fn create_is_validated_like_the_modal_and_a_shared_phone_must_be_confirmed() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.token("agent", "api").await;
    let before = send(&app, Method::GET, "/v1/contacts", &agent, None).await.1["total"].as_i64();

    let (status, body) = send(
        &app,
        Method::POST,
        "/v1/contacts",
        &agent,
        Some(json!({"name": " ", "mobile": "12", "email": "x@"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["name", "mobile", "email"]);
    let (status, body) =
        send(&app, Method::POST, "/v1/contacts", &agent, Some(json!({"name": "No Way"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["mobile"], "a mobile or an email is needed");
    // A fixed line is a number, but not a mobile: the modal's rule.
    let (status, body) =
        send(&app, Method::POST, "/v1/contacts", &agent, Some(json!({"name": "Desk", "mobile": "208 1234"})))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let response =
        Client::new().post(app.url("/v1/contacts")).bearer_auth(&agent).body("{oops").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Kevin's number: 409 naming him, unless the family shares the phone.
    let sister = json!({"name": "Lisa Anderson", "mobile": "+230 5737 2333"});
    let (status, body) = send(&app, Method::POST, "/v1/contacts", &agent, Some(sister.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "conflict");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("Kevin Anderson Curepipe"), "{message}");
    assert!(message.contains("shared_phone"), "{message}");
    assert_eq!(
        send(&app, Method::GET, "/v1/contacts", &agent, None).await.1["total"].as_i64(),
        before,
        "nothing stored"
    );

    let mut shared = sister;
    shared["shared_phone"] = json!(true);
    let (status, body) = send(&app, Method::POST, "/v1/contacts", &agent, Some(shared)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, both) = send(&app, Method::GET, "/v1/contacts?q=57372333", &agent, None).await;
    assert_eq!(names(&both), ["Kevin Anderson Curepipe", "Lisa Anderson"]);

    // A master-system customer stays a customer.
    let kevin = contact_id(&app, "12345").await;
    let (status, body) = send(
        &app,
        Method::PUT,
        &format!("/v1/contacts/{kevin}"),
        &agent,
        Some(json!({"status": "new_lead"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&body), ["status"]);
    let (status, _) =
        send(&app, Method::PUT, "/v1/contacts/999999", &agent, Some(json!({"name": "Ghost"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_list_filters_by_status_and_pages_by_name() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.token("agent", "api").await;
    for (name, mobile) in [("Zoé Lead", "5812 0001"), ("Aaron Lead", "5812 0002")] {
        let (status, _) =
            send(&app, Method::POST, "/v1/contacts", &agent, Some(json!({"name": name, "mobile": mobile})))
                .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, all) = send(&app, Method::GET, "/v1/contacts", &agent, None).await;
    assert_eq!(
        names(&all),
        ["Aaron Lead", "Émilie Duval", "Kevin Anderson Curepipe", "Yusuf Peerbocus", "Zoé Lead"]
    );
    assert_eq!((all["total"].as_i64(), all["total_is_capped"].as_bool()), (Some(5), Some(false)));
    let (_, leads) = send(&app, Method::GET, "/v1/contacts?status=new_lead", &agent, None).await;
    assert_eq!(names(&leads), ["Aaron Lead", "Zoé Lead"]);
    assert!(leads["contacts"].as_array().unwrap().iter().all(|c| c["status"] == "new_lead"));
    let (_, customers) =
        send(&app, Method::GET, "/v1/contacts?status=customer&limit=2&offset=1", &agent, None).await;
    assert_eq!(
        (customers["total"].as_i64(), names(&customers)),
        (Some(3), vec!["Kevin Anderson Curepipe", "Yusuf Peerbocus"])
    );
    let (_, searched) =
        send(&app, Method::GET, "/v1/contacts?q=lead&status=new_lead&limit=1", &agent, None).await;
    assert_eq!((searched["total"].as_i64(), names(&searched)), (Some(2), vec!["Aaron Lead"]));
    let (_, none) = send(&app, Method::GET, "/v1/contacts?q=lead&status=customer", &agent, None).await;
    assert_eq!(none["total"], 0);
    assert_eq!(none["contacts"].as_array().unwrap().len(), 0);

    let (status, bad) = send(&app, Method::GET, "/v1/contacts?status=vip&limit=0", &agent, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&bad), ["status", "limit"]);

    // The Contacts page's server function filters the same way.
    let session = app.signed_in(AGENT).await;
    let response =
        app.call(&session, "customers/search", &[("q", ""), ("page", "1"), ("status", "new_lead")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    let hits: Vec<&str> =
        page["hits"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(hits, ["Aaron Lead", "Zoé Lead"]);
}

#[tokio::test]
async fn only_a_contact_with_no_history_can_be_deleted_and_only_by_an_admin() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.token("agent", "api").await;
    let admin = app.token("admin", "api").await;
    let create = |name: &str, mobile: &str| json!({"name": name, "mobile": mobile});
    let (_, typo) =
        send(&app, Method::POST, "/v1/contacts", &agent, Some(create("Typo Person", "5812 1111"))).await;
    let typo = typo["id"].as_i64().unwrap();
    let (_, corrected) =
        send(&app, Method::POST, "/v1/contacts", &agent, Some(create("Corrected Person", "5812 2222"))).await;
    let corrected = corrected["id"].as_i64().unwrap();
    let change = json!({"email": "c@example.mu", "update_reason": "Current contact is missing"});
    assert_eq!(
        send(&app, Method::PUT, &format!("/v1/contacts/{corrected}"), &agent, Some(change)).await.0,
        StatusCode::OK
    );

    let (status, _) = send(&app, Method::DELETE, &format!("/v1/contacts/{typo}"), &agent, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "agents do not delete");
    let (status, body) = send(&app, Method::DELETE, &format!("/v1/contacts/{corrected}"), &admin, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("1 contact update"), "{body}");
    let kevin = contact_id(&app, "12345").await;
    let (status, body) = send(&app, Method::DELETE, &format!("/v1/contacts/{kevin}"), &admin, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["message"].as_str().unwrap().contains("1 policy"), "{body}");
    let phone = app.token("agent", "upload").await;
    let call =
        crate::call_logs::call(&app, &phone, 1, "5812 3333", "inbound", "2026-11-20T09:00:00+04:00").await;
    let (_, recorded) = send(&app, Method::GET, &format!("/v1/calls/{call}"), &agent, None).await;
    let lead = recorded["contact_id"].as_i64().expect("the call made a lead");
    let (status, body) = send(&app, Method::DELETE, &format!("/v1/contacts/{lead}"), &admin, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "a lead with a recorded call stays");
    assert!(body["error"]["message"].as_str().unwrap().contains("1 call"), "{body}");

    let (status, _) = send(&app, Method::DELETE, &format!("/v1/contacts/{typo}"), &admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, Method::GET, &format!("/v1/contacts/{typo}"), &agent, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, Method::DELETE, &format!("/v1/contacts/{typo}"), &admin, None).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, gone) = send(&app, Method::GET, "/v1/contacts?q=typo", &agent, None).await;
    assert_eq!(gone["total"], 0, "out of the search index too");
    let audit = app.state().db.recent_audit(5).await.unwrap();
    assert_eq!(audit[0].0, "contact.delete");
    assert!(audit[0].1.contains("Typo Person"), "{audit:?}");
    assert!(app.state().db.contact(corrected).await.unwrap().is_some());
    assert!(app.state().db.contact(kevin).await.unwrap().is_some());
    assert!(app.state().db.contact(lead).await.unwrap().is_some());
}

#[tokio::test]
async fn every_contacts_route_by_principal() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.token("agent", "api").await;
    let admin = app.token("admin", "api").await;
    let phone = app.token("agent", "upload").await;
    let kevin = contact_id(&app, "12345").await;
    let one = format!("/v1/contacts/{kevin}");
    let body = || Some(json!({"name": "Route Test", "email": "route@example.mu", "shared_phone": true}));
    let routes: Vec<(Method, &str, Option<Value>)> = vec![
        (Method::GET, "/v1/contacts", None),
        (Method::POST, "/v1/contacts", body()),
        (Method::GET, &one, None),
        (Method::PUT, &one, Some(json!({"name": "Kevin Anderson Curepipe"}))),
        (Method::DELETE, "/v1/contacts/999999", None),
        (Method::GET, "/v1/calls", None),
    ];
    for (method, path, body) in &routes {
        let anonymous = Client::new().request(method.clone(), app.url(path)).send().await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "anonymous {method} {path}");
        let (status, _) = send(&app, method.clone(), path, &phone, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "upload token {method} {path}");
        let (status, _) = send(&app, method.clone(), path, "not-a-token", body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "unknown token {method} {path}");
        let expected_agent = match (method.clone(), *path) {
            (Method::POST, _) => StatusCode::CREATED,
            (Method::DELETE, _) => StatusCode::FORBIDDEN,
            _ => StatusCode::OK,
        };
        let (status, _) = send(&app, method.clone(), path, &agent, body.clone()).await;
        assert_eq!(status, expected_agent, "agent {method} {path}");
        let expected_admin = if *method == Method::DELETE { StatusCode::NOT_FOUND } else { expected_agent };
        let (status, _) = send(&app, method.clone(), path, &admin, body.clone()).await;
        assert_eq!(status, expected_admin, "admin {method} {path}");
    }
    // A session works like an api token: agents read and create, not delete.
    let session = app.signed_in(AGENT).await;
    assert_eq!(session.get(app.url(&one)).send().await.unwrap().status(), StatusCode::OK);
    let delete = session.delete(app.url(&one)).send().await.unwrap();
    assert_eq!(delete.status(), StatusCode::FORBIDDEN);
    // And the server function of the contact page's Delete button.
    let response = app.call(&session, "contacts/delete", &[("contact_id", &kevin.to_string())]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .call(&app.client(), "contacts/create", &[("name", "X"), ("mobile", "58120003"), ("email", "")])
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(app.state().db.contact(kevin).await.unwrap().is_some());
}

#[tokio::test]
async fn the_contact_forms_server_functions_create_and_edit() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let form = [("name", "Form Lead"), ("mobile", "5737 2333"), ("email", "")];
    let response = app.call(&agent, "contacts/create", &form).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "Kevin's number");
    let shared = [("name", "Form Lead"), ("mobile", "5737 2333"), ("email", ""), ("shared_phone", "true")];
    let response = app.call(&agent, "contacts/create", &shared).await;
    assert_eq!(response.status(), StatusCode::OK);
    let id: i64 = response.json().await.unwrap();
    let response = app
        .call(
            &agent,
            "contacts/edit",
            &[("contact_id", &id.to_string()), ("name", "Form Lead Two"), ("status", "customer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let detail: Value = response.json().await.unwrap();
    assert_eq!(
        (detail["name"].as_str(), detail["status"].as_str()),
        (Some("Form Lead Two"), Some("customer"))
    );
    let response = app
        .call(
            &agent,
            "contacts/edit",
            &[("contact_id", &id.to_string()), ("name", ""), ("status", "customer")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_agent_s_edit_of_name_and_status_goes_to_the_audit_log() {
    let app = TestApp::spawn().await;
    let token = app.token(AGENT.0, "api").await;
    let (status, created) = send(
        &app,
        Method::POST,
        "/v1/contacts",
        &token,
        Some(json!({"name": "Anil Audit", "email": "anil@example.mu"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();

    let (status, body) =
        send(&app, Method::PUT, &format!("/v1/contacts/{id}"), &token, Some(json!({"name": "Anil Audited"})))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let admin = app.signed_in(ADMIN).await;
    let response = app.call(&admin, "admin/activity", &[("action", "contact.edit"), ("page", "1")]).await;
    let activity: Value = response.json().await.unwrap();
    let entry = &activity["entries"][0];
    assert_eq!(entry["actor"], "Test agent", "the agent who edited: {activity}");
    let detail = entry["detail"].as_str().unwrap();
    assert!(detail.contains("\"Anil Audit\" → \"Anil Audited\""), "{detail}");
    // A no-op edit writes nothing.
    send(&app, Method::PUT, &format!("/v1/contacts/{id}"), &token, Some(json!({"name": "Anil Audited"})))
        .await;
    let again = app.state().db.recent_audit(10).await.unwrap();
    assert_eq!(again.iter().filter(|(action, _)| action == "contact.edit").count(), 1);
}
