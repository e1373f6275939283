//! Sign-in throttling: guessing is slowed per username and client, nobody can keep another
//! person out, and password hashes are bounded however many attempts arrive at once.

use std::time::{Duration, Instant};

use reqwest::{Client, Response, StatusCode};
use tokio::task::JoinSet;

use crate::helpers::{ADMIN, AGENT, TestApp};

fn retry_after(response: &Response) -> Option<u64> {
    response.headers().get("retry-after")?.to_str().ok()?.parse().ok()
}

/// Signs in as `who` from `client` until the answer is not 429, within `limit`.
async fn sign_in_when_allowed(
    app: &TestApp,
    client: &Client,
    who: (&str, &str),
    limit: Duration,
) -> Response {
    let deadline = Instant::now() + limit;
    loop {
        let response = app.login(client, who).await;
        if response.status() != StatusCode::TOO_MANY_REQUESTS {
            return response;
        }
        assert!(Instant::now() < deadline, "still throttled after {limit:?}");
        let wait = retry_after(&response).expect("a 429 says how long to wait");
        tokio::time::sleep(Duration::from_millis(wait * 1000 / 4 + 50)).await;
    }
}

#[tokio::test]
async fn fifty_failures_for_admin_from_one_address_do_not_keep_admin_out_from_another() {
    let app = TestApp::spawn().await;
    let attacker = app.client_from("127.0.0.2");
    let mut refused = 0;
    for _ in 0..50 {
        let response = app.login(&attacker, (ADMIN.0, "guess-guess")).await;
        match response.status() {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(retry_after(&response).is_some_and(|s| (1..=900).contains(&s)));
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused >= 40, "guessing from one address is slowed at once: {refused} of 50 refused");

    // The real admin, elsewhere, signs in at once.
    let admin = app.login(&app.client_from("127.0.0.3"), ADMIN).await;
    assert_eq!(admin.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_wait_after_a_failure_doubles_and_the_right_password_clears_it() {
    let app = TestApp::spawn().await;
    let client = app.client_from("127.0.0.4");

    assert_eq!(app.login(&client, (AGENT.0, "typo-typo")).await.status(), StatusCode::UNAUTHORIZED);
    let refused = app.login(&client, AGENT).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&refused), Some(1));
    assert!(refused.text().await.unwrap().contains("Try again in 1 second"));

    let second = sign_in_when_allowed(&app, &client, (AGENT.0, "typo-again"), Duration::from_secs(5)).await;
    assert_eq!(second.status(), StatusCode::UNAUTHORIZED);
    let refused = app.login(&client, AGENT).await;
    assert_eq!(retry_after(&refused), Some(2), "1 s, then 2 s");

    let ok = sign_in_when_allowed(&app, &client, AGENT, Duration::from_secs(5)).await;
    assert_eq!(ok.status(), StatusCode::OK);
    // Signed in: the count starts afresh (a typo waits 1 s again, not 4).
    let client = app.client_from("127.0.0.4");
    assert_eq!(app.login(&client, (AGENT.0, "typo-typo")).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(retry_after(&app.login(&client, AGENT).await), Some(1));
}

#[tokio::test]
async fn fifty_wrong_passwords_at_once_run_at_most_the_limit_s_hashes() {
    let app = TestApp::spawn().await;
    let gate = app.state().passwords.clone();
    let before = gate.hashes_run();
    let client = app.client_from("127.0.0.5");
    let mut attempts = JoinSet::new();
    for _ in 0..50 {
        let request = client.post(app.url("/api/auth/login")).form(&[
            ("username", ADMIN.0),
            ("password", "parallel-guess"),
            ("next", ""),
        ]);
        attempts.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses: Vec<StatusCode> = attempts.join_all().await;

    let hashed = gate.hashes_run() - before;
    let limit = u64::from(app.config.auth.max_concurrent_hashes);
    assert!((1..=limit).contains(&hashed), "{hashed} hashes for 50 parallel guesses (limit {limit})");
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    let failed = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(failed as u64, hashed, "{statuses:?}");
    assert_eq!(refused + failed, 50, "{statuses:?}");
}

#[tokio::test]
async fn concurrent_sign_ins_never_hash_more_than_the_bound_at_once() {
    let app = TestApp::spawn_with(|c| c.auth.max_concurrent_hashes = 2).await;
    let mut attempts = JoinSet::new();
    // Twenty different people from twenty machines: nobody is throttled, all are checked.
    for i in 0..20 {
        let client = app.client_from(&format!("127.0.1.{}", i + 1));
        let request = client.post(app.url("/api/auth/login")).form(&[
            ("username", format!("person{i}")),
            ("password", "whatever-it-is".into()),
            ("next", "".into()),
        ]);
        attempts.spawn(async move { request.send().await.unwrap().status() });
    }
    let statuses = attempts.join_all().await;
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert_eq!(app.state().passwords.hashes_run(), 20);
    assert_eq!(app.state().passwords.peak(), 2, "at most two hashes ran at once, and two did");
}

#[tokio::test]
async fn twenty_usernames_failing_from_one_address_slow_that_address_and_no_other() {
    let app = TestApp::spawn().await;
    let noisy = app.client_from("127.0.0.6");
    let mut slowed = None;
    for i in 0..20 {
        let response = app.login(&noisy, (&format!("user{i}"), "guess-guess")).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            slowed = retry_after(&response);
        }
    }
    let wait = slowed.expect("the address is slowed");
    assert!(wait <= app.config.auth.address_delay_max_seconds, "a delay, never a lock-out: {wait} s");
    assert_eq!(app.login(&noisy, AGENT).await.status(), StatusCode::TOO_MANY_REQUESTS);

    assert_eq!(app.login(&app.client_from("127.0.0.7"), AGENT).await.status(), StatusCode::OK);
    // The address's own wait ends: the agent there gets in, slowed, not locked out.
    let later = sign_in_when_allowed(&app, &noisy, AGENT, Duration::from_secs(40)).await;
    assert_eq!(later.status(), StatusCode::OK);
}

/// Guesses `username`'s password from ever new addresses until the username's own limit makes
/// new browsers wait at least 4 s (each refusal is waited out, as a patient campaign would).
async fn campaign(app: &TestApp, username: &str, subnet: u8) {
    for i in 1..=250u8 {
        let guesser = app.client_from(&format!("127.0.{subnet}.{i}"));
        let response = app.login(&guesser, (username, "campaign-guess")).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = retry_after(&response).expect("Retry-After");
            if wait >= 4 {
                return;
            }
            tokio::time::sleep(Duration::from_secs(wait)).await;
        }
    }
    panic!("the username was never rate-limited");
}

#[tokio::test]
async fn a_browser_that_signed_in_before_is_never_kept_out_by_others_failures() {
    let app = TestApp::spawn_with(|c| c.auth.user_free_failures = 3).await;
    let own_browser = app.client_from("127.0.0.8");
    assert_eq!(app.login(&own_browser, AGENT).await.status(), StatusCode::OK);
    assert_eq!(app.call(&own_browser, "auth/logout", &[]).await.status(), StatusCode::OK);

    // A guessing campaign from many addresses puts the username under its rate limit.
    campaign(&app, AGENT.0, 2).await;
    let new_browser = app.login(&app.client_from("127.0.0.9"), AGENT).await;
    assert_eq!(new_browser.status(), StatusCode::TOO_MANY_REQUESTS, "a browser new to the user waits");

    // The agent's own browser, which carries its device cookie, signs in at once.
    assert_eq!(app.login(&own_browser, AGENT).await.status(), StatusCode::OK);
    // Another user is not affected at all.
    assert_eq!(app.login(&app.client_from("127.0.0.9"), ADMIN).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_forged_device_cookie_counts_for_nothing() {
    let app = TestApp::spawn_with(|c| c.auth.user_free_failures = 3).await;
    campaign(&app, AGENT.0, 3).await;
    let forged = "v1.AAAAAAAAAAAAAAAAAAAAAA.1700000000.YWdlbnQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let response = app
        .client_from("127.0.0.10")
        .post(app.url("/api/auth/login"))
        .header("cookie", format!("contactdesk_device={forged}"))
        .form(&[("username", AGENT.0), ("password", AGENT.1), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}
