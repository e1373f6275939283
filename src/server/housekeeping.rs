//! Work the server does on its own while it runs: expired sessions and throttle counters
//! nobody remembers any more are removed, so neither table grows with time, and a recording a
//! crash left without its call log is cleared, so nobody has to run a repair. Several
//! instances on one database may do it at once: every step is idempotent.

use std::time::Duration;

use tokio::task::JoinHandle;

use super::{config::Config, db::Db, storage::AudioStorage, time::now_ms};

/// The purge task; it stops when the last handle on the app's state is dropped.
#[derive(Debug)]
pub struct Housekeeper(JoinHandle<()>);

impl Housekeeper {
    /// Purges at once (what a stopped server left), then every `purge_every_seconds`.
    pub fn start(db: Db, recordings: AudioStorage, config: &Config) -> Self {
        let auth = &config.auth;
        let orphan_grace = config.uploads.orphan_grace_seconds as i64 * 1000;
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
                match clear_orphans(&db, &recordings, now - orphan_grace).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::warn!(removed = n, "recordings left without a call log by a crash removed")
                    }
                    Err(e) => tracing::warn!(error = %e, "could not clear recordings left by a crash"),
                }
            }
        }))
    }
}

/// Removes the files of recordings noted before `before` whose call log was never committed;
/// forgets the notes of those that were. The number of files removed.
async fn clear_orphans(db: &Db, recordings: &AudioStorage, before: i64) -> Result<usize, String> {
    let stale = db.stale_recording_intents(before).await.map_err(|e| e.to_string())?;
    let mut removed = 0;
    for (key, has_call) in stale {
        if !has_call {
            recordings.delete(&key).await.map_err(|e| format!("{key}: {e}"))?;
            removed += 1;
        }
        db.remove_recording_intent(&key).await.map_err(|e| e.to_string())?;
    }
    Ok(removed)
}

impl Drop for Housekeeper {
    fn drop(&mut self) {
        self.0.abort();
    }
}
