//! The sections of `Leptos.toml`, each with its defaults.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use serde::Deserialize;

use super::{AddressList, ConfigError, PublicOrigin};

/// How the session cookie's `Secure` flag is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CookieSecure {
    /// Secure when the request reached us over HTTPS (`X-Forwarded-Proto: https` from the proxy).
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
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
    /// A client that has not sent a whole request head within this long is disconnected.
    pub header_read_timeout_seconds: u64,
    /// Reverse proxies whose `X-Forwarded-For`/`-Proto` are believed; nobody else's are.
    pub trusted_proxies: AddressList,
    /// What people type to reach the app (`https://contactdesk.example.mu`): the only `Origin`
    /// a state-changing request may come from, and whether cookies are `Secure`. Unset, the
    /// request's own `Host` and scheme stand in (fine without a proxy).
    pub public_origin: Option<PublicOrigin>,
}

impl ServerSettings {
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_seconds)
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: PathBuf::from("target/site"),
            shutdown_grace_seconds: 10,
            header_read_timeout_seconds: 10,
            trusted_proxies: AddressList::default(),
            public_origin: None,
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
    /// Free space kept for the database: below it, uploads and imports answer 507 while
    /// contact-update saves (small) keep working.
    pub min_free_bytes: u64,
}

impl Default for StorageSettings {
    fn default() -> Self {
        Self { data_dir: PathBuf::from("data"), min_free_bytes: 1024 * 1024 * 1024 }
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
    /// Per username and client: after each failed sign-in the next attempt waits 1 s, then
    /// 2 s, 4 s … up to this.
    pub backoff_max_seconds: u64,
    /// Per username, across addresses: failures allowed before attempts from browsers that
    /// never signed in as that user are rate-limited (1 s doubling up to `backoff_max_seconds`).
    pub user_free_failures: u32,
    /// Per client address, across usernames: failures allowed before each attempt from that
    /// address is delayed (1 s doubling up to `address_delay_max_seconds`, never refused longer).
    pub address_free_failures: u32,
    pub address_delay_max_seconds: u64,
    /// Failure counts with no new failure for this long are forgotten.
    pub failure_memory_hours: u64,
    /// Password hashes (19 MiB and tens of milliseconds each) that may run at once.
    pub max_concurrent_hashes: u32,
    /// How long a browser that signed in is remembered as that user's device (exempt from
    /// the per-username limit others' failures cause).
    pub device_cookie_days: u64,
    /// How often expired sessions and forgotten throttle counters are purged while running.
    pub purge_every_seconds: u64,
    /// Replaced settings, kept only to name their replacement at start-up.
    #[serde(default)]
    pub max_failures_per_user: Option<u32>,
    #[serde(default)]
    pub max_failures_per_ip: Option<u32>,
    #[serde(default)]
    pub failure_window_minutes: Option<u64>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            cookie_secure: CookieSecure::Auto,
            backoff_max_seconds: 900,
            user_free_failures: 10,
            address_free_failures: 10,
            address_delay_max_seconds: 30,
            failure_memory_hours: 24,
            max_concurrent_hashes: 4,
            device_cookie_days: 365,
            purge_every_seconds: 300,
            max_failures_per_user: None,
            max_failures_per_ip: None,
            failure_window_minutes: None,
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
    /// How long a device cookie is valid, in seconds.
    pub fn device_cookie_max_age(&self) -> i64 {
        self.device_cookie_days as i64 * 86_400
    }
    pub fn failure_memory(&self) -> Duration {
        Duration::from_secs(self.failure_memory_hours * 3600)
    }

    /// The replaced throttling keys still set, each with what replaced it.
    pub fn replaced_keys(&self) -> Option<(&'static str, &'static str)> {
        if self.max_failures_per_user.is_some() {
            return Some((
                "auth.max_failures_per_user",
                "it was replaced by auth.user_free_failures (failures per username across addresses \
                 before browsers new to that user are rate-limited) and auth.backoff_max_seconds \
                 (per username and address, waits double from 1 s up to this)",
            ));
        }
        if self.max_failures_per_ip.is_some() {
            return Some((
                "auth.max_failures_per_ip",
                "it was replaced by auth.address_free_failures and auth.address_delay_max_seconds \
                 (an address is slowed, never locked out)",
            ));
        }
        if self.failure_window_minutes.is_some() {
            return Some(("auth.failure_window_minutes", "it was replaced by auth.failure_memory_hours"));
        }
        None
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
pub struct MetricsSettings {
    /// Addresses (or CIDR blocks) that may read `/metrics` without signing in: the
    /// Prometheus server's. Admins may read it anyway.
    pub allow: AddressList,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoSettings {
    /// Seed demo users and customers when the database has no users yet.
    pub seed: bool,
}

/// How the business counts days.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BusinessSettings {
    /// IANA time zone whose midnight turns the business day: the report's date filters, the
    /// dashboard's days, "Updated today" and the times people read.
    pub time_zone: String,
}

impl Default for BusinessSettings {
    fn default() -> Self {
        Self { time_zone: crate::server::time::DEFAULT_TIME_ZONE.to_owned() }
    }
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
    /// The first retry waits this long; each next one twice as long, at most an hour.
    pub retry_seconds: u64,
    /// How long a sender holds the messages it claimed: another instance (sharing the
    /// database) takes them over only after that, if the first one died mid-send.
    pub lease_seconds: u64,
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
            retry_seconds: 30,
            lease_seconds: 300,
        }
    }
}

impl MailSettings {
    /// Whether messages are delivered (a mail server is configured) rather than only kept.
    pub fn delivers(&self) -> bool {
        self.transport == MailTransport::Smtp
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

impl QrSettings {
    /// EMVCo limits of the merchant name and city data objects.
    const MAX_NAME: usize = 25;
    const MAX_CITY: usize = 15;

    /// Checks the merchant data once, at start-up, against what an EMV payload can carry, so
    /// building a payload later cannot fail. Here rather than in `qr` so that the settings do
    /// not depend on the code that uses them.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: String| ConfigError::Invalid { key, message };
        let text = |key: &'static str, value: &str, max: usize| {
            let printable = value.chars().all(|c| c.is_ascii() && !c.is_ascii_control());
            if printable && (1..=max).contains(&value.len()) {
                Ok(())
            } else {
                Err(invalid(key, format!("1 to {max} printable ASCII characters")))
            }
        };
        if !(26..=51).contains(&self.merchant_account_tag) {
            return Err(invalid("qr.merchant_account_tag", "must be between 26 and 51".into()));
        }
        text("qr.merchant_account_guid", &self.merchant_account_guid, 32)?;
        text("qr.merchant_id", &self.merchant_id, 60)?;
        // Both sit in one EMV template of at most 99 characters, with 8 of framing.
        if self.merchant_account_guid.len() + self.merchant_id.len() > 91 {
            return Err(invalid(
                "qr.merchant_id",
                "with qr.merchant_account_guid, at most 91 characters (one EMV template)".into(),
            ));
        }
        let code = &self.merchant_category_code;
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("qr.merchant_category_code", "four digits (6300 for insurance)".into()));
        }
        text("qr.merchant_name", &self.merchant_name, Self::MAX_NAME)?;
        text("qr.merchant_city", &self.merchant_city, Self::MAX_CITY)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_merchant_data_is_named() {
        let qr = QrSettings { merchant_city: "A city name far too long".into(), ..QrSettings::default() };
        let err = qr.check().unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { key: "qr.merchant_city", .. }), "{err}");
        assert!(QrSettings::default().check().is_ok());
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadSettings {
    /// The largest recording accepted, in bytes (a bigger one is refused with 413).
    pub max_bytes: u64,
    /// An upload that sends no bytes for this long is dropped.
    pub idle_timeout_seconds: u64,
    /// However it trickles, an upload taking longer than this is dropped (a long recording on
    /// a weak network takes minutes, not hours).
    pub max_seconds: u64,
    /// Uploads one token (one phone) may run at once; more answer 429.
    pub max_per_token: u32,
    /// Uploads that may run at once in all; more answer 429.
    pub max_concurrent: u32,
    /// A recording noted this long ago and never answered was left by a crash, and is cleared
    /// (an upload moves its file and commits its row within milliseconds).
    pub orphan_grace_seconds: u64,
}

impl Default for UploadSettings {
    fn default() -> Self {
        Self {
            max_bytes: 200 * 1024 * 1024,
            idle_timeout_seconds: 30,
            max_seconds: 3600,
            max_per_token: 4,
            max_concurrent: 64,
            orphan_grace_seconds: 600,
        }
    }
}

impl UploadSettings {
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_seconds)
    }
    pub fn max_duration(&self) -> Duration {
        Duration::from_secs(self.max_seconds)
    }
}
