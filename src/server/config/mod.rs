//! Settings: built-in defaults, then `Leptos.toml`, then environment variables.
//!
//! A key that is unknown, or a value that does not parse, stops start-up with a message that
//! names the key, so a typo never silently falls back to a default.

mod env;
mod network;
mod sections;

use serde::Deserialize;

pub use env::ENV_OVERRIDES;
pub use network::{AddressList, PublicOrigin, canonical};
pub use sections::*;

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
    pub business: BusinessSettings,
    pub uploads: UploadSettings,
    pub metrics: MetricsSettings,
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
        if self.uploads.max_bytes == 0 || self.uploads.idle_timeout_seconds == 0 {
            return invalid("uploads.max_bytes", "the upload limit and idle timeout must be positive");
        }
        if self.uploads.max_seconds < self.uploads.idle_timeout_seconds {
            return invalid("uploads.max_seconds", "must be at least uploads.idle_timeout_seconds");
        }
        if self.uploads.max_per_token == 0 || self.uploads.max_concurrent < self.uploads.max_per_token {
            return invalid(
                "uploads.max_concurrent",
                "uploads.max_per_token must be at least 1 and uploads.max_concurrent at least that",
            );
        }
        if self.server.header_read_timeout_seconds == 0 {
            return invalid("server.header_read_timeout_seconds", "must be at least 1");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        if self.auth.session_idle_minutes == 0 || self.auth.session_absolute_hours == 0 {
            return invalid("auth.session_idle_minutes", "session lifetimes must be positive");
        }
        if let Some((key, replacement)) = self.auth.replaced_keys() {
            return invalid(key, replacement);
        }
        if self.auth.backoff_max_seconds == 0 || self.auth.address_delay_max_seconds == 0 {
            return invalid("auth.backoff_max_seconds", "the longest waits must be at least 1 second");
        }
        if self.auth.failure_memory_hours == 0 {
            return invalid("auth.failure_memory_hours", "must be at least 1");
        }
        if self.auth.max_concurrent_hashes == 0 {
            return invalid("auth.max_concurrent_hashes", "must be at least 1");
        }
        if self.auth.device_cookie_days == 0 {
            return invalid("auth.device_cookie_days", "must be at least 1");
        }
        if self.auth.purge_every_seconds == 0 {
            return invalid("auth.purge_every_seconds", "must be at least 1");
        }
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid("mail.from", "not an email address (e.g. Payments <payments@example.mu>)");
        }
        if self.mail.delivers() && self.mail.smtp_host.trim().is_empty() {
            return invalid("mail.smtp_host", "required when mail.transport is smtp");
        }
        if self.mail.max_attempts == 0 {
            return invalid("mail.max_attempts", "must be at least 1");
        }
        if self.mail.retry_seconds == 0 {
            return invalid("mail.retry_seconds", "must be at least 1");
        }
        if self.mail.lease_seconds < 60 {
            return invalid("mail.lease_seconds", "must be at least 60 (longer than one delivery attempt)");
        }
        self.qr.check()?;
        if let Err(message) = crate::server::time::parse_zone(&self.business.time_zone) {
            return invalid("business.time_zone", &message);
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
    fn enum_settings_take_the_file_s_words_from_the_environment() {
        let mut c = Config::default();
        c.apply_env(|k| (k == "CONTACTDESK_SMTP_TLS").then(|| "tls".to_owned())).unwrap();
        assert_eq!(c.mail.smtp_tls, SmtpTls::Tls);
        let err =
            c.apply_env(|k| (k == "CONTACTDESK_COOKIE_SECURE").then(|| "sometimes".to_owned())).unwrap_err();
        assert!(
            err.to_string().contains("CONTACTDESK_COOKIE_SECURE") && err.to_string().contains("always"),
            "{err}"
        );
    }

    #[test]
    fn the_shipped_file_is_valid() {
        let c = Config::from_toml("Leptos.toml", include_str!("../../../Leptos.toml")).unwrap();
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
    fn replaced_throttling_keys_name_their_replacement() {
        let c = Config::from_toml("f", "[auth]\nmax_failures_per_user = 5\n").unwrap();
        let err = c.validate().unwrap_err().to_string();
        assert!(
            err.contains("auth.max_failures_per_user") && err.contains("auth.user_free_failures"),
            "{err}"
        );
        let mut c = Config::default();
        c.apply_env(|k| (k == "CONTACTDESK_MAX_FAILURES_PER_IP").then(|| "20".to_owned())).unwrap();
        let err = c.validate().unwrap_err().to_string();
        assert!(err.contains("auth.address_free_failures"), "{err}");
    }

    #[test]
    fn proxies_and_origin_come_from_file_and_environment() {
        let mut c = Config::from_toml(
            "f",
            "[server]\ntrusted_proxies = [\"10.0.0.0/8\"]\npublic_origin = \"https://cd.example.mu\"\n",
        )
        .unwrap();
        assert!(c.server.trusted_proxies.contains("10.2.3.4".parse().unwrap()));
        assert_eq!(c.server.public_origin.as_ref().unwrap().as_str(), "https://cd.example.mu");
        c.apply_env(|k| (k == "CONTACTDESK_TRUSTED_PROXIES").then(|| "127.0.0.1, ::1".to_owned())).unwrap();
        assert!(!c.server.trusted_proxies.contains("10.2.3.4".parse().unwrap()));
        let err = Config::from_toml("f", "[server]\npublic_origin = \"cd.example.mu\"\n").unwrap_err();
        assert!(err.to_string().contains("public_origin"), "{err}");
    }

    #[test]
    fn unsupported_backend_stops_start_up() {
        let mut c = Config::default();
        c.database.url = "mysql://x".into();
        assert!(c.validate().unwrap_err().to_string().contains("database.url"));
    }
}
