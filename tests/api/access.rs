//! Access control is on the server: anonymous and agent callers are refused admin functions.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, AGENT, TestApp};

const ADMIN_CALLS: &[(&str, &[(&str, &str)])] = &[
    ("admin/users/list", &[]),
    (
        "admin/users/create",
        &[("username", "mallory"), ("name", "Mallory"), ("role", "admin"), ("password", "long-enough-pw")],
    ),
    ("admin/users/set-active", &[("id", "1"), ("active", "false")]),
    ("admin/users/reset-password", &[("id", "1"), ("password", "long-enough-pw")]),
];

#[tokio::test]
async fn an_agent_cannot_call_admin_functions() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    for (endpoint, form) in ADMIN_CALLS {
        let response = app.call(&agent, endpoint, form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{endpoint}");
        assert!(response.text().await.unwrap().contains("Forbidden"), "{endpoint}");
    }
    // Nothing happened: no new user, the admin still signs in with the old password.
    assert!(app.state().db.user_by_username("mallory").await.unwrap().is_none());
    app.signed_in(ADMIN).await;
}

#[tokio::test]
async fn anonymous_calls_are_refused() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();

    for (endpoint, form) in ADMIN_CALLS.iter().chain([("overview", &[][..])].iter()) {
        let response = app.call(&anonymous, endpoint, form).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
}

#[tokio::test]
async fn anonymous_page_requests_go_to_sign_in() {
    let app = TestApp::spawn().await;

    for path in ["/", "/admin/users", "/no-such-page"] {
        let response = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/login?next="), "{path} → {location}");
    }
}

#[tokio::test]
async fn an_agent_sees_no_admin_page() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    let response = agent.get(app.url("/admin/users")).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("You do not have access"), "the page says why");
    assert!(!html.contains("Test admin"), "no user list leaks");
}
