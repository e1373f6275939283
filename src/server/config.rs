//! Settings: built-in defaults, then `Leptos.toml`, then environment variables.
//!
//! A key that is unknown, or a value that does not parse, stops start-up with a message that
//! names the key, so a typo never silently falls back to a default.

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use serde::Deserialize;

/// How the session cookie's `Secure` flag is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSecure {
    /// Secure when the request reached us over HTTPS (`X-Forwarded-Proto: https` from the proxy).
    Auto,
    Always,
    Never,
}

impl FromStr for CookieSecure {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            "always" => Ok(Self::Always),
            "never" => Ok(Self::Never),
            _ => Err("expected auto, always or never".into()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err("expected text or json".into()),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Address and port to listen on.
    pub site_addr: SocketAddr,
    /// Folder holding the built site (`pkg/` with WASM, JS and CSS; public files).
    pub site_root: PathBuf,
    /// How long in-flight requests get to finish after SIGTERM/Ctrl-C.
    pub shutdown_grace_seconds: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: PathBuf::from("target/site"),
            shutdown_grace_seconds: 10,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `sqlite://path/to/file.db`; the scheme selects the backend.
    pub url: String,
    pub max_connections: u32,
    /// How long a statement waits for a lock before failing.
    pub busy_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: "sqlite://data/contactdesk.db".into(), max_connections: 8, busy_timeout_ms: 5000 }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StorageSettings {
    /// Where the database (by default) and stored files live.
    pub data_dir: PathBuf,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self { data_dir: PathBuf::from("data") }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// A session unused for this long ends.
    pub session_idle_minutes: u64,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute_hours: u64,
    pub cookie_secure: CookieSecure,
    /// Failed sign-ins per username within the window before that username is held off.
    pub max_failures_per_user: u32,
    /// Failed sign-ins per client address within the window before that address is held off.
    pub max_failures_per_ip: u32,
    pub failure_window_minutes: u64,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            cookie_secure: CookieSecure::Auto,
            max_failures_per_user: 5,
            max_failures_per_ip: 20,
            failure_window_minutes: 15,
        }
    }
}

impl AuthSettings {
    pub fn idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes * 60)
    }
    pub fn absolute(&self) -> Duration {
        Duration::from_secs(self.session_absolute_hours * 3600)
    }
    pub fn failure_window(&self) -> Duration {
        Duration::from_secs(self.failure_window_minutes * 60)
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// A `tracing` filter, e.g. `info` or `contactdesk=debug,tower_http=info`.
    pub level: String,
    pub format: LogFormat,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { level: "info".into(), format: LogFormat::Text }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSettings {
    /// Seed demo users and customers when the database has no users yet.
    pub seed: bool,
}

/// A setting that must never reach a log line: its Debug output is redacted.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "(not set)" } else { "(redacted)" })
    }
}

/// How email leaves the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// Messages are kept in the outbox (Admin → Email outbox) and not sent: no mail server needed.
    Outbox,
    /// A background sender delivers queued messages through the SMTP relay, with retries.
    Smtp,
}

impl FromStr for MailTransport {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "outbox" => Ok(Self::Outbox),
            "smtp" => Ok(Self::Smtp),
            _ => Err("expected outbox or smtp".into()),
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587; Brevo's relay).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or a test server.
    None,
}

impl FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "starttls" => Ok(Self::Starttls),
            "tls" => Ok(Self::Tls),
            "none" => Ok(Self::None),
            _ => Err("expected starttls, tls or none".into()),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// The sender, e.g. `Life Insurance <payments@example.mu>`.
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: String,
    /// A secret: set it with CONTACTDESK_SMTP_PASSWORD, not in the file.
    pub smtp_password: Secret,
    /// Delivery attempts before a message is marked failed.
    pub max_attempts: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            transport: MailTransport::Outbox,
            from: "ContactDesk <no-reply@contactdesk.local>".into(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: String::new(),
            smtp_password: Secret::default(),
            max_attempts: 5,
        }
    }
}

/// The merchant data of the payment QR code (EMVCo merchant-presented mode).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QrSettings {
    /// Merchant account template ID (26–51) the acquirer assigned.
    pub merchant_account_tag: u8,
    /// Globally unique identifier of the payment network inside that template (sub-tag 00).
    pub merchant_account_guid: String,
    /// The merchant's ID with that network (sub-tag 01).
    pub merchant_id: String,
    /// Merchant category code: 6300 is insurance sales and premiums.
    pub merchant_category_code: String,
    /// At most 25 characters.
    pub merchant_name: String,
    /// At most 15 characters.
    pub merchant_city: String,
}

