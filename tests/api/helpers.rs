//! `TestApp`: spawns ContactDesk on port 0 with a fresh database in a temporary folder.

use contactdesk::{
    domain::user::Role,
    server::{auth::hash_password, config::Config, startup, time::now_ms},
};
use std::{net::IpAddr, sync::Mutex};

use reqwest::{Client, Response, StatusCode, redirect::Policy};
use tempfile::TempDir;

use crate::logs;

pub const ADMIN: (&str, &str) = ("admin", "admin-password-1");
pub const AGENT: (&str, &str) = ("agent", "agent-password-1");

pub struct TestApp {
    pub running: Option<startup::Running>,
    pub base: String,
    pub config: Config,
    /// Every secret this app issued or was given: none may appear in a log line.
    secrets: Mutex<Vec<String>>,
    /// Where the log stood when this app started.
    log_mark: usize,
    _dir: TempDir,
}

/// As it ends, an app checks that no secret it saw reached a log line written during its life.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let secrets = self.secrets.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let leaks = logs::leaks(self.log_mark, &secrets);
        assert!(leaks.is_empty(), "secrets in the log: {leaks:#?}");
    }
}

impl TestApp {
    /// A fresh app with one admin and one agent.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        logs::install();
        let log_mark = logs::mark();
        let dir = tempfile::tempdir().expect("temporary folder");
        let mut config = Config::default();
        config.server.site_addr = "127.0.0.1:0".parse().expect("address");
        config.storage.data_dir = dir.path().join("data");
        config.database.url = format!("sqlite://{}", dir.path().join("data/test.db").display());
        // The tests of other things must not depend on the machine's free disk.
        config.storage.min_free_bytes = 0;
        adjust(&mut config);
        let running = startup::start(config.clone()).await.expect("app starts");
        let db = &running.state.db;
        for ((username, password), role) in [(ADMIN, Role::Admin), (AGENT, Role::Agent)] {
            let hash = hash_password(password).expect("hash");
            db.insert_user(username, &format!("Test {username}"), role, &hash, now_ms()).await.expect("user");
        }
        let base = format!("http://{}", running.addr);
        let secrets = Mutex::new(vec![ADMIN.1.to_owned(), AGENT.1.to_owned()]);
        Self { running: Some(running), base, config, secrets, log_mark, _dir: dir }
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
        let secrets = Mutex::new(self.secrets.lock().unwrap_or_else(|e| e.into_inner()).clone());
        Self { running: Some(running), base, config, secrets, log_mark: logs::mark(), _dir: dir }
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

    /// A browser-like client whose connections come from `ip` (any of 127.0.0.0/8 reaches
    /// the app): another machine, as far as the app can tell.
    pub fn client_from(&self, ip: &str) -> Client {
        let ip: IpAddr = ip.parse().expect("an address");
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .local_address(ip)
            .build()
            .expect("client")
    }

    /// Remembers a secret this test handled: no log line may hold it.
    pub fn secret(&self, secret: &str) {
        self.secrets.lock().unwrap_or_else(|e| e.into_inner()).push(secret.to_owned());
    }

    /// Every cookie value a response sets is a secret.
    fn cookie_secrets(&self, response: &Response) {
        for cookie in response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
            let value = cookie.split(';').next().and_then(|kv| kv.split_once('=')).map_or("", |(_, v)| v);
            self.secret(value);
        }
    }

    /// Calls a server function with form fields, as the browser's forms do.
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        client.post(self.url(&format!("/api/{endpoint}"))).form(form).send().await.expect("request")
    }

    pub async fn login(&self, client: &Client, (username, password): (&str, &str)) -> Response {
        self.secret(password);
        let response = self
            .call(client, "auth/login", &[("username", username), ("password", password), ("next", "")])
            .await;
        self.cookie_secrets(&response);
        response
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
        let token =
            contactdesk::server::tokens::issue(&self.state().db, None, new).await.expect("issue").token;
        self.secret(&token);
        token
    }

    /// The username the server sees for this client, if any.
    pub async fn whoami(&self, client: &Client) -> Option<String> {
        let response = self.call(client, "auth/me", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let me: Option<serde_json::Value> = response.json().await.expect("json");
        me.map(|m| m["username"].as_str().expect("username").to_owned())
    }
}

/// Sends `request` and reads its answer's JSON body.
pub async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.expect("request").json().await.expect("a JSON body")
}

/// Polls until `check` holds, for what the server does after a client is gone.
pub async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..100 {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 5 s");
}

/// A POST written by hand on a raw connection, so a test can declare more than it sends, stall
/// or hang up: `head` is the request line's path and extra header lines (each ending `\r\n`).
/// The connection is returned open after `body`; [`answer`] reads what the server says.
pub async fn raw_post(
    app: &TestApp,
    path: &str,
    headers: &str,
    declared: usize,
    body: &[u8],
) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let addr = app.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Length: {declared}\r\n\r\n");
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(body).await.unwrap();
    tcp
}

/// The status and text of the answer on a raw connection (within 10 s).
pub async fn answer(mut tcp: tokio::net::TcpStream) -> (u16, String) {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), tcp.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// The session cookie a response sets (plain HTTP's name).
pub fn session_cookie(response: &Response) -> Option<String> {
    session_cookie_named(response, "contactdesk_session")
}

/// The `Set-Cookie` of the cookie `name` in a response.
pub fn session_cookie_named(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.strip_prefix(name).is_some_and(|rest| rest.starts_with('=')))
        .map(str::to_owned)
}

/// The `contactdesk` command on the database at `url` and the data folder `dir`, with no
/// configuration file.
pub fn command(dir: &std::path::Path, url: &str, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_contactdesk"));
    command
        .args(args)
        .env("CONTACTDESK_CONFIG", "/nonexistent.toml")
        .env("CONTACTDESK_DATA_DIR", dir)
        .env("CONTACTDESK_DATABASE_URL", url)
        .env("CONTACTDESK_DEMO", "0")
        .env("CONTACTDESK_LOG", "warn");
    command
}
