//! The admin dashboard's figures and the Activity log, on seeded data with exact expectations.

use contactdesk::server::time::now_ms;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    customers::{contact_id, seed},
    helpers::{ADMIN, AGENT, TestApp},
    report::{insert_update, user_id},
};

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn the_dashboard_counts_pending_synced_oldest_per_day_and_per_agent() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let (agent, admin_id) = (user_id(&app, "agent").await, user_id(&app, "admin").await);
    let now = now_ms();
    let kevin = contact_id(&app, "12345").await;
    let yusuf = contact_id(&app, "20002").await;
    let oldest = insert_update(&app, yusuf, agent, "+23058000010", now - 40 * DAY).await;
    let recent = insert_update(&app, kevin, agent, "+23058000011", now - 2 * DAY).await;
    insert_update(&app, kevin, admin_id, "+23058000012", now).await;
    let admin = app.signed_in(ADMIN).await;
    let synced =
        admin.patch(app.url(&format!("/v1/customer_contact_updates/{recent}/sync"))).send().await.unwrap();
    assert_eq!(synced.status(), StatusCode::OK);

    let response = app.call(&admin, "admin/dashboard", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let d: Value = response.json().await.unwrap();
    assert_eq!(d["pending"], 2);
    assert_eq!(d["synced_this_week"], 1);
    assert_eq!(d["oldest_pending"]["update_id"], oldest);
    assert_eq!(d["oldest_pending"]["customer_name"], "Yusuf Peerbocus");
    assert_eq!(d["oldest_pending"]["days"], 40);
    let days = d["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let total =
        |day: &Value| day["by_reason"].as_array().unwrap().iter().map(|n| n.as_i64().unwrap()).sum::<i64>();
    assert_eq!(total(&days[29]), 1, "today: the admin's update");
    assert_eq!(total(&days[27]), 1, "two days ago");
    assert_eq!(days.iter().map(total).sum::<i64>(), 2, "40 days ago is outside the chart");
    assert_eq!(days[29]["by_reason"][0], 1, "counted under its reason");
    let agents = d["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 2);
    for a in agents {
        assert_eq!(
            (a["updates"].as_i64(), a["pending"].as_i64()),
            (Some(1), Some(i64::from(a["agent_id"] == admin_id)))
        );
    }
}

#[tokio::test]
async fn the_dashboard_page_draws_the_chart_on_the_server() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let html = admin.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"updates-chart\""), "the SVG is in the HTML, no script needed");
    assert!(html.contains("The figures as a table"), "with a text alternative");
    let agent = app.signed_in(AGENT).await;
    let html = agent.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("updates-chart"), "agents see the figures only");
}

#[tokio::test]
async fn activity_lists_every_admin_action_and_cannot_be_rewritten() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let agent = app.signed_in(AGENT).await;
    let admin = app.signed_in(ADMIN).await;
    let captured = agent
        .post(app.url("/v1/customer_contact_updates"))
        .json(&json!({"customer_id": "12345", "new_mobile": "58123456", "update_reason": "Other"}))
        .send()
        .await
        .unwrap();
    let id = captured.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    admin
        .post(app.url(&format!("/v1/customer_contact_updates/{id}/reject")))
        .json(&json!({"reason": "typo"}))
        .send()
        .await
        .unwrap();
    let export = admin.get(app.url("/v1/customer_contact_updates/export.csv")).send().await.unwrap();
    assert_eq!(export.status(), StatusCode::OK);

    let log: Value =
        app.call(&admin, "admin/activity", &[("action", ""), ("page", "1")]).await.json().await.unwrap();
    let actions: Vec<&str> =
        log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["contact_updates.export", "contact_updates.reject"], "newest first");
    assert_eq!(log["entries"][0]["actor"], "Test admin");
    assert!(log["entries"][1]["detail"].as_str().unwrap().contains("typo"));
    let only: Value = app
        .call(&admin, "admin/activity", &[("action", "contact_updates.reject"), ("page", "1")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(only["total"], 1);

    let pool = app.state().db.pool();
    assert!(sqlx::query("UPDATE admin_audit_log SET detail = 'nothing'").execute(pool).await.is_err());
    assert!(sqlx::query("DELETE FROM admin_audit_log").execute(pool).await.is_err());
    assert_eq!(app.state().db.recent_audit(10).await.unwrap().len(), 2, "append-only");

    for endpoint in ["admin/activity", "admin/dashboard"] {
        let form = [("action", ""), ("page", "1")];
        assert_eq!(app.call(&agent, endpoint, &form).await.status(), StatusCode::FORBIDDEN, "{endpoint}");
        assert_eq!(
            app.call(&app.client(), endpoint, &form).await.status(),
            StatusCode::UNAUTHORIZED,
            "{endpoint}"
        );
    }
}