impl Default for QrSettings {
    fn default() -> Self {
        Self {
            merchant_account_tag: 26,
            merchant_account_guid: "mu.maucas".into(),
            merchant_id: "DEMO-MERCHANT-0001".into(),
            merchant_category_code: "6300".into(),
            merchant_name: "Demo Life Insurance".into(),
            merchant_city: "Port Louis".into(),
        }
    }
}

/// All settings of the application.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub storage: StorageSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub demo: DemoSettings,
    pub mail: MailSettings,
    pub qr: QrSettings,
}

/// Why the configuration could not be loaded; always names the file or key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error("environment variable {key}={value:?}: {message}")]
    Env { key: &'static str, value: String, message: String },
    #[error("setting {key}: {message}")]
    Invalid { key: &'static str, message: String },
}

type Setter = fn(&mut Config, &str) -> Result<(), String>;

fn parse<T: FromStr>(value: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    value.parse::<T>().map_err(|e| e.to_string())
}

fn parse_bool(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err("expected 1/0, true/false, yes/no or on/off".into()),
    }
}

/// Every environment override, with the `Leptos.toml` key it replaces (for the README too).
pub const ENV_OVERRIDES: &[(&str, &str, Setter)] = &[
    ("LEPTOS_SITE_ADDR", "server.site_addr", |c, v| {
        c.server.site_addr = parse(v)?;
        Ok(())
    }),
    ("LEPTOS_SITE_ROOT", "server.site_root", |c, v| {
        c.server.site_root = PathBuf::from(v);
        Ok(())
    }),
    ("CONTACTDESK_SHUTDOWN_GRACE_SECONDS", "server.shutdown_grace_seconds", |c, v| {
        c.server.shutdown_grace_seconds = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_DATABASE_URL", "database.url", |c, v| {
        c.database.url = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_DATABASE_MAX_CONNECTIONS", "database.max_connections", |c, v| {
        c.database.max_connections = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_DATABASE_BUSY_TIMEOUT_MS", "database.busy_timeout_ms", |c, v| {
        c.database.busy_timeout_ms = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_DATA_DIR", "storage.data_dir", |c, v| {
        c.storage.data_dir = PathBuf::from(v);
        Ok(())
    }),
    ("CONTACTDESK_SESSION_IDLE_MINUTES", "auth.session_idle_minutes", |c, v| {
        c.auth.session_idle_minutes = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_SESSION_ABSOLUTE_HOURS", "auth.session_absolute_hours", |c, v| {
        c.auth.session_absolute_hours = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_COOKIE_SECURE", "auth.cookie_secure", |c, v| {
        c.auth.cookie_secure = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_MAX_FAILURES_PER_USER", "auth.max_failures_per_user", |c, v| {
        c.auth.max_failures_per_user = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_MAX_FAILURES_PER_IP", "auth.max_failures_per_ip", |c, v| {
        c.auth.max_failures_per_ip = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_FAILURE_WINDOW_MINUTES", "auth.failure_window_minutes", |c, v| {
        c.auth.failure_window_minutes = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_LOG", "log.level", |c, v| {
        c.log.level = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_LOG_FORMAT", "log.format", |c, v| {
        c.log.format = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_DEMO", "demo.seed", |c, v| {
        c.demo.seed = parse_bool(v)?;
        Ok(())
    }),
    ("CONTACTDESK_MAIL_TRANSPORT", "mail.transport", |c, v| {
        c.mail.transport = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_MAIL_FROM", "mail.from", |c, v| {
        c.mail.from = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_SMTP_HOST", "mail.smtp_host", |c, v| {
        c.mail.smtp_host = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_SMTP_PORT", "mail.smtp_port", |c, v| {
        c.mail.smtp_port = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_SMTP_TLS", "mail.smtp_tls", |c, v| {
        c.mail.smtp_tls = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_SMTP_USERNAME", "mail.smtp_username", |c, v| {
        c.mail.smtp_username = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_SMTP_PASSWORD", "mail.smtp_password", |c, v| {
        c.mail.smtp_password = Secret(v.to_owned());
        Ok(())
    }),
    ("CONTACTDESK_MAIL_MAX_ATTEMPTS", "mail.max_attempts", |c, v| {
        c.mail.max_attempts = parse(v)?;
        Ok(())
    }),
    ("CONTACTDESK_QR_MERCHANT_ID", "qr.merchant_id", |c, v| {
        c.qr.merchant_id = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_QR_MERCHANT_NAME", "qr.merchant_name", |c, v| {
        c.qr.merchant_name = v.to_owned();
        Ok(())
    }),
    ("CONTACTDESK_QR_MERCHANT_CITY", "qr.merchant_city", |c, v| {
        c.qr.merchant_city = v.to_owned();
        Ok(())
    }),
];

