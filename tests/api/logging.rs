//! Logs never hold a secret. Every `TestApp` scans, as it ends, each line written during its
//! life for each secret it saw (see `logs` and `helpers`); this file makes sure that scan sees
//! what it must and drives the paths that handle secrets.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    helpers::{ADMIN, AGENT, TestApp},
    logs,
};

#[tokio::test]
async fn the_scan_sees_the_app_s_lines_while_secrets_pass_through_every_path() {
    let app = TestApp::spawn().await;
    let mark = logs::mark();
    let admin = app.signed_in(ADMIN).await;

    // A token issued on Admin → Tokens, then used.
    let issued: Value = app
        .call(
            &admin,
            "admin/tokens/create",
            &[("username", AGENT.0), ("scope", "api"), ("name", "log check")],
        )
        .await
        .json()
        .await
        .unwrap();
    let token = issued["token"].as_str().expect("the new token").to_owned();
    app.secret(&token);
    let response =
        reqwest::Client::new().get(app.url("/v1/contacts")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // A wrong token, a password reset, failed and throttled sign-ins with a password in them.
    let wrong = "cdt_wrong_token_that_nobody_issued_0000000000";
    app.secret(wrong);
    reqwest::Client::new().get(app.url("/v1/contacts")).bearer_auth(wrong).send().await.unwrap();
    let agent_id = app.state().db.user_by_username(AGENT.0).await.unwrap().unwrap().id.to_string();
    let reset = [("id", agent_id.as_str()), ("password", "the-new-agent-secret")];
    app.secret("the-new-agent-secret");
    assert_eq!(app.call(&admin, "admin/users/reset-password", &reset).await.status(), StatusCode::OK);
    let guesser = app.client();
    app.login(&guesser, (AGENT.0, "a-guessed-secret")).await;
    app.login(&guesser, (AGENT.0, "another-guessed-secret")).await;

    let lines = logs::since(mark);
    assert!(lines.iter().any(|l| l.contains("signed in")), "the capture sees the app's lines: {lines:#?}");
    assert!(lines.iter().any(|l| l.contains("sign-in throttled")));
    // The scan finds what is there: a word of the app's own lines is found like a secret would be.
    assert!(!logs::leaks(mark, &["sign-in throttled".to_owned()]).is_empty());
}

#[tokio::test]
async fn a_request_id_is_kept_only_when_it_looks_like_one() {
    let app = TestApp::spawn().await;
    let mark = logs::mark();
    let client = reqwest::Client::new();

    let good = "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c";
    let response = client.get(app.url("/login")).header("x-request-id", good).send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], good, "a proxy's id is kept and returned");

    let odd = "session=not-an-id-at-all-but-text; admin";
    app.secret(odd);
    let response = client.get(app.url("/login")).header("x-request-id", odd).send().await.unwrap();
    let given = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(given, odd);
    assert_eq!(given.len(), 36, "our own id instead: {given}");
    assert!(logs::since(mark).iter().any(|l| l.contains(good)), "the kept id is on the request's lines");
}
