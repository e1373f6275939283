//! Signing in and out, throttling, session lifetime.

use reqwest::StatusCode;

use crate::helpers::{AGENT, TestApp, session_cookie, session_cookie_named};

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
async fn cookie_is_secure_and_host_prefixed_behind_an_https_origin() {
    let app =
        TestApp::spawn_with(|c| c.server.public_origin = Some("https://cd.example.mu".parse().unwrap()))
            .await;

    let response = app.login(&app.client(), AGENT).await;

    let cookie = session_cookie_named(&response, "__Host-contactdesk_session").expect("a __Host- cookie");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    // The plain name is not read any more: a sibling subdomain could have planted it.
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    let me = |name: &str| {
        reqwest::Client::new()
            .post(app.url("/api/auth/me"))
            .header("cookie", format!("{name}={token}"))
            .send()
    };
    assert_ne!(me("__Host-contactdesk_session").await.unwrap().text().await.unwrap(), "null");
    assert_eq!(me("contactdesk_session").await.unwrap().text().await.unwrap(), "null");
}

#[tokio::test]
async fn x_forwarded_proto_is_believed_only_from_a_trusted_proxy() {
    let login = |app: &TestApp| {
        app.client()
            .post(app.url("/api/auth/login"))
            .header("x-forwarded-proto", "https")
            .form(&[("username", AGENT.0), ("password", AGENT.1), ("next", "")])
            .send()
    };
    let direct = TestApp::spawn().await;
    let response = login(&direct).await.unwrap();
    assert!(!session_cookie(&response).unwrap().contains("Secure"), "any client can claim https");

    let proxied = TestApp::spawn_with(|c| c.server.trusted_proxies = "127.0.0.1".parse().unwrap()).await;
    let response = login(&proxied).await.unwrap();
    assert!(session_cookie_named(&response, "__Host-contactdesk_session").unwrap().contains("Secure"));
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
async fn next_after_sign_in_stays_on_this_site_and_no_next_breaks_the_answer() {
    let app = TestApp::spawn().await;
    let sign_in_to = |next: &'static str| {
        let client = app.client();
        let app = &app;
        async move {
            app.call(&client, "auth/login", &[("username", AGENT.0), ("password", AGENT.1), ("next", next)])
                .await
        }
    };
    for next in [
        "//evil.example/",
        "/\tevil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/\n/evil.example",
        "/x\r\nSet-Cookie: planted=1",
        "/caf\u{e9}",
    ] {
        let response = sign_in_to(next).await;
        assert_eq!(response.status(), StatusCode::OK, "{next:?}");
        let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("");
        assert_eq!(location, "/", "{next:?}");
        assert!(session_cookie(&response).is_some(), "{next:?}: signed in all the same");
    }
    let response = sign_in_to("/contacts?q=5737%202333").await;
    assert_eq!(response.headers()["location"], "/contacts?q=5737%202333");
}

#[tokio::test]
async fn expired_sessions_are_purged_while_the_server_runs() {
    let app = TestApp::spawn_with(|c| c.auth.purge_every_seconds = 1).await;
    app.signed_in(AGENT).await;
    let db = &app.state().db;
    let agent = db.user_by_username(AGENT.0).await.unwrap().unwrap();
    assert_eq!(db.count_sessions_of(agent.id).await.unwrap(), 1);
    sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(contactdesk::server::time::now_ms() - 3 * 3600 * 1000)
        .execute(db.pool())
        .await
        .unwrap();

    // No request presents the session: the server removes it on its own.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while db.count_sessions_of(agent.id).await.unwrap() > 0 {
        assert!(std::time::Instant::now() < deadline, "the expired session is still there");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
