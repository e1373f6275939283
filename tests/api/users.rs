//! Admin → Users through the server functions.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, AGENT, TestApp};

async fn user_id(app: &TestApp, username: &str) -> String {
    app.state().db.user_by_username(username).await.unwrap().unwrap().id.to_string()
}

#[tokio::test]
async fn admin_creates_a_user_who_can_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    let response = app
        .call(
            &admin,
            "admin/users/create",
            &[
                ("username", "Kavita"),
                ("name", "Kavita Dookhun"),
                ("role", "agent"),
                ("password", "a-good-password"),
            ],
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let created: serde_json::Value = response.json().await.unwrap();
    assert_eq!(created["username"], "kavita");
    assert_eq!(created["role"], "agent");
    app.signed_in(("kavita", "a-good-password")).await;
    let audit = app.state().db.recent_audit(5).await.unwrap();
    assert!(audit.iter().any(|(action, detail)| action == "user.create" && detail.contains("kavita")));
}

#[tokio::test]
async fn bad_new_user_input_is_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    let response = app
        .call(
            &admin,
            "admin/users/create",
            &[("username", "x"), ("name", ""), ("role", "root"), ("password", "short")],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> =
        body["Invalid"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "name", "role", "password"]);
    assert_eq!(app.state().db.count_users().await.unwrap(), 2, "nothing stored");
}

#[tokio::test]
async fn a_taken_username_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;

    let response = app
        .call(
            &admin,
            "admin/users/create",
            &[("username", "AGENT"), ("name", "Another"), ("role", "agent"), ("password", "a-good-password")],
        )
        .await;

    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("already taken"));
    app.signed_in(AGENT).await;
}

#[tokio::test]
async fn deactivation_ends_sessions_and_blocks_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let agent = app.signed_in(AGENT).await;
    let id = user_id(&app, "agent").await;

    let response = app.call(&admin, "admin/users/set-active", &[("id", &id), ("active", "false")]).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.whoami(&agent).await, None, "the open session has ended");
    let id_num: i64 = id.parse().unwrap();
    assert_eq!(app.state().db.count_sessions_of(id_num).await.unwrap(), 0);
    assert_eq!(app.login(&app.client(), AGENT).await.status(), StatusCode::UNAUTHORIZED);

    app.call(&admin, "admin/users/set-active", &[("id", &id), ("active", "true")]).await;
    // The agent's own browser (the refused attempt above came from another) signs in again.
    assert_eq!(app.login(&agent, AGENT).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_admin_cannot_deactivate_themselves() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let id = user_id(&app, "admin").await;

    let response = app.call(&admin, "admin/users/set-active", &[("id", &id), ("active", "false")]).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(app.whoami(&admin).await.as_deref(), Some("admin"));
}

#[tokio::test]
async fn password_reset_replaces_the_password_and_ends_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let agent = app.signed_in(AGENT).await;
    let id = user_id(&app, "agent").await;

    let short = app.call(&admin, "admin/users/reset-password", &[("id", &id), ("password", "short")]).await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.signed_in(AGENT).await; // the refused reset changed nothing

    let response = app
        .call(&admin, "admin/users/reset-password", &[("id", &id), ("password", "brand-new-password")])
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.whoami(&agent).await, None);
    assert_eq!(app.login(&app.client(), AGENT).await.status(), StatusCode::UNAUTHORIZED);
    // The agent's own browser signs in with the new password at once (another browser at the
    // same address, which just failed, would wait a second).
    assert_eq!(app.login(&agent, ("agent", "brand-new-password")).await.status(), StatusCode::OK);
}
