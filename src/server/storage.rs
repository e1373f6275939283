//! Where call recordings live, behind one narrow interface: stage a stream (hashed and counted
//! as it arrives), commit it under a key, open a byte range, delete, list. Today a local folder;
//! an S3-compatible store is another [`Backend`] variant, and the upload route does not change.
//!
//! Durability: a staged file is written to `<root>/.tmp/`, fsynced, renamed into place and its
//! folder fsynced before the commit returns, so a recording acknowledged with 201 survives a
//! power cut. A staged file that is never committed (refused, interrupted) is deleted on drop,
//! and what a crash left in `.tmp/` is removed at start once it is older than the upload idle
//! timeout (so an instance starting beside another, or `fsck`, never cuts off an upload).

use std::{
    io,
    path::{Component, Path, PathBuf},
};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// The staging folder's name, inside the root; never a key.
const TEMP_DIR: &str = ".tmp";

#[derive(Clone, Debug)]
enum Backend {
    Local { root: PathBuf },
}

/// The recordings store; clones share it.
#[derive(Clone, Debug)]
pub struct AudioStorage {
    backend: Backend,
}

/// A stored object as [`AudioStorage::list`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    pub key: String,
    pub size: u64,
}

impl AudioStorage {
    /// A store in the local folder `root`, created if missing. Opening never touches what is
    /// there: `fsck` or a second instance opens the store while uploads are being received.
    pub async fn local(root: PathBuf) -> io::Result<Self> {
        tokio::fs::create_dir_all(root.join(TEMP_DIR)).await?;
        Ok(Self { backend: Backend::Local { root } })
    }

