//! Admission of uploads: how many run at once, per token (one phone) and in all, and whether
//! the disk has room. A phone retrying in a loop, or a fleet of them, cannot take every
//! connection, blocking thread and byte of disk; a full disk refuses large writes first, so the
//! small ones that matter most — contact-update saves — keep working.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, Mutex},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::config::UploadSettings;
use crate::error::AppError;

/// What a refused upload is told to wait before trying again, in seconds.
const RETRY_AFTER: u64 = 5;

/// The running uploads, per uploader and in all.
#[derive(Clone, Debug)]
pub struct UploadGate {
    per_uploader: u32,
    max: u32,
    all: Arc<Semaphore>,
    running: Arc<Mutex<HashMap<i64, u32>>>,
}

/// One admitted upload; dropping it (the request done, failed or gone) frees its place.
#[derive(Debug)]
pub struct Slot {
    uploader: i64,
    running: Arc<Mutex<HashMap<i64, u32>>>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = running.get_mut(&self.uploader) {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.uploader);
            }
        }
    }
}

impl UploadGate {
    pub fn new(settings: &UploadSettings) -> Self {
        Self {
            per_uploader: settings.max_per_token,
            max: settings.max_concurrent,
            all: Arc::new(Semaphore::new(settings.max_concurrent as usize)),
            running: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Uploads being received now.
    pub fn running(&self) -> usize {
        (self.max as usize).saturating_sub(self.all.available_permits())
    }

    /// A place for one more upload by `uploader` (a token's id, or a session's), or 429.
    pub fn enter(&self, uploader: i64) -> Result<Slot, AppError> {
        let busy = |message: String| AppError::TooManyRequests { message, retry_after: RETRY_AFTER };
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let mine = running.entry(uploader).or_insert(0);
        if *mine >= self.per_uploader {
            return Err(busy(format!(
                "This phone already has {} uploads in progress; send this one when one of them is done.",
                self.per_uploader
            )));
        }
        let permit = Arc::clone(&self.all).try_acquire_owned().map_err(|_| {
            busy("The server is taking as many uploads as it can; try again in a few seconds.".into())
        })?;
        *mine += 1;
        Ok(Slot { uploader, running: Arc::clone(&self.running), _permit: permit })
    }
}

/// 507 unless the disk holding `dir` keeps `reserve` bytes free after `incoming` more.
pub fn ensure_room(dir: &Path, reserve: u64, incoming: u64) -> Result<(), AppError> {
    let available = match rustix::fs::statvfs(dir) {
        Ok(s) => s.f_bavail.saturating_mul(s.f_frsize),
        Err(e) => {
            // Unknown is not full: the write itself will say if it is.
            tracing::warn!(error = %e, dir = %dir.display(), "could not read the free space");
            return Ok(());
        }
    };
    if available < reserve.saturating_add(incoming) {
        tracing::warn!(available, reserve, incoming, "refused for lack of disk space");
        return Err(AppError::InsufficientStorage(
            "The server's disk is nearly full: large uploads and imports are refused until space is made. \
             Nothing was stored; try again later."
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_uploader_gets_its_share_and_a_place_comes_back_when_its_upload_ends() {
        let gate = UploadGate::new(&UploadSettings {
            max_per_token: 2,
            max_concurrent: 3,
            ..UploadSettings::default()
        });
        let a1 = gate.enter(1).unwrap();
        let _a2 = gate.enter(1).unwrap();
        let refused = gate.enter(1).unwrap_err();
        assert_eq!((refused.status(), refused.retry_after()), (429, Some(RETRY_AFTER)));
        let _b1 = gate.enter(2).unwrap();
        assert_eq!(gate.enter(3).unwrap_err().status(), 429, "three in all");
        drop(a1);
        let _c1 = gate.enter(3).unwrap();
    }

    #[test]
    fn a_disk_without_the_reserve_refuses_with_507() {
        let dir = std::env::temp_dir();
        assert!(ensure_room(&dir, 0, 0).is_ok());
        assert_eq!(ensure_room(&dir, u64::MAX / 2, 0).unwrap_err().status(), 507);
    }
}
