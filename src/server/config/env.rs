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

fn some<T: FromStr>(value: &str) -> Result<Option<T>, String>
where
    T::Err: std::fmt::Display,
{
    parse(value).map(Some)
}

fn text(value: &str) -> Result<String, String> {
    Ok(value.to_owned())
}

fn path(value: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(value))
}

fn secret(value: &str) -> Result<Secret, String> {
    Ok(Secret(value.to_owned()))
}

/// Rows of `VARIABLE => section.field: parser`; the `Leptos.toml` key is the field's path.
macro_rules! overrides {
    ($($env:literal => $($field:ident).+ : $parse:ident),+ $(,)?) => {
        &[$(($env, stringify!($($field).+), |c, v| {
            c.$($field).+ = $parse(v)?;
            Ok(())
        })),+]
    };
}

/// Every environment override, with the `Leptos.toml` key it replaces (for the README too).
pub const ENV_OVERRIDES: &[(&str, &str, Setter)] = overrides![
    "LEPTOS_SITE_ADDR" => server.site_addr: parse,
    "LEPTOS_SITE_ROOT" => server.site_root: path,
    "CONTACTDESK_SHUTDOWN_GRACE_SECONDS" => server.shutdown_grace_seconds: parse,
    "CONTACTDESK_HEADER_READ_TIMEOUT_SECONDS" => server.header_read_timeout_seconds: parse,
    "CONTACTDESK_TRUSTED_PROXIES" => server.trusted_proxies: parse,
    "CONTACTDESK_PUBLIC_ORIGIN" => server.public_origin: some,
    "CONTACTDESK_DATABASE_URL" => database.url: text,
    "CONTACTDESK_DATABASE_MAX_CONNECTIONS" => database.max_connections: parse,
    "CONTACTDESK_DATABASE_BUSY_TIMEOUT_MS" => database.busy_timeout_ms: parse,
    "CONTACTDESK_DATA_DIR" => storage.data_dir: path,
    "CONTACTDESK_MIN_FREE_BYTES" => storage.min_free_bytes: parse,
    "CONTACTDESK_SESSION_IDLE_MINUTES" => auth.session_idle_minutes: parse,
    "CONTACTDESK_SESSION_ABSOLUTE_HOURS" => auth.session_absolute_hours: parse,
    "CONTACTDESK_COOKIE_SECURE" => auth.cookie_secure: parse_choice,
    "CONTACTDESK_BACKOFF_MAX_SECONDS" => auth.backoff_max_seconds: parse,
    "CONTACTDESK_USER_FREE_FAILURES" => auth.user_free_failures: parse,
    "CONTACTDESK_ADDRESS_FREE_FAILURES" => auth.address_free_failures: parse,
    "CONTACTDESK_ADDRESS_DELAY_MAX_SECONDS" => auth.address_delay_max_seconds: parse,
    "CONTACTDESK_FAILURE_MEMORY_HOURS" => auth.failure_memory_hours: parse,
    "CONTACTDESK_MAX_CONCURRENT_HASHES" => auth.max_concurrent_hashes: parse,
    "CONTACTDESK_DEVICE_COOKIE_DAYS" => auth.device_cookie_days: parse,
    "CONTACTDESK_PURGE_EVERY_SECONDS" => auth.purge_every_seconds: parse,
    // Replaced: accepted only so that start-up can name what replaced them.
    "CONTACTDESK_MAX_FAILURES_PER_USER" => auth.max_failures_per_user: some,
    "CONTACTDESK_MAX_FAILURES_PER_IP" => auth.max_failures_per_ip: some,
    "CONTACTDESK_FAILURE_WINDOW_MINUTES" => auth.failure_window_minutes: some,
    "CONTACTDESK_LOG" => log.level: text,
    "CONTACTDESK_LOG_FORMAT" => log.format: parse_choice,
    "CONTACTDESK_DEMO" => demo.seed: parse_bool,
    "CONTACTDESK_MAIL_TRANSPORT" => mail.transport: parse_choice,
    "CONTACTDESK_MAIL_FROM" => mail.from: text,
    "CONTACTDESK_SMTP_HOST" => mail.smtp_host: text,
    "CONTACTDESK_SMTP_PORT" => mail.smtp_port: parse,
    "CONTACTDESK_SMTP_TLS" => mail.smtp_tls: parse_choice,
    "CONTACTDESK_SMTP_USERNAME" => mail.smtp_username: text,
    "CONTACTDESK_SMTP_PASSWORD" => mail.smtp_password: secret,
    "CONTACTDESK_MAIL_MAX_ATTEMPTS" => mail.max_attempts: parse,
    "CONTACTDESK_MAIL_RETRY_SECONDS" => mail.retry_seconds: parse,
    "CONTACTDESK_MAIL_LEASE_SECONDS" => mail.lease_seconds: parse,
    "CONTACTDESK_QR_MERCHANT_ID" => qr.merchant_id: text,
    "CONTACTDESK_QR_MERCHANT_NAME" => qr.merchant_name: text,
    "CONTACTDESK_QR_MERCHANT_CITY" => qr.merchant_city: text,
    "CONTACTDESK_TIME_ZONE" => business.time_zone: text,
    "CONTACTDESK_UPLOAD_MAX_BYTES" => uploads.max_bytes: parse,
    "CONTACTDESK_UPLOAD_IDLE_TIMEOUT_SECONDS" => uploads.idle_timeout_seconds: parse,
    "CONTACTDESK_UPLOAD_MAX_SECONDS" => uploads.max_seconds: parse,
    "CONTACTDESK_UPLOAD_MAX_PER_TOKEN" => uploads.max_per_token: parse,
    "CONTACTDESK_UPLOAD_MAX_CONCURRENT" => uploads.max_concurrent: parse,
    "CONTACTDESK_UPLOAD_ORPHAN_GRACE_SECONDS" => uploads.orphan_grace_seconds: parse,
    "CONTACTDESK_METRICS_ALLOW" => metrics.allow: parse,
];

#[cfg(test)]
mod tests {
    use super::ENV_OVERRIDES;

    #[test]
    fn each_variable_names_its_file_key() {
        let key = |env: &str| ENV_OVERRIDES.iter().find(|(e, _, _)| *e == env).map(|(_, k, _)| *k);
        assert_eq!(key("CONTACTDESK_SMTP_PORT"), Some("mail.smtp_port"));
        assert_eq!(key("LEPTOS_SITE_ADDR"), Some("server.site_addr"));
        assert!(ENV_OVERRIDES.iter().all(|(_, k, _)| k.split('.').count() == 2 && !k.contains(' ')));
    }
}
