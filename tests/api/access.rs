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

/// Every admin page the router knows, parameters filled in: pages added later are covered
/// without touching this test.
fn admin_pages() -> Vec<String> {
    let pages: Vec<String> = leptos_axum::generate_route_list(contactdesk::app::App)
        .into_iter()
        .map(|route| route.path().to_owned())
        .filter(|path| path == "/admin" || path.starts_with("/admin/"))
        .map(|path| {
            path.split('/')
                .map(|part| if part.starts_with(':') || part.starts_with('*') { "1" } else { part })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert!(pages.len() >= 3, "the router lists the admin pages: {pages:?}");
    pages
}

/// The content of the page's `<main>`: what the page itself drew, without the frame.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("a <main> element");
    let end = html[start..].find("</main>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn every_admin_page_is_refused_to_an_agent_before_anything_is_drawn() {
    let app = TestApp::spawn().await;
    let agent = app.signed_in(AGENT).await;

    for path in admin_pages() {
        let response = agent.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let html = response.text().await.unwrap();
        let main = main_of(&html);
        assert!(main.contains("You do not have access"), "{path}: the page says why");
        for admin_only in ["<form", "<table", "<input", "Test admin"] {
            assert!(!main.contains(admin_only), "{path}: {admin_only} drawn for an agent");
        }
    }
}

#[tokio::test]
async fn every_admin_page_sends_an_anonymous_visitor_to_sign_in() {
    let app = TestApp::spawn().await;

    for path in admin_pages() {
        let response = app.client().get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/login?next=/admin"), "{path} → {location}");
    }
}

#[tokio::test]
async fn an_admin_gets_every_admin_page() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    for path in admin_pages() {
        let response = admin.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(!main_of(&response.text().await.unwrap()).contains("You do not have access"), "{path}");
    }
}

/// Every `/v1` route the router serves, parameters filled in: anonymous callers and unknown
/// tokens get 401, a phone's upload token 403 everywhere but the upload. Routes added later are
/// covered without touching this test.
#[tokio::test]
async fn every_api_route_refuses_anonymous_callers_and_upload_tokens() {
    let app = TestApp::spawn().await;
    let phone = app.token(AGENT.0, "upload").await;
    let client = reqwest::Client::new();
    let routes = contactdesk::server::rest::route_list();
    assert!(routes.len() >= 20, "{routes:?}");

    for (method, path) in routes {
        let url = app.url(&fill_params(&path));
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let send = |token: Option<&str>| {
            let request = client.request(method.clone(), &url).header("content-type", "application/json");
            let request = match token {
                Some(t) => request.bearer_auth(t),
                None => request,
            };
            request.body("{}").send()
        };

        let anonymous = send(None).await.unwrap();
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "anonymous {method} {path}");
        let unknown = send(Some("cdt_never_issued_00000000000000000000000000")).await.unwrap();
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED, "unknown token {method} {path}");
        if path != "/v1/calls/upload" {
            let upload = send(Some(&phone)).await.unwrap();
            assert_eq!(upload.status(), StatusCode::FORBIDDEN, "upload token {method} {path}");
        }
    }
}

/// `{id}` and its kin replaced by a value of the right shape.
fn fill_params(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').map(|e| start + e).expect("a closed parameter");
        out.push_str(&rest[..start]);
        out.push('1');
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}
