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
async fn each_agent_page_arrives_with_its_data_rendered_once_not_a_fallback() {
    let app = TestApp::spawn().await;
    crate::customers::seed(&app).await;
    let phone = app.token(AGENT.0, "upload").await;
    crate::call_logs::call(&app, &phone, 1, "57372333", "inbound", "2026-11-20T09:00:00+04:00").await;
    let kevin = crate::customers::contact_id(&app, "12345").await;
    let agent = app.signed_in(AGENT).await;
    let kevin_page = format!("/contacts/{kevin}");

    let pages = [
        ("/", "stat-value"),
        ("/contacts", "Yusuf Peerbocus"),
        ("/contacts?q=5888%201111", "Yusuf Peerbocus"),
        (kevin_page.as_str(), "LIB/C7013"),
        ("/calls", "Kevin Anderson Curepipe"),
    ];
    for (path, data) in pages {
        let response = agent.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response.text().await.unwrap();

        let main = html.find("id=\"main\"").unwrap_or_else(|| panic!("{path}: no page"));
        let shown = html.find(data).unwrap_or_else(|| panic!("{path}: {data} missing"));
        assert!(shown > main, "{path}: the data is in the page, not only in the hydration data");
        assert!(!html.contains("class=\"loading\""), "{path}: a loading fallback was rendered");
        assert!(!html.contains("<template"), "{path}: the data came as a second, streamed chunk");
    }
    let html = agent.get(app.url(&kevin_page)).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("<title>Kevin Anderson Curepipe · ContactDesk</title>"),
        "the tab names the contact"
    );
}

#[tokio::test]
async fn each_admin_page_arrives_with_its_data_and_an_agent_loads_none_of_it() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let agent = app.signed_in(AGENT).await;

    let pages = [
        ("/admin/contact-updates", "No contact update matches this filter."),
        ("/admin/activity", "Admin activity, newest first"),
        ("/admin/users", "<th scope=\"col\">Username</th>"),
        ("/admin/tokens", "New token"),
        ("/admin/outbox", "No messages match."),
    ];
    for (path, data) in pages {
        let html = admin.get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(data), "{path}: {data} missing");
        assert!(!html.contains("class=\"loading\""), "{path}: a loading fallback was rendered");
        assert!(!html.contains("<template"), "{path}: the data came as a second, streamed chunk");

        let response = agent.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let html = response.text().await.unwrap();
        assert!(!html.contains(data), "{path}: an agent saw the admin page");
    }
}

#[tokio::test]
async fn a_missing_contact_page_is_a_404_that_says_so() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    let response = agent.get(app.url("/contacts/999999")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = response.text().await.unwrap();
    assert!(html.contains("role=\"alert\""), "the page says what went wrong");
    assert!(html.contains("data-testid=\"user-name\""), "inside the frame");
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
