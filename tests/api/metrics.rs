//! `/metrics` in the Prometheus text format, for admins and configured scrapers only.

use reqwest::StatusCode;

use crate::helpers::{ADMIN, AGENT, TestApp};

#[tokio::test]
async fn admins_read_the_metrics_and_nobody_else_does() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.client().get(app.url("/metrics")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let agent = app.signed_in(AGENT).await;
    assert_eq!(agent.get(app.url("/metrics")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let upload = app.token(AGENT.0, "upload").await;
    let with_upload_token =
        reqwest::Client::new().get(app.url("/metrics")).bearer_auth(&upload).send().await.unwrap();
    assert_eq!(with_upload_token.status(), StatusCode::FORBIDDEN);

    // Some traffic: a list, a missing contact, a path that is no route.
    agent.get(app.url("/v1/contacts")).send().await.unwrap();
    agent.get(app.url("/v1/contacts/4242")).send().await.unwrap();
    agent.get(app.url("/v1/no-such-thing-8f3a")).send().await.unwrap();

    let admin = app.signed_in(ADMIN).await;
    let response = admin.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    for line in [
        r#"contactdesk_http_requests_total{route="/v1/contacts",method="GET",status="200"} 1"#,
        r#"contactdesk_http_requests_total{route="/v1/contacts/{id}",method="GET",status="404"} 1"#,
        r#"contactdesk_http_requests_total{route="/metrics",method="GET",status="401"} 1"#,
        r#"contactdesk_http_requests_total{route="/metrics",method="GET",status="403"} 2"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
    }
    assert!(
        text.contains(r#"contactdesk_http_request_duration_seconds_bucket{le="#)
            || text.contains("contactdesk_http_request_duration_seconds_bucket{route=")
    );
    assert!(!text.contains("no-such-thing"), "a path that is no route does not become a label");
    assert!(text.contains(r#"route="other""#));
    for name in [
        "contactdesk_db_pool_connections ",
        "contactdesk_uploads_in_progress ",
        "contactdesk_upload_bytes_total ",
    ] {
        assert!(text.contains(name), "{name} missing");
    }
}

#[tokio::test]
async fn a_configured_scraper_reads_the_metrics_without_signing_in() {
    let app = TestApp::spawn_with(|c| c.metrics.allow = "127.0.0.2".parse().unwrap()).await;
    let scraper = app.client_from("127.0.0.2");
    let response = scraper.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().ends_with("# EOF\n"));
    let elsewhere = app.client_from("127.0.0.3").get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED);
}
