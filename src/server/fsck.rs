//! `contactdesk fsck`: is the database whole (SQLite's integrity check), does every call log's
//! recording exist, whole and unchanged, and does every stored file belong to a call log?

use std::collections::HashSet;

use super::{db::Db, storage::AudioStorage};

/// What `fsck` found; any entry in the three lists is a problem.
#[derive(Debug, Default)]
pub struct FsckReport {
    /// The database's own check: `ok`, or what is wrong.
    pub integrity: String,
    pub checked: usize,
    /// (call log id, key): the file is gone.
    pub missing: Vec<(i64, String)>,
    /// (call log id, key, what differs): the file is there but not what was stored.
    pub changed: Vec<(i64, String, String)>,
    /// Files no call log refers to.
    pub orphans: Vec<String>,
}

impl FsckReport {
    pub fn is_clean(&self) -> bool {
        self.integrity == "ok"
            && self.missing.is_empty()
            && self.changed.is_empty()
            && self.orphans.is_empty()
    }
}

/// Reads every recording through (sizes first, then the SHA-256 of those of the right size).
pub async fn check(db: &Db, storage: &AudioStorage) -> Result<FsckReport, String> {
    let integrity = db.integrity_check().await.map_err(|e| format!("cannot check the database: {e}"))?;
    let index = db.call_audio_index().await.map_err(|e| format!("cannot read the call logs: {e}"))?;
    let mut report = FsckReport { integrity, checked: index.len(), ..FsckReport::default() };
    let mut known = HashSet::with_capacity(index.len());
    for (id, key, size, sha256) in index {
        known.insert(key.clone());
        match storage.size_of(&key).await {
            Ok(None) => report.missing.push((id, key)),
            Err(e) => report.changed.push((id, key, format!("cannot be read: {e}"))),
            Ok(Some(actual)) if actual != size as u64 => {
                report.changed.push((id, key, format!("size {actual} bytes, recorded {size}")));
            }
            Ok(Some(_)) => match storage.sha256_of(&key).await {
                Ok(actual) if actual == sha256 => {}
                Ok(actual) => report.changed.push((id, key, format!("SHA-256 {actual}, recorded {sha256}"))),
                Err(e) => report.changed.push((id, key, format!("cannot be read: {e}"))),
            },
        }
    }
    let stored = storage.list().await.map_err(|e| format!("cannot list the recordings: {e}"))?;
    report.orphans = stored.into_iter().map(|o| o.key).filter(|k| !known.contains(k)).collect();
    Ok(report)
}
