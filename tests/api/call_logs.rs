//! `GET /v1/calls` and the Call Logs server function: filters with exact rows, totals, paging,
//! who may read.

use reqwest::{StatusCode, multipart::Form, multipart::Part};
use serde_json::Value;

use crate::{
    calls::wav,
    customers::{contact_id, seed},
    helpers::{AGENT, TestApp},
};

/// Uploads one call as `token`'s user and returns its log id.
pub async fn call(app: &TestApp, token: &str, n: u8, phone: &str, direction: &str, started_at: &str) -> i64 {
    let form = Form::new()
        .text("call_id", format!("00000000-0000-4000-8000-0000000000{n:02}"))
        .text("phone", phone.to_owned())
        .text("direction", direction.to_owned())
        .text("started_at", started_at.to_owned())
        .text("duration_seconds", "30")
        .part("audio", Part::bytes(wav(2044, n)));
    let response = reqwest::Client::new()
        .post(app.url("/v1/calls/upload"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn ids(app: &TestApp, token: &str, query: &str) -> (i64, Vec<i64>) {
    let response = reqwest::Client::new()
        .get(app.url(&format!("/v1/calls{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let body: Value = response.json().await.unwrap();
    let ids = body["calls"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    (body["total"].as_i64().unwrap(), ids)
}

#[tokio::test]
async fn every_filter_returns_exactly_its_calls_newest_first() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent_phone = app.token("agent", "upload").await;
    let admin_phone = app.token("admin", "upload").await;
    // Kevin (+23057372333) twice, Yusuf once, a withheld number, a new lead; two agents.
    let a = call(&app, &agent_phone, 1, "57372333", "inbound", "2026-11-20T09:00:00+04:00").await;
    let b = call(&app, &agent_phone, 2, "+230 5888 1111", "outbound", "2026-11-21T23:30:00+04:00").await;
    let c = call(&app, &admin_phone, 3, "5737 2333", "outbound", "2026-11-22T10:00:00+04:00").await;
    let d = call(&app, &admin_phone, 4, "private", "inbound", "2026-11-23T10:00:00+04:00").await;
    let e = call(&app, &agent_phone, 5, "+44 7911 123456", "inbound", "2026-11-24T10:00:00+04:00").await;
    let api = app.token("agent", "api").await;
    let kevin = contact_id(&app, "12345").await;
    let agent_id = app.state().db.user_by_username("agent").await.unwrap().unwrap().id;

    assert_eq!(ids(&app, &api, "").await, (5, vec![e, d, c, b, a]));
    assert_eq!(ids(&app, &api, &format!("?contact_id={kevin}")).await, (2, vec![c, a]));
    assert_eq!(ids(&app, &api, &format!("?agent_id={agent_id}")).await, (3, vec![e, b, a]));
    assert_eq!(ids(&app, &api, "?phone=%2B230%205737%202333").await, (2, vec![c, a]), "any written form");
    assert_eq!(ids(&app, &api, "?direction=outbound").await, (2, vec![c, b]));
    // Business days: 23:30 in Port Louis on the 21st is the 21st, though 19:30 UTC.
    assert_eq!(ids(&app, &api, "?from=2026-11-21&to=2026-11-21").await, (1, vec![b]));
    assert_eq!(ids(&app, &api, "?from=2026-11-22&direction=inbound").await, (2, vec![e, d]));
    assert_eq!(ids(&app, &api, "?limit=2&offset=1").await, (5, vec![d, c]), "the total counts every match");

    let bad = reqwest::Client::new()
        .get(app.url("/v1/calls?direction=up&from=yesterday&limit=0&phone=abc"))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await.unwrap();
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["direction", "from", "limit"] {
        assert!(fields.contains(&f), "{f}: {body}");
    }
    let not_a_number =
        reqwest::Client::new().get(app.url("/v1/calls?phone=abc")).bearer_auth(&api).send().await.unwrap();
    assert_eq!(not_a_number.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn agents_read_calls_upload_tokens_and_strangers_do_not() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let phone = app.token("agent", "upload").await;
    let id = call(&app, &phone, 9, "57372333", "inbound", "2026-11-20T09:00:00+04:00").await;
    let client = reqwest::Client::new();
    assert_eq!(
        client.get(app.url("/v1/calls")).bearer_auth(&phone).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(client.get(app.url("/v1/calls")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    // The Call Logs page's server function and the contact page, as an agent in the browser.
    let agent = app.signed_in(AGENT).await;
    let page: Value =
        app.call(&agent, "calls/list", &[("query", "direction=inbound")]).await.json().await.unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["calls"][0]["id"], id);
    assert_eq!(page["calls"][0]["contact_name"], "Kevin Anderson Curepipe");
    let anonymous = app.call(&app.client(), "calls/list", &[("query", "")]).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let kevin = contact_id(&app, "12345").await;
    let detail: Value =
        app.call(&agent, "customers/get", &[("id", &kevin.to_string())]).await.json().await.unwrap();
    assert_eq!(detail["calls_total"], 1);
    assert_eq!(detail["calls"][0]["id"], id);
}
