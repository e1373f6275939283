//! Signing in without letting anyone lock others out or guess at speed.
//!
//! Three counters, each in the database (shared by every instance), each checked and counted
//! in one atomic step before the password is hashed:
//!
//! | counter | key | free failures | then |
//! |---|---|---|---|
//! | username and client | `p:<username>|a:<address>` or `p:<username>|d:<device>` | 0 | 429, waits 1 s doubling to `backoff_max_seconds` |
//! | address | `a:<address>` | `address_free_failures` | 429, waits 1 s doubling to `address_delay_max_seconds` (a delay, never a lock-out) |
//! | username | `u:<username>` | `user_free_failures` | 429, waits 1 s doubling to `backoff_max_seconds` |
//!
//! A browser that signed in as the user before shows it with a signed device cookie (OWASP's
//! "device cookies"): its attempts are counted against that device alone, so nobody else's
//! failures — from any address, behind any proxy — keep it out. Each username-and-address
//! counter feeds the username's only with its first [`FEEDS_USER`] failures: one address alone
//! is slowed by its own counter and cannot lock the username for everyone else.
//!
//! Password checks run on the blocking pool, at most `max_concurrent_hashes` at once (each
//! takes 19 MiB); the server never sleeps on a request.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::sync::Semaphore;

use super::{
    AppState,
    auth::{AuthUser, hash_password, verify_password},
    config::AuthSettings,
    db::throttle::{Admission, Counter, Rule},
    device::Device,
    error::internal,
    time::now_ms,
};
use crate::error::AppError;

/// Passwords beyond this are refused before hashing: hashing megabytes is a denial of service.
const MAX_PASSWORD_BYTES: usize = 1024;
/// How many failures of one username-and-address counter also count for the username.
const FEEDS_USER: i64 = 3;
/// An address's failures are forgotten after this long without one: its delay is a brake on
/// a burst, not a record.
const ADDRESS_MEMORY_MS: i64 = 15 * 60 * 1000;
/// How long an attempt waits for a free hashing slot before it is asked to retry.
const HASH_QUEUE_WAIT: Duration = Duration::from_secs(5);

/// The bound on concurrent password hashes, and a count of the hashes run (for tests and the
/// operator's figures).
#[derive(Clone, Debug)]
pub struct PasswordGate {
    slots: Arc<Semaphore>,
    run: Arc<AtomicU64>,
    running: Arc<AtomicU64>,
    peak: Arc<AtomicU64>,
}

impl PasswordGate {
    pub fn new(max_concurrent: u32) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max_concurrent as usize)),
            run: Arc::new(AtomicU64::new(0)),
            running: Arc::new(AtomicU64::new(0)),
            peak: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The most verifications that ever ran at once.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// Password verifications started since the server did.
    pub fn hashes_run(&self) -> u64 {
        self.run.load(Ordering::Relaxed)
    }

    /// Verifies `password` against `hash` on the blocking pool, once a slot is free.
    async fn verify(&self, password: String, hash: String) -> Result<bool, AppError> {
        let Ok(Ok(_slot)) = tokio::time::timeout(HASH_QUEUE_WAIT, self.slots.acquire()).await else {
            return Err(AppError::TooManyRequests {
                message: "Many people are signing in at this moment. Please try again in a second.".into(),
                retry_after: 1,
            });
        };
        self.run.fetch_add(1, Ordering::Relaxed);
        let now_running = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now_running, Ordering::SeqCst);
        let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        verified.map_err(|e| internal("password verification task", e))
    }
}

/// A hash to verify against when the username is unknown, so both cases take the same time.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password, only for timing").unwrap_or_default())
}

/// Who is trying to sign in, as far as throttling is concerned.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub client_ip: &'a str,
    /// The browser's device cookie, if it carried a valid one.
    pub device: Option<&'a Device>,
}

