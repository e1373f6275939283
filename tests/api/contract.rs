//! Where the server and its OpenAPI document disagreed (found by fuzzing with schemathesis),
//! each kept agreeing: the server takes what the document allows and refuses what it does not.

use reqwest::{Client, StatusCode, header::HeaderValue};
use serde_json::{Value, json};

use crate::{
    customers::{contact_id, seed},
    helpers::{TestApp, json_of},
};

#[tokio::test]
async fn the_server_takes_what_its_document_allows_and_refuses_the_rest() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let (agent, admin) = (app.token("agent", "api").await, app.token("admin", "api").await);
    let client = Client::new();
    let get = |token: &str, path: &str| client.get(app.url(path)).bearer_auth(token.to_owned());
    let status = async |request: reqwest::RequestBuilder| request.send().await.unwrap().status();
    let correction = json_of(client.post(app.url("/v1/customer_contact_updates")).bearer_auth(&agent).json(
        &json!({"customer_id": "12345", "new_email": "kevin.contract@example.mu", "update_reason": "Other"}),
    ))
    .await;
    let id = correction["id"].as_i64().unwrap();

    // Empty query values are not given; a day before 1900 is refused as such; a tab alone is a
    // control character in the report's search.
    assert_eq!(
        status(get(&admin, "/v1/customer_contact_updates?to_date=&status=&limit=")).await,
        StatusCode::OK
    );
    let early = json_of(get(&admin, "/v1/customer_contact_updates?to_date=0049-12-29")).await;
    assert!(early["error"]["message"].as_str().unwrap().contains("1900"), "{early}");
    assert_eq!(
        status(get(&admin, "/v1/customer_contact_updates?q=%09")).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // A number written like one but that no call can have finds nothing; 41 characters are
    // refused, spaces around counted.
    let none = json_of(get(&agent, "/v1/calls?phone=%2B000")).await;
    assert_eq!(none["total"], 0, "{none}");
    let long = format!("/v1/calls?phone=000{}", "%C2%A0".repeat(38));
    assert_eq!(status(get(&agent, &long)).await, StatusCode::UNPROCESSABLE_ENTITY);

    // An id written as a double (`30.0`: an integer to JSON Schema) is an id; a fraction is not.
    let bulk = |ids: Value| {
        client
            .post(app.url("/v1/customer_contact_updates/bulk-sync"))
            .bearer_auth(&admin)
            .json(&json!({"update_ids": ids}))
    };
    assert_eq!(status(bulk(json!([id as f64 + 0.5]))).await, StatusCode::UNPROCESSABLE_ENTITY);
    let other = json_of(client.post(app.url("/v1/customer_contact_updates")).bearer_auth(&agent).json(
        &json!({"customer_id": "20001", "new_email": "emilie.contract@example.mu", "update_reason": "Other"}),
    ))
    .await;
    let synced = json_of(bulk(json!([other["id"].as_i64().unwrap() as f64]))).await;
    assert_eq!(synced["synced_count"], 1, "{synced}");

    // A reason with Windows line ends is text.
    let reject = client
        .post(app.url(&format!("/v1/customer_contact_updates/{id}/reject")))
        .bearer_auth(&admin)
        .json(&json!({"reason": "Wrong customer\r\nsee the call of 3 Dec"}));
    assert_eq!(status(reject).await, StatusCode::OK);

    // A reason that is none of the six is refused even when the values change nothing.
    let kevin = contact_id(&app, "12345").await;
    let current = json_of(get(&agent, &format!("/v1/contacts/{kevin}"))).await;
    let edit = client
        .put(app.url(&format!("/v1/contacts/{kevin}")))
        .bearer_auth(&agent)
        .json(&json!({"mobile": current["mobile"], "update_reason": "AAA"}));
    let refused = edit.send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["error"]["fields"][0]["field"], "update_reason", "{refused}");

    // An Idempotency-Key header that is not text is refused, not ignored.
    let odd_key = client
        .post(app.url("/v1/customer_contact_updates"))
        .bearer_auth(&agent)
        .header("Idempotency-Key", HeaderValue::from_bytes(b"\xe9t\xe9-key-1234").unwrap())
        .json(
            &json!({"customer_id": "12345", "new_email": "kevin.odd@example.mu", "update_reason": "Other"}),
        );
    assert_eq!(status(odd_key).await, StatusCode::UNPROCESSABLE_ENTITY);
}
