//! `TestApp`: spawns ContactDesk on port 0 with a fresh database in a temporary folder.

use contactdesk::{
    domain::user::Role,
    server::{auth::hash_password, config::Config, startup, time::now_ms},
};
use reqwest::{Client, Response, StatusCode, redirect::Policy};
use tempfile::TempDir;

pub const ADMIN: (&str, &str) = ("admin", "admin-password-1");
pub const AGENT: (&str, &str) = ("agent", "agent-password-1");

pub struct TestApp {
    pub running: Option<startup::Running>,
    pub base: String,
    pub config: Config,
    _dir: TempDir,
}

impl TestApp {
    /// A fresh app with one admin and one agent.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut config = Config::default();
        config.server.site_addr = "127.0.0.1:0".parse().expect("address");
        config.storage.data_dir = dir.path().join("data");
        config.database.url = format!("sqlite://{}", dir.path().join("data/test.db").display());
        adjust(&mut config);
        let running = startup::start(config.clone()).await.expect("app starts");
        let db = &running.state.db;
        for ((username, password), role) in [(ADMIN, Role::Admin), (AGENT, Role::Agent)] {
            let hash = hash_password(password).expect("hash");
            db.insert_user(username, &format!("Test {username}"), role, &hash, now_ms()).await.expect("user");
        }
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), base, config, _dir: dir }
    }

    /// A second instance on this one's database (its users and data), as a second server of
    /// one deployment would run.
    pub async fn spawn_sharing(&self, adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut config = self.config.clone();
        config.server.site_addr = "127.0.0.1:0".parse().expect("address");
        adjust(&mut config);
        let running = startup::start(config.clone()).await.expect("second instance starts");
        let base = format!("http://{}", running.addr);
        Self { running: Some(running), base, config, _dir: dir }
    }

    pub fn state(&self) -> &contactdesk::server::AppState {
        &self.running.as_ref().expect("app is running").state
    }

    /// Stops the server gracefully and starts it again on the same database.
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
        let mut config = self.config.clone();
        config.server.site_addr = "127.0.0.1:0".parse().expect("address");
        let running = startup::start(config).await.expect("app restarts");
        self.base = format!("http://{}", running.addr);
        self.running = Some(running);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(Policy::none()).build().expect("client")
    }

    /// Calls a server function with form fields, as the browser's forms do.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client.post(self.url(&format!("/api/{endpoint}"))).form(form).send().await.expect("request")
    }

    pub async fn login(&self, client: &Client, (username, password): (&str, &str)) -> Response {
        self.call(client, "auth/login", &[("username", username), ("password", password), ("next", "")]).await
    }

    /// A client already signed in.
    pub async fn signed_in(&self, who: (&str, &str)) -> Client {
        let client = self.client();
        let response = self.login(&client, who).await;
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {} failed", who.0);
        client
    }

    /// A fresh API token for `username` with `scope` (`upload` or `api`), as the CLI issues one.
    pub async fn token(&self, username: &str, scope: &str) -> String {
        let new = contactdesk::domain::token::NewToken::parse(username, scope, "test token").expect("token");
        contactdesk::server::tokens::issue(&self.state().db, None, new).await.expect("issue").token
    }

    /// The username the server sees for this client, if any.
    pub async fn whoami(&self, client: &Client) -> Option<String> {
        let response = self.call(client, "auth/me", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let me: Option<serde_json::Value> = response.json().await.expect("json");
        me.map(|m| m["username"].as_str().expect("username").to_owned())
    }
}

/// The value of the session cookie a response sets.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("contactdesk_session="))
        .map(str::to_owned)
}
