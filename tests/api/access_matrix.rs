//! Who may call what, proven over the registries themselves: every server function leptos
//! registered and every `/v1` route the router serves is called by every kind of caller. The
//! expected answer of each cell comes from the tables below — the rule as written down, not
//! as the code implements it — and a function or route missing from its table fails the test.

use std::collections::BTreeSet;

use reqwest::{Client, Method, StatusCode, multipart};

use crate::helpers::{ADMIN, AGENT, TestApp};

/// Who a function or route is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Anyone, signed in or not (signing in, the current user).
    Public,
    /// Any signed-in user, agent or admin.
    Signed,
    /// Admins only.
    Admin,
    /// Any token (a phone's upload token included) or session: the upload route.
    Upload,
}

/// Every server function, with arguments of the right shape (ids that exist nowhere, so an
/// allowed call changes nothing that matters).
type Form = &'static [(&'static str, &'static str)];

const SERVER_FUNCTIONS: &[(&str, Rule, Form)] = &[
    ("/api/auth/login", Rule::Public, &[("username", AGENT.0), ("password", AGENT.1), ("next", "/")]),
    ("/api/auth/logout", Rule::Public, &[]),
    ("/api/auth/me", Rule::Public, &[]),
    ("/api/overview", Rule::Signed, &[]),
    ("/api/calls/list", Rule::Signed, &[("query", "")]),
    (
        "/api/contacts/create",
        Rule::Signed,
        &[("name", "Matrix Lead"), ("mobile", ""), ("email", "lead@example.mu")],
    ),
    (
        "/api/contacts/edit",
        Rule::Signed,
        &[("contact_id", "999999"), ("name", "X Y"), ("status", "new_lead")],
    ),
    ("/api/customers/search", Rule::Signed, &[("q", "a"), ("page", "1")]),
    ("/api/customers/get", Rule::Signed, &[("id", "999999")]),
    (
        "/api/customers/update-contact",
        Rule::Signed,
        &[
            ("contact_id", "999999"),
            ("policy_number", ""),
            ("new_mobile", "57372333"),
            ("new_email", ""),
            ("reason", "wrong_number"),
            ("notes", ""),
            ("idempotency_key", "matrix-1"),
        ],
    ),
    ("/api/customers/payment-qr", Rule::Signed, &[("contact_id", "999999"), ("policy_number", "LIB/X")]),
    (
        "/api/customers/payment-qr/email",
        Rule::Signed,
        &[("contact_id", "999999"), ("policy_number", "LIB/X")],
    ),
    ("/api/customers/messages", Rule::Signed, &[("contact_id", "999999")]),
    ("/api/contacts/delete", Rule::Admin, &[("contact_id", "999999")]),
    ("/api/admin/dashboard", Rule::Admin, &[]),
    ("/api/admin/users/list", Rule::Admin, &[]),
    (
        "/api/admin/users/create",
        Rule::Admin,
        &[("username", "mallory"), ("name", "Mallory"), ("role", "admin"), ("password", "long-enough-pw")],
    ),
    ("/api/admin/users/set-active", Rule::Admin, &[("id", "999999"), ("active", "false")]),
    ("/api/admin/users/reset-password", Rule::Admin, &[("id", "999999"), ("password", "long-enough-pw")]),
    ("/api/admin/tokens/list", Rule::Admin, &[]),
    ("/api/admin/tokens/page", Rule::Admin, &[]),
    ("/api/admin/tokens/create", Rule::Admin, &[("username", AGENT.0), ("scope", "api"), ("name", "matrix")]),
    ("/api/admin/tokens/revoke", Rule::Admin, &[("id", "999999")]),
    ("/api/admin/activity", Rule::Admin, &[("action", ""), ("page", "1")]),
    ("/api/admin/contact-updates/list", Rule::Admin, &[("query", "")]),
    ("/api/admin/contact-updates/export", Rule::Admin, &[("query", ""), ("format", "csv")]),
    ("/api/admin/contact-updates/sync-export", Rule::Admin, &[("id", "999999")]),
    ("/api/admin/contact-updates/sync", Rule::Admin, &[("ids[0]", "999999")]),
    ("/api/admin/contact-updates/sync-matching", Rule::Admin, &[("query", ""), ("as_of", "0")]),
    ("/api/admin/contact-updates/reject", Rule::Admin, &[("id", "999999"), ("reason", "matrix")]),
    ("/api/admin/outbox/list", Rule::Admin, &[("page", "1")]),
    ("/api/admin/outbox/resend", Rule::Admin, &[("id", "999999")]),
    ("/api/admin/outbox/cancel", Rule::Admin, &[("id", "999999")]),
    ("/api/admin/import", Rule::Admin, &[]),
];

/// Every `/v1` route, with its rule.
const API_ROUTES: &[(&str, &str, Rule)] = &[
    ("POST", "/v1/customer_contact_updates", Rule::Signed),
    ("GET", "/v1/customer_contact_updates", Rule::Admin),
    ("GET", "/v1/customer_contact_updates/latest/{customer_id}", Rule::Signed),
    ("POST", "/v1/customer_contact_updates/bulk-sync", Rule::Admin),
    ("GET", "/v1/customer_contact_updates/export.csv", Rule::Admin),
    ("GET", "/v1/customer_contact_updates/export.xlsx", Rule::Admin),
    ("GET", "/v1/exports/{id}/download", Rule::Admin),
    ("POST", "/v1/exports/{id}/sync", Rule::Admin),
    ("PATCH", "/v1/customer_contact_updates/{id}/sync", Rule::Admin),
    ("POST", "/v1/customer_contact_updates/{id}/reject", Rule::Admin),
    ("GET", "/v1/calls", Rule::Signed),
    ("GET", "/v1/calls/{id}", Rule::Signed),
    ("GET", "/v1/calls/{id}/audio", Rule::Signed),
    ("GET", "/v1/contacts", Rule::Signed),
    ("POST", "/v1/contacts", Rule::Signed),
    ("GET", "/v1/contacts/{id}", Rule::Signed),
    ("PUT", "/v1/contacts/{id}", Rule::Signed),
    ("DELETE", "/v1/contacts/{id}", Rule::Admin),
    ("GET", "/v1/contacts/{id}/payment-qr.png", Rule::Signed),
    ("POST", "/v1/calls/upload", Rule::Upload),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    AgentSession,
    AdminSession,
    UploadToken,
    AgentApiToken,
    AdminApiToken,
}

