//! Work the server does on its own while it runs: expired sessions and throttle counters
//! nobody remembers any more are removed, so neither table grows with time. Several instances
//! on one database may do it at once: the deletes are idempotent.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{config::AuthSettings, db::Db, time::now_ms};

/// The purge task; it stops when the last handle on the app's state is dropped.
#[derive(Debug)]
pub struct Housekeeper(JoinHandle<()>);

impl Housekeeper {
    /// Purges at once (what a stopped server left), then every `purge_every_seconds`.
    pub fn start(db: Db, auth: &AuthSettings) -> Self {
        let every = Duration::from_secs(auth.purge_every_seconds);
        let idle = auth.idle().as_millis() as i64;
        let absolute = auth.absolute().as_millis() as i64;
        let memory = auth.failure_memory().as_millis() as i64;
        Self(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let now = now_ms();
                match db.delete_expired_sessions(now - idle, now - absolute).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(removed = n, "expired sessions removed"),
                    Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
                }
                if let Err(e) = db.purge_sign_in_throttle(now - memory, now).await {
                    tracing::warn!(error = %e, "could not purge sign-in throttle counters");
                }
            }
        }))
    }
}

impl Drop for Housekeeper {
    fn drop(&mut self) {
        self.0.abort();
    }
}
