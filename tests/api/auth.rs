//! Signing in and out, throttling, session lifetime.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, AGENT, TestApp, session_cookie};

#[tokio::test]
async fn sign_in_starts_a_session_with_a_safe_cookie() {
    let app = TestApp::spawn().await;
    let client = app.client();

    let response = app.login(&client, AGENT).await;

    assert_eq!(response.status(), StatusCode::OK);
    let cookie = session_cookie(&response).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP must not get a Secure cookie: {cookie}");
    assert_eq!(app.whoami(&client).await.as_deref(), Some("agent"));
}

#[tokio::test]
async fn cookie_is_secure_behind_https() {
    let app = TestApp::spawn().await;
    let response = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-proto", "https")
        .form(&[("username", AGENT.0), ("password", AGENT.1), ("next", "")])
        .send()
        .await
        .unwrap();
    assert!(session_cookie(&response).unwrap().contains("Secure"));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let client = app.client();

    let wrong = app.login(&client, (AGENT.0, "not-the-password")).await;
    let (wrong_status, wrong_body) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = app.login(&client, ("nobody", "not-the-password")).await;
    let (unknown_status, unknown_body) = (unknown.status(), unknown.text().await.unwrap());

    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_body, unknown_body);
    assert!(wrong_body.contains("BadCredentials"), "{wrong_body}");
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn repeated_failures_for_a_user_are_throttled() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..5 {
        assert_eq!(app.login(&client, (AGENT.0, "guess-guess")).await.status(), StatusCode::UNAUTHORIZED);
    }

    let blocked = app.login(&client, AGENT).await;

    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    assert!(blocked.text().await.unwrap().contains("Try again in 15 minutes"));
    // Another account from elsewhere is not affected by this user's lock.
    assert_eq!(app.login(&app.client(), ADMIN).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_from_an_address_are_throttled() {
    let app = TestApp::spawn_with(|c| c.auth.max_failures_per_ip = 3).await;
    let client = app.client();
    for name in ["a1x", "b2y", "c3z"] {
        assert_eq!(app.login(&client, (name, "guess-guess")).await.status(), StatusCode::UNAUTHORIZED);
    }

    let blocked = app.login(&client, AGENT).await;

    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let cookie = session_cookie(&app.login(&client, AGENT).await).unwrap();
    let token = cookie.split(';').next().unwrap().to_owned();

    let response = app.call(&client, "auth/logout", &[]).await;

    assert_eq!(response.status(), StatusCode::OK);
    // Replaying the old cookie from a fresh client must not work.
    let replay =
        reqwest::Client::new().post(app.url("/api/auth/me")).header("cookie", &token).send().await.unwrap();
    assert_eq!(replay.text().await.unwrap(), "null");
    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let first = session_cookie(&app.login(&client, AGENT).await).unwrap();

    let second = session_cookie(&app.login(&client, AGENT).await).unwrap();

    assert_ne!(first, second);
    let old = reqwest::Client::new()
        .post(app.url("/api/auth/me"))
        .header("cookie", first.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(old.text().await.unwrap(), "null", "the session before sign-in is ended");
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let mut app = TestApp::spawn().await;
    let client = app.signed_in(AGENT).await;
    let cookie = session_cookie(&app.login(&client, AGENT).await).unwrap();
    let token = cookie.split(';').next().unwrap().to_owned();

    app.restart().await;

    let response =
        reqwest::Client::new().post(app.url("/api/auth/me")).header("cookie", &token).send().await.unwrap();
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(me["username"], "agent");
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(AGENT).await;
    let three_hours_ago = contactdesk::server::time::now_ms() - 3 * 3600 * 1000;
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(three_hours_ago)
        .execute(app.state().db.pool())
        .await
        .unwrap();

    assert_eq!(app.whoami(&client).await, None);
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(app.state().db.pool()).await.unwrap();
    assert_eq!(left, 0, "the expired session is removed");
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_however_busy() {
    let app = TestApp::spawn().await;
    let client = app.signed_in(AGENT).await;
    let thirteen_hours_ago = contactdesk::server::time::now_ms() - 13 * 3600 * 1000;
    sqlx::query("UPDATE sessions SET created_at = $1")
        .bind(thirteen_hours_ago)
        .execute(app.state().db.pool())
        .await
        .unwrap();

    assert_eq!(app.whoami(&client).await, None);
}

#[tokio::test]
async fn next_after_sign_in_stays_on_this_site() {
    let app = TestApp::spawn().await;
    let response = app
        .call(
            &app.client(),
            "auth/login",
            &[("username", AGENT.0), ("password", AGENT.1), ("next", "//evil.example/")],
        )
        .await;
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert_eq!(location, "/");
}