/// The answer a caller must get under a rule: `Some(status)` for a refusal, `None` when the
/// call must get past the access check (whatever it then says about the input).
fn expected(rule: Rule, caller: Caller) -> Option<StatusCode> {
    use Caller::*;
    match (rule, caller) {
        (Rule::Public, _) => None,
        (_, Anonymous) => Some(StatusCode::UNAUTHORIZED),
        (Rule::Upload, _) => None,
        (_, UploadToken) => Some(StatusCode::FORBIDDEN),
        (Rule::Signed, _) => None,
        (Rule::Admin, AdminSession | AdminApiToken) => None,
        (Rule::Admin, AgentSession | AgentApiToken) => Some(StatusCode::FORBIDDEN),
    }
}

fn check_cell(what: &str, caller: Caller, rule: Rule, status: StatusCode) {
    match expected(rule, caller) {
        Some(refusal) => assert_eq!(status, refusal, "{what} as {caller:?} ({rule:?})"),
        None => assert!(
            status != StatusCode::UNAUTHORIZED
                && status != StatusCode::FORBIDDEN
                && !status.is_server_error(),
            "{what} as {caller:?} ({rule:?}) answered {status}"
        ),
    }
}

/// A fresh client for a session caller: no cell can change another's session.
async fn session_client(app: &TestApp, caller: Caller) -> Client {
    match caller {
        Caller::Anonymous => app.client(),
        Caller::AgentSession => app.signed_in(AGENT).await,
        Caller::AdminSession => app.signed_in(ADMIN).await,
        other => unreachable!("{other:?} is not a session"),
    }
}

#[tokio::test]
async fn every_server_function_answers_each_caller_by_its_rule() {
    let app = TestApp::spawn().await;
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()).collect();
    let table: BTreeSet<String> = SERVER_FUNCTIONS.iter().map(|(path, _, _)| (*path).to_owned()).collect();
    assert_eq!(
        registered.difference(&table).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "server functions without a rule in this table"
    );
    assert_eq!(table.difference(&registered).collect::<Vec<_>>(), Vec::<&String>::new(), "stale rows");

    let mut cells = 0;
    for (path, rule, args) in SERVER_FUNCTIONS {
        for caller in [Caller::Anonymous, Caller::AgentSession, Caller::AdminSession] {
            let client = session_client(&app, caller).await;
            let request = client.post(app.url(path));
            let request = if *path == "/api/admin/import" {
                let csv = "customer_id,name,policy_number,mobile,email,amount_due,payment_status\n";
                let part = multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("master.csv");
                request.multipart(multipart::Form::new().part("file", part))
            } else {
                request.form(args)
            };
            let status = request.send().await.unwrap().status();
            check_cell(path, caller, *rule, status);
            cells += 1;
        }
    }
    // What an agent was refused did not happen: only the admin's cell created Mallory.
    let mallory = app.state().db.user_by_username("mallory").await.unwrap();
    assert!(mallory.is_some_and(|m| m.role == "admin"));
    println!("server-function access matrix: {cells} cells");
}

#[tokio::test]
async fn every_api_route_answers_each_caller_by_its_rule() {
    let app = TestApp::spawn().await;
    let served: BTreeSet<(String, String)> = contactdesk::server::rest::route_list().into_iter().collect();
    let table: BTreeSet<(String, String)> =
        API_ROUTES.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(
        served.difference(&table).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routes without a rule"
    );
    assert_eq!(table.difference(&served).collect::<Vec<_>>(), Vec::<&(String, String)>::new(), "stale rows");

    let upload = app.token(AGENT.0, "upload").await;
    let agent_api = app.token(AGENT.0, "api").await;
    let admin_api = app.token(ADMIN.0, "api").await;
    let mut cells = 0;
    for (method, path, rule) in API_ROUTES {
        let url = app.url(&path.replace("{id}", "999999").replace("{customer_id}", "999999"));
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for caller in [
            Caller::Anonymous,
            Caller::AgentSession,
            Caller::AdminSession,
            Caller::UploadToken,
            Caller::AgentApiToken,
            Caller::AdminApiToken,
        ] {
            let (client, token) = match caller {
                Caller::UploadToken => (Client::new(), Some(&upload)),
                Caller::AgentApiToken => (Client::new(), Some(&agent_api)),
                Caller::AdminApiToken => (Client::new(), Some(&admin_api)),
                session => (session_client(&app, session).await, None),
            };
            let mut request =
                client.request(method.clone(), &url).header("content-type", "application/json").body("{}");
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let status = request.send().await.unwrap().status();
            check_cell(&format!("{method} {path}"), caller, *rule, status);
            cells += 1;
        }
    }
    println!("/v1 access matrix: {cells} cells");
}