    /// Removes the temporary files of uploads that a crash or a lost connection left behind:
    /// those unwritten for longer than `idle`. An upload still being received writes at least
    /// once per upload idle timeout (or is cut off), so with that timeout as `idle` another
    /// instance's uploads in progress on shared storage are left alone.
    pub async fn remove_abandoned(&self, idle: std::time::Duration) -> io::Result<usize> {
        let Backend::Local { root } = &self.backend;
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(root.join(TEMP_DIR)).await?;
        while let Some(entry) = entries.next_entry().await? {
            let modified = entry.metadata().await?.modified()?;
            if modified.elapsed().is_ok_and(|age| age > idle) {
                match tokio::fs::remove_file(entry.path()).await {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        if removed > 0 {
            tracing::info!(removed, "removed the temporary files of interrupted uploads");
        }
        Ok(removed)
    }

    /// Starts receiving an object: bytes go to a temporary file while they are hashed.
    pub async fn stage(&self) -> io::Result<Staging> {
        let Backend::Local { root } = &self.backend;
        let temp = tempfile::Builder::new().prefix("upload-").tempfile_in(root.join(TEMP_DIR))?;
        let (file, path) = temp.into_parts();
        Ok(Staging {
            file: tokio::fs::File::from_std(file),
            path,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(HEAD_BYTES),
        })
    }

    /// The byte range `start..start+len` of `key` (the whole object from `start` when `len` is
    /// `None`), and the object's total size.
    pub async fn open_range(
        &self,
        key: &str,
        start: u64,
        len: Option<u64>,
    ) -> io::Result<(impl tokio::io::AsyncRead + Send + Unpin + 'static, u64)> {
        let mut file = tokio::fs::File::open(self.path_of(key)?).await?;
        let size = file.metadata().await?.len();
        file.seek(io::SeekFrom::Start(start)).await?;
        let len = len.unwrap_or(size.saturating_sub(start));
        Ok((file.take(len), size))
    }

    /// The size of `key`, or `None` if it is not stored.
    pub async fn size_of(&self, key: &str) -> io::Result<Option<u64>> {
        match tokio::fs::metadata(self.path_of(key)?).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The SHA-256 (hex) of a stored object, reading it through.
    pub async fn sha256_of(&self, key: &str) -> io::Result<String> {
        let (mut reader, _) = self.open_range(key, 0, None).await?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hex(&hasher.finalize()))
    }

    pub async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every stored object (the staging folder left out), for `fsck`.
    pub async fn list(&self) -> io::Result<Vec<StoredObject>> {
        let Backend::Local { root } = &self.backend;
        let mut out = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            let mut entries = tokio::fs::read_dir(&dir).await?;
            while let Some(entry) = entries.next_entry().await? {
                let path = entry.path();
                let kind = entry.file_type().await?;
                if kind.is_dir() {
                    if path != root.join(TEMP_DIR) {
                        dirs.push(path);
                    }
                } else if let Ok(rel) = path.strip_prefix(root) {
                    let key = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    out.push(StoredObject { key, size: entry.metadata().await?.len() });
                }
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// The file of `key`: relative, `/`-separated, no `..`, never the staging folder.
    fn path_of(&self, key: &str) -> io::Result<PathBuf> {
        let Backend::Local { root } = &self.backend;
        let rel = Path::new(key);
        let safe = !key.is_empty()
            && rel.components().all(|c| matches!(c, Component::Normal(_)))
            && !key.starts_with(TEMP_DIR);
        if !safe {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("invalid storage key {key:?}")));
        }
        Ok(root.join(rel))
    }
}

/// How many leading bytes are kept for recognising the file type.
pub const HEAD_BYTES: usize = 512;

/// An object being received; deleted on drop unless committed.
pub struct Staging {
    file: tokio::fs::File,
    path: tempfile::TempPath,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl Staging {
    pub async fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.file.write_all(chunk).await
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes received (up to [`HEAD_BYTES`]).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Flushes the file to disk and returns what was received.
    pub async fn finish(mut self) -> io::Result<Staged> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        Ok(Staged { path: self.path, size: self.size, sha256: hex(&self.hasher.finalize()) })
    }
}

/// A complete, fsynced object waiting for its key; deleted on drop unless committed.
pub struct Staged {
    path: tempfile::TempPath,
    pub size: u64,
    pub sha256: String,
}

impl Staged {
    /// Moves the object into place under `key` and makes the move durable.
    pub async fn commit(self, storage: &AudioStorage, key: &str) -> io::Result<()> {
        let target = storage.path_of(key)?;
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&dir).await?;
        let temp = self.path;
        tokio::task::spawn_blocking(move || -> io::Result<()> {
            temp.persist(&target).map_err(|e| e.error)?;
            // The rename is durable only once the folder holding the new name is.
            std::fs::File::open(&dir)?.sync_all()
        })
        .await
        .map_err(io::Error::other)?
    }
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn staged_objects_are_committed_or_gone() {
        let dir = tempfile::tempdir().unwrap();
        let store = AudioStorage::local(dir.path().join("rec")).await.unwrap();
        let mut s = store.stage().await.unwrap();
        s.write(b"hello ").await.unwrap();
        s.write(b"world").await.unwrap();
        assert_eq!(s.head(), b"hello world");
        let staged = s.finish().await.unwrap();
        assert_eq!(staged.size, 11);
        assert_eq!(staged.sha256, hex(&Sha256::digest(b"hello world")));
        staged.commit(&store, "calls/2026/11/a.wav").await.unwrap();

        let dropped = store.stage().await.unwrap();
        drop(dropped);
        let mut left = store.stage().await.unwrap();
        left.write(b"x").await.unwrap();
        drop(left.finish().await.unwrap());

        let listed = store.list().await.unwrap();
        assert_eq!(listed, vec![StoredObject { key: "calls/2026/11/a.wav".into(), size: 11 }]);
        let (mut r, size) = store.open_range("calls/2026/11/a.wav", 6, Some(3)).await.unwrap();
        let mut got = String::new();
        r.read_to_string(&mut got).await.unwrap();
        assert_eq!((got.as_str(), size), ("wor", 11));
        assert_eq!(
            store.sha256_of("calls/2026/11/a.wav").await.unwrap(),
            hex(&Sha256::digest(b"hello world"))
        );
        assert!(store.path_of("../etc/passwd").is_err());
        assert!(store.path_of(".tmp/x").is_err());
        assert!(store.path_of("/abs").is_err());
        store.delete("calls/2026/11/a.wav").await.unwrap();
        assert!(store.list().await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn abandoned_uploads_are_removed_and_uploads_in_progress_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = AudioStorage::local(dir.path().to_path_buf()).await.unwrap();
        let temp = dir.path().join(TEMP_DIR);
        std::mem::forget(store.stage().await.unwrap()); // a crash: the temporary file stays behind
        let old = std::fs::read_dir(&temp).unwrap().next().unwrap().unwrap().path();
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&old).unwrap().set_modified(an_hour_ago).unwrap();
        let mut receiving = store.stage().await.unwrap();
        receiving.write(b"RIFF").await.unwrap();

        // Opening the store (fsck, a second instance) removes nothing.
        AudioStorage::local(dir.path().to_path_buf()).await.unwrap();
        assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 2);

        let removed = store.remove_abandoned(std::time::Duration::from_secs(60)).await.unwrap();

        assert_eq!(removed, 1);
        assert!(!old.exists(), "the abandoned file is gone");
        assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 1, "the upload in progress stays");
        receiving.finish().await.unwrap().commit(&store, "calls/a.wav").await.unwrap();
        assert_eq!(store.size_of("calls/a.wav").await.unwrap(), Some(4));
    }
}
