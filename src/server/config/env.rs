//! Environment variables that override `Leptos.toml`, one entry per key.

use std::{path::PathBuf, str::FromStr};

use serde::de::{DeserializeOwned, value::StrDeserializer};

use super::{Config, Secret};

pub type Setter = fn(&mut Config, &str) -> Result<(), String>;

fn parse<T: FromStr>(value: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    value.parse::<T>().map_err(|e| e.to_string())
}

/// One of an enum's lower-case names (`auto`, `smtp`, …), the same words the file takes.
fn parse_choice<T: DeserializeOwned>(value: &str) -> Result<T, String> {
    T::deserialize(StrDeserializer::<serde::de::value::Error>::new(value)).map_err(|e| e.to_string())
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
        c.auth.cookie_secure = parse_choice(v)?;
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
        c.log.format = parse_choice(v)?;
        Ok(())
    }),
    ("CONTACTDESK_DEMO", "demo.seed", |c, v| {
        c.demo.seed = parse_bool(v)?;
        Ok(())
    }),
    ("CONTACTDESK_MAIL_TRANSPORT", "mail.transport", |c, v| {
        c.mail.transport = parse_choice(v)?;
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
        c.mail.smtp_tls = parse_choice(v)?;
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