/// The counters an attempt is checked against: the pair first (see the module's table).
fn counters(auth: &AuthSettings, key: &str, attempt: &Attempt<'_>) -> Vec<Counter> {
    let backoff = Rule {
        free: 0,
        max_wait_ms: auth.backoff_max_seconds as i64 * 1000,
        memory_ms: auth.failure_memory().as_millis() as i64,
    };
    if let Some(device) = attempt.device.filter(|d| d.knows(key)) {
        return vec![Counter { key: format!("p:{key}|d:{}", device.id()), rule: backoff, fed_up_to: None }];
    }
    let ip = address_key(attempt.client_ip);
    vec![
        Counter { key: format!("p:{key}|a:{ip}"), rule: backoff, fed_up_to: None },
        Counter {
            key: format!("a:{ip}"),
            rule: Rule {
                free: auth.address_free_failures,
                max_wait_ms: auth.address_delay_max_seconds as i64 * 1000,
                memory_ms: ADDRESS_MEMORY_MS,
            },
            fed_up_to: None,
        },
        Counter {
            key: format!("u:{key}"),
            rule: Rule { free: auth.user_free_failures, ..backoff },
            fed_up_to: Some(FEEDS_USER),
        },
    ]
}

/// The address as throttling counts it: an IPv6 client is its /64 (one subscriber's network,
/// which holds more addresses than anyone could count), an IPv4 client its address.
fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => ip.to_owned(),
    }
}

/// Checks the throttle, then the password. The user is returned only for the right password
/// of an active account; the caller starts the session.
pub async fn check(state: &AppState, attempt: Attempt<'_>) -> Result<AuthUser, AppError> {
    let key: String = attempt.username.trim().to_lowercase().chars().take(64).collect();
    let now = now_ms();
    let counters = counters(&state.config.auth, &key, &attempt);
    let counted = match state.db.admit_sign_in(&counters, now).await? {
        Admission::Admitted { counted } => counted,
        Admission::Refused { until } => {
            let seconds = ((until - now).max(0) + 999) / 1000;
            tracing::warn!(username = %key, ip = attempt.client_ip, wait_seconds = seconds, "sign-in throttled");
            return Err(AppError::TooManyRequests {
                message: wait_message(seconds),
                retry_after: seconds as u64,
            });
        }
    };

    let user = if attempt.password.len() > MAX_PASSWORD_BYTES || key.is_empty() {
        None
    } else {
        state.db.user_by_username(&key).await?
    };
    let hash = user.as_ref().map_or_else(|| dummy_hash().to_owned(), |u| u.password_hash.clone());
    let verified = state.passwords.verify(attempt.password.to_owned(), hash).await;
    let password_ok = match verified {
        Ok(ok) => ok,
        Err(e) => {
            // Never checked: the attempt does not count.
            state.db.refund_sign_in(&counted, false).await?;
            return Err(e);
        }
    };
    match user {
        Some(u) if password_ok && u.active => {
            state.db.refund_sign_in(&counted, true).await?;
            let role = u.role();
            Ok(AuthUser { id: u.id, username: u.username, name: u.name, role })
        }
        _ => {
            tracing::info!(username = %key, ip = attempt.client_ip, "sign-in failed");
            Err(AppError::BadCredentials)
        }
    }
}

/// "Try again in 3 seconds." / "… in 15 minutes."
fn wait_message(seconds: i64) -> String {
    let (n, unit) = if seconds < 120 { (seconds.max(1), "second") } else { ((seconds + 59) / 60, "minute") };
    format!("Too many failed sign-in attempts. Try again in {n} {unit}{}.", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_said_in_seconds_then_minutes() {
        assert_eq!(wait_message(1), "Too many failed sign-in attempts. Try again in 1 second.");
        assert_eq!(wait_message(30), "Too many failed sign-in attempts. Try again in 30 seconds.");
        assert_eq!(wait_message(900), "Too many failed sign-in attempts. Try again in 15 minutes.");
    }

    #[test]
    fn a_known_device_is_counted_alone_and_others_by_pair_address_and_username() {
        let auth = AuthSettings::default();
        let attempt = Attempt { username: "jean", password: "x", client_ip: "10.0.0.1", device: None };
        let keys: Vec<String> = counters(&auth, "jean", &attempt).into_iter().map(|c| c.key).collect();
        assert_eq!(keys, ["p:jean|a:10.0.0.1", "a:10.0.0.1", "u:jean"]);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_network() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
    }
}
