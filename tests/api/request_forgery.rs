//! Cross-site requests: a page on another origin — another site, a sibling subdomain, another
//! port — cannot make a signed-in browser change anything.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{ADMIN, AGENT, TestApp};

const NEW_ADMIN: &[(&str, &str)] =
    &[("username", "mallory"), ("name", "Mallory"), ("role", "admin"), ("password", "long-enough-pw")];

async fn mallory_exists(app: &TestApp) -> bool {
    app.state().db.user_by_username("mallory").await.unwrap().is_some()
}

#[tokio::test]
async fn a_form_posted_from_another_origin_of_the_same_site_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    // The same host on another port is the same *site*: SameSite=Lax lets the cookie through.
    let other_port = app.base.rsplit_once(':').map(|(host, _)| format!("{host}:1")).unwrap();

    for (header, value) in
        [("origin", other_port.as_str()), ("origin", "null"), ("sec-fetch-site", "same-site")]
    {
        let response = admin
            .post(app.url("/api/admin/users/create"))
            .header(header, value)
            .form(NEW_ADMIN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "cross_site_request");
        assert!(body["error"]["message"].as_str().unwrap().contains("ContactDesk's own pages"), "{body}");
        assert!(!mallory_exists(&app).await, "{header}: {value} created an admin");
    }

    // From the app's own origin (as its pages send), the same request works.
    let response = admin
        .post(app.url("/api/admin/users/create"))
        .header("origin", &app.base)
        .form(NEW_ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(mallory_exists(&app).await);
}

#[tokio::test]
async fn sign_in_and_sign_out_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let login = client
        .post(app.url("/api/auth/login"))
        .header("origin", "https://evil.example")
        .form(&[("username", AGENT.0), ("password", AGENT.1), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        login.status(),
        StatusCode::FORBIDDEN,
        "a login CSRF would sign the victim in as the attacker"
    );
    assert_eq!(app.whoami(&client).await, None);

    let agent = app.signed_in(AGENT).await;
    let logout =
        agent.post(app.url("/api/auth/logout")).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.whoami(&agent).await.as_deref(), Some("agent"));
}

#[tokio::test]
async fn api_calls_with_a_cookie_from_another_site_are_refused_and_bearer_calls_are_not() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;
    let body = serde_json::json!({"name": "Forged Lead", "email": "forged@example.mu"});

    let forged = agent
        .post(app.url("/v1/contacts"))
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let token = app.token(AGENT.0, "api").await;
    let integration = reqwest::Client::new()
        .post(app.url("/v1/contacts"))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(integration.status(), StatusCode::CREATED, "a bearer token is not an ambient credential");

    let own = agent
        .post(app.url("/v1/contacts"))
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .json(&serde_json::json!({"name": "Real Lead", "email": "real@example.mu"}))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_cross_site_navigation_cannot_record_an_export() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let exports_before = app.state().db.recent_audit(100).await.unwrap().len();

    for path in ["/v1/customer_contact_updates/export.csv", "/v1/customer_contact_updates/export.xlsx"] {
        for site in ["cross-site", "same-site"] {
            let response = admin.get(app.url(path)).header("sec-fetch-site", site).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path} from {site}");
        }
    }
    assert_eq!(app.state().db.recent_audit(100).await.unwrap().len(), exports_before, "no export recorded");

    // A link on the app's own page, or the address typed in, still downloads.
    for site in ["same-origin", "none"] {
        let response = admin
            .get(app.url("/v1/customer_contact_updates/export.csv"))
            .header("sec-fetch-site", site)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{site}");
    }
}

#[tokio::test]
async fn the_public_origin_is_the_only_origin_behind_a_proxy() {
    let app = TestApp::spawn_with(|c| {
        c.server.public_origin = Some("http://contactdesk.example.mu".parse().unwrap());
    })
    .await;
    let admin = app.signed_in(ADMIN).await;
    // The proxy rewrote Host to the app's own address: the browser's Origin is the public one.
    let own = admin
        .post(app.url("/api/admin/users/create"))
        .header("origin", "http://contactdesk.example.mu")
        .form(NEW_ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    let internal = admin
        .post(app.url("/api/admin/users/reset-password"))
        .header("origin", &app.base)
        .form(&[("id", "1"), ("password", "another-long-pw")])
        .send()
        .await
        .unwrap();
    assert_eq!(internal.status(), StatusCode::FORBIDDEN, "the internal address is not the app's origin");
}