impl Config {
    /// Defaults, then the file if it exists, then the environment.
    pub fn load(path: &str) -> Result<Self, ConfigError> {
        let mut config = match std::fs::read_to_string(path) {
            Ok(text) => Self::from_toml(path, &text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::default(),
            Err(source) => return Err(ConfigError::Read { path: path.into(), source }),
        };
        config.apply_env(|key| std::env::var(key).ok())?;
        config.validate()?;
        Ok(config)
    }

    pub fn from_toml(path: &str, text: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::File { path: path.into(), message: e.to_string() })
    }

    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        for (key, _, set) in ENV_OVERRIDES {
            if let Some(value) = get(key) {
                set(self, &value).map_err(|message| ConfigError::Env { key, value, message })?;
            }
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| Err(ConfigError::Invalid { key, message: message.into() });
        if !self.database.url.starts_with("sqlite:") {
            return invalid(
                "database.url",
                "only sqlite:// URLs are supported by this build (PostgreSQL is planned)",
            );
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        if self.auth.session_idle_minutes == 0 || self.auth.session_absolute_hours == 0 {
            return invalid("auth.session_idle_minutes", "session lifetimes must be positive");
        }
        if self.auth.max_failures_per_user == 0 || self.auth.max_failures_per_ip == 0 {
            return invalid("auth.max_failures_per_user", "failure limits must be at least 1");
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid("mail.from", "not an email address (e.g. Payments <payments@example.mu>)");
        }
        if self.mail.transport == MailTransport::Smtp && self.mail.smtp_host.trim().is_empty() {
            return invalid("mail.smtp_host", "required when mail.transport is smtp");
        }
        if self.mail.max_attempts == 0 {
            return invalid("mail.max_attempts", "must be at least 1");
        }
        if let Err(message) = crate::server::qr::check_settings(&self.qr) {
            return Err(ConfigError::Invalid { key: message.0, message: message.1 });
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return invalid("log.level", "not a valid filter (try info or debug)");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_a_fresh_checkout() {
        let c = Config::default();
        assert_eq!(c.database.url, "sqlite://data/contactdesk.db");
        assert_eq!(c.server.site_addr.to_string(), "127.0.0.1:3000");
        assert!(c.validate().is_ok());
    }

    #[test]
    fn unknown_key_in_file_is_named() {
        let err = Config::from_toml("Leptos.toml", "[database]\nurll = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("urll"), "{err}");
    }

    #[test]
    fn bad_env_value_is_named() {
        let mut c = Config::default();
        let err = c.apply_env(|k| (k == "LEPTOS_SITE_ADDR").then(|| "localhost:abc".to_owned())).unwrap_err();
        assert!(err.to_string().contains("LEPTOS_SITE_ADDR"), "{err}");
    }

    #[test]
    fn env_overrides_file() {
        let mut c = Config::from_toml("f", "[database]\nurl = \"sqlite://a.db\"\n").unwrap();
        c.apply_env(|k| match k {
            "CONTACTDESK_DATABASE_URL" => Some("sqlite://b.db".into()),
            "CONTACTDESK_DEMO" => Some("1".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.database.url, "sqlite://b.db");
        assert!(c.demo.seed);
    }

    #[test]
    fn the_shipped_file_is_valid() {
        let c = Config::from_toml("Leptos.toml", include_str!("../../Leptos.toml")).unwrap();
        assert!(c.validate().is_ok());
        assert_eq!(c.mail.transport, MailTransport::Outbox);
    }

    #[test]
    fn smtp_needs_a_host_and_the_password_is_never_printed() {
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "CONTACTDESK_MAIL_TRANSPORT" => Some("smtp".into()),
            "CONTACTDESK_SMTP_PASSWORD" => Some("hunter2".into()),
            _ => None,
        })
        .unwrap();
        assert!(c.validate().unwrap_err().to_string().contains("mail.smtp_host"));
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn unsupported_backend_stops_start_up() {
        let mut c = Config::default();
        c.database.url = "mysql://x".into();
        assert!(c.validate().unwrap_err().to_string().contains("database.url"));
    }
}
