//! `/v1/customer_contact_updates` for sessions and bearer tokens.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    customers::{contact_id, seed},
    helpers::{AGENT, TestApp, json_of},
};

async fn token_for(app: &TestApp, username: &str) -> String {
    app.token(username, "api").await
}

fn seed_body() -> Value {
    json!({
        "customer_id": "12345",
        "policy_number": "LIB/C7013",
        "customer_name": "Kevin Anderson Curepipe",
        "old_mobile": "57372333",
        "new_mobile": "58123456",
        "old_email": "old@email.com",
        "new_email": "new@email.com",
        "update_reason": "Customer provided new contact",
        "notes": "Customer called to update contact info",
        "agent_id": 24,
        "agent_name": "David Brown"
    })
}

#[tokio::test]
async fn a_bearer_token_creates_an_update_as_its_own_user() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let token = token_for(&app, "agent").await;

    let response = reqwest::Client::new()
        .post(app.url("/v1/customer_contact_updates"))
        .bearer_auth(&token)
        .json(&seed_body())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["customer_id"], "12345");
    assert_eq!(body["policy_number"], "LIB/C7013");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["message"], "Contact update saved successfully");
    assert_eq!(body["agent_name"], "Test agent", "agent_name in the body never overrides the caller");
    assert!(body["captured_at"].as_str().unwrap().ends_with('Z'));

    let latest = reqwest::Client::new()
        .get(app.url("/v1/customer_contact_updates/latest/12345"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(latest.status(), StatusCode::OK);
    let latest: Value = latest.json().await.unwrap();
    // The seed's example (`58123456`): the master system's form, the E.164 beside it.
    assert_eq!(latest["latest_mobile"], "58123456");
    assert_eq!(latest["latest_mobile_e164"], "+23058123456");
    assert_eq!(latest["latest_email"], "new@email.com");
    assert_eq!(latest["updated_by"], "Test agent");
}

#[tokio::test]
async fn a_session_cookie_works_too_and_retries_are_idempotent() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let send = || {
        agent
            .post(app.url("/v1/customer_contact_updates"))
            .header("idempotency-key", "phone-retry-0001")
            .json(&seed_body())
            .send()
    };

    let first = send().await.unwrap();
    let retry = send().await.unwrap();

    assert_eq!(first.status(), StatusCode::CREATED);
    assert_eq!(retry.status(), StatusCode::OK);
    let (a, b): (Value, Value) = (first.json().await.unwrap(), retry.json().await.unwrap());
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.state().db.updates_of(contact_id(&app, "12345").await).await.unwrap().len(), 1);
}

#[tokio::test]
async fn invalid_input_gets_422_naming_each_field() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let token = token_for(&app, "agent").await;
    let body = json!({
        "customer_id": "12345", "new_mobile": "12ab", "new_email": "nope", "update_reason": "", "notes": "x".repeat(501)
    });

    let response = reqwest::Client::new()
        .post(app.url("/v1/customer_contact_updates"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_input");
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["new_mobile", "new_email", "update_reason", "notes"]);
}

#[tokio::test]
async fn malformed_json_and_unknown_customers_get_clear_errors() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let token = token_for(&app, "agent").await;
    let client = reqwest::Client::new();

    let malformed = client
        .post(app.url("/v1/customer_contact_updates"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"customer_id\": 12345,")
        .send()
        .await
        .unwrap();
    let unknown = client
        .post(app.url("/v1/customer_contact_updates"))
        .bearer_auth(&token)
        .json(&json!({"customer_id": "99999", "new_mobile": "58123456", "update_reason": "Other"}))
        .send()
        .await
        .unwrap();

    assert_eq!(malformed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "customer_id", "a number where the id is text");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.text().await.unwrap().contains("99999"));
}

#[tokio::test]
async fn anonymous_and_bad_tokens_are_refused() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let client = reqwest::Client::new();

    let anonymous =
        client.post(app.url("/v1/customer_contact_updates")).json(&seed_body()).send().await.unwrap();
    let bad_token = client
        .get(app.url("/v1/customer_contact_updates/latest/12345"))
        .bearer_auth("cdt_not-a-real-token")
        .send()
        .await
        .unwrap();

    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(bad_token.status(), StatusCode::UNAUTHORIZED);
    let body: Value = bad_token.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(app.state().db.latest_update_of(contact_id(&app, "12345").await).await.unwrap().is_none());
}

/// "Last used" stamps are for people: a database that refuses to write them (busy, full) must
/// not fail the call they belong to.
#[tokio::test]
async fn a_failed_last_used_stamp_never_fails_the_request() {
    let app = TestApp::spawn().await;
    let token = app.token(AGENT.0, "api").await;
    let agent = app.signed_in(AGENT).await;
    let pool = app.state().db.pool();
    // Both stamps are due: the token was never used, the session's is older than a minute.
    let long_ago = contactdesk::server::time::now_ms() - 10 * 60 * 1000;
    sqlx::query("UPDATE sessions SET last_seen_at = $1").bind(long_ago).execute(pool).await.unwrap();
    for (table, column) in [("api_tokens", "last_used_at"), ("sessions", "last_seen_at")] {
        sqlx::query(&format!(
            "CREATE TRIGGER refuse_{table} BEFORE UPDATE OF {column} ON {table} \
             BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
        ))
        .execute(pool)
        .await
        .unwrap();
    }

    let by_token =
        reqwest::Client::new().get(app.url("/v1/contacts")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(by_token.status(), StatusCode::OK);
    let by_session = agent.get(app.url("/v1/contacts")).send().await.unwrap();
    assert_eq!(by_session.status(), StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_answer_413_everywhere_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let token = token_for(&app, AGENT.0).await;
    let agent = app.signed_in(AGENT).await;
    let big = "x".repeat(3 * 1024 * 1024);

    let json = reqwest::Client::new()
        .post(app.url("/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({"name": "Big Body", "email": "big@example.mu", "notes": big}))
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = json.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large", "{body}");

    let form =
        app.call(&agent, "contacts/create", &[("name", "Big Form"), ("mobile", ""), ("email", &big)]).await;
    assert_eq!(form.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Without a declared length (streamed in chunks), the same.
    let chunks = futures_chunks(big.clone());
    let streamed = agent
        .post(app.url("/api/contacts/create"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let listed = json_of(reqwest::Client::new().get(app.url("/v1/contacts")).bearer_auth(&token)).await;
    assert_eq!(listed["total"], 0, "nothing was stored: {listed}");
}

/// `name=…&email=<body>&mobile=` in 64 KiB chunks, with no length declared.
fn futures_chunks(big: String) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    let body = format!("name=Big+Stream&mobile=&email={big}").into_bytes();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    futures_util::stream::iter(chunks)
}

#[tokio::test]
async fn a_client_sending_its_headers_slowly_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(|c| c.server.header_read_timeout_seconds = 1).await;
    let addr = app.base.trim_start_matches("http://");
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let started = std::time::Instant::now();
    slow.write_all(format!("GET /login HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.unwrap();

    let mut rest = Vec::new();
    let closed = tokio::time::timeout(std::time::Duration::from_secs(8), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the connection is still held open after 8 s");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());

    // A client that sends its request promptly is served as ever.
    let response = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
