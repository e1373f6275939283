//! Pages, probes and the headers every response carries.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, AGENT, TestApp};

#[tokio::test]
async fn health_probes_answer() {
    let app = TestApp::spawn().await;
    let client = app.client();

    let alive = client.get(app.url("/healthz")).send().await.unwrap();
    let ready = client.get(app.url("/readyz")).send().await.unwrap();

    assert_eq!(alive.status(), StatusCode::OK);
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.state().db.pool().close().await;

    let ready = app.client().get(app.url("/readyz")).send().await.unwrap();

    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_login_page_carries_security_headers_and_a_matching_nonce() {
    let app = TestApp::spawn().await;

    let response = app.client().get(app.url("/login")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.contains_key("referrer-policy"));
    assert!(headers.contains_key("x-request-id"));
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce");
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the CSP nonce");
    assert!(html.contains("Sign in"));
}

#[tokio::test]
async fn a_signed_in_user_gets_the_app_frame() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    let html = agent.get(app.url("/")).send().await.unwrap().text().await.unwrap();

    assert!(html.contains("Test agent"), "the header names the user");
    assert!(html.contains("Overview"));
    assert!(!html.contains("href=\"/admin/users\""), "agents see no admin navigation");

    let admin = app.signed_in(ADMIN).await;
    let html = admin.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("href=\"/admin/users\""), "admins do");
}

#[tokio::test]
async fn every_signed_in_page_carries_the_frame_itself_not_a_placeholder() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    for path in ["/", "/customers", "/customers?q=kevin", "/admin/users", "/admin/import", "/admin/outbox"] {
        let html = admin.get(app.url(path)).send().await.unwrap().text().await.unwrap();

        let frame = html.find("data-testid=\"user-name\"").unwrap_or_else(|| panic!("{path}: no frame"));
        assert!(html.contains("id=\"customer-search\""), "{path}: the search box is in the header");
        assert!(!html[..frame].contains("Loading…"), "{path}: a placeholder came before the frame");
        assert!(!html.contains(">Loading…<"), "{path}: the frame's fallback was rendered");
    }
}

#[tokio::test]
async fn signed_in_users_are_sent_past_the_login_page() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    let response = agent.get(app.url("/login")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test]
async fn an_unknown_page_is_a_404() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    let response = agent.get(app.url("/no-such-page")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn pages_are_gzipped_when_asked_never_brotli_on_the_fly() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    // What Chromium sends: gzip is chosen, brotli is kept for the precompressed static files.
    let response = client
        .get(app.url("/login"))
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
}
