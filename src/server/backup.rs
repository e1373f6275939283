//! `contactdesk backup` and `contactdesk restore`: everything the app keeps (the database, the
//! call recordings, the export files) in one folder with a manifest of checksums, taken while
//! the server runs, and put back into an empty data folder.
//!
//! Consistency comes from the order: the database is copied first, in one snapshot, and the
//! files copied are exactly those that snapshot refers to. A recording is never changed once
//! its call log is committed, and one a call log refers to is never removed, so each is still
//! there, as it was, however long the copy takes; an upload that lands meanwhile is simply not in
//! this backup. The manifest is written last: a folder without one is an interrupted backup, and
//! `restore` refuses it.

use std::{
    collections::BTreeMap,
    io,
    path::{Component, Path, PathBuf},
};

use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use super::{
    config::Config,
    db::Db,
    export, fsck,
    storage::{AudioStorage, hex},
};

/// The manifest's name: `sha256sum -c MANIFEST.sha256` checks a backup by hand as well.
pub const MANIFEST: &str = "MANIFEST.sha256";
const DATABASE: &str = "db.sqlite";
const RECORDINGS: &str = "recordings";
const EXPORTS: &str = "exports";

/// What a backup or a restore carried.
#[derive(Debug, Default)]
pub struct Carried {
    pub recordings: usize,
    pub exports: usize,
    pub bytes: u64,
}

/// Writes a backup into `out`, a folder that must not exist or be empty.
pub async fn backup(db: &Db, storage: &AudioStorage, data_dir: &Path, out: &Path) -> Result<Carried, String> {
    if out.exists() && !is_empty_dir(out)? {
        return Err(format!("{} is not empty; back up into a new folder", out.display()));
    }
    tokio::fs::create_dir_all(out).await.map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let snapshot_path = out.join(DATABASE);
    db.backup_to(&snapshot_path).await.map_err(|e| format!("cannot copy the database: {e}"))?;
    let snapshot =
        Db::open_copy(&snapshot_path).await.map_err(|e| format!("cannot read the database copy: {e}"))?;
    let listed = async {
        Ok::<_, sqlx::Error>((snapshot.call_audio_index().await?, snapshot.completed_exports().await?))
    }
    .await;
    snapshot.close().await;
    let (recordings, exports) = listed.map_err(|e| format!("cannot read the database copy: {e}"))?;

    let mut manifest = BTreeMap::new();
    let (size, sha) = hash_file(&snapshot_path).await.map_err(|e| format!("cannot read {DATABASE}: {e}"))?;
    manifest.insert(DATABASE.to_owned(), sha);
    let mut carried = Carried { bytes: size, ..Carried::default() };
    for (id, key, recorded_size, recorded_sha) in recordings {
        let (reader, _) = storage.open_range(&key, 0, None).await.map_err(|e| {
            format!("call log {id}: cannot read its recording {key}: {e}; run contactdesk fsck")
        })?;
        let relative = format!("{RECORDINGS}/{key}");
        let (size, sha) = copy_hashed(reader, &out.join(&relative))
            .await
            .map_err(|e| format!("cannot copy the recording {key}: {e}"))?;
        if size != recorded_size as u64 || sha != recorded_sha {
            return Err(format!(
                "call log {id}: its recording {key} is not what was stored (run contactdesk fsck); the backup in {} is incomplete",
                out.display()
            ));
        }
        manifest.insert(relative, sha);
        carried.recordings += 1;
        carried.bytes += size;
    }
    for (id, format) in exports {
        let name = export::file_name(id, format);
        let file = match tokio::fs::File::open(data_dir.join(EXPORTS).join(&name)).await {
            Ok(f) => f,
            // Kept a day for downloading again; the rows it held are in the database.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read the export {name}: {e}")),
        };
        let relative = format!("{EXPORTS}/{name}");
        let (size, sha) = copy_hashed(file, &out.join(&relative))
            .await
            .map_err(|e| format!("cannot copy the export {name}: {e}"))?;
        manifest.insert(relative, sha);
        carried.exports += 1;
        carried.bytes += size;
    }
    write_manifest(out, &manifest).await.map_err(|e| format!("cannot write the manifest: {e}"))?;
    Ok(carried)
}

/// Restores the backup in `from` into the configured database and data folder, which must be
/// new: nothing is written before every file of the backup has been checked against its
/// manifest, and the result is checked as `fsck` would.
pub async fn restore(config: &Config, from: &Path) -> Result<Carried, String> {
    let data_dir = &config.storage.data_dir;
    if data_dir.exists() && !is_empty_dir(data_dir)? {
        return Err(format!("{} is not empty; restore into an empty data folder", data_dir.display()));
    }
    if Db::exists(&config.database)? {
        return Err(format!("the database {} exists; restore into a new one", config.database.url));
    }
    let manifest = read_manifest(from).await?;
    if !manifest.contains_key(DATABASE) {
        return Err(format!("the manifest in {} lists no {DATABASE}", from.display()));
    }
    let mut damaged = Vec::new();
    for (relative, sha) in &manifest {
        match hash_file(&from.join(relative)).await {
            Ok((_, actual)) if actual == *sha => {}
            Ok(_) => damaged.push(format!("{relative} (changed)")),
            Err(e) => damaged.push(format!("{relative} ({e})")),
        }
    }
    if !damaged.is_empty() {
        return Err(format!(
            "the backup in {} is damaged, nothing restored: {}",
            from.display(),
            damaged.join(", ")
        ));
    }

    let copy = from.join(DATABASE);
    tokio::task::spawn_blocking({
        let settings = config.database.clone();
        move || Db::restore_copy(&settings, &copy)
    })
    .await
    .map_err(|e| e.to_string())??;
    let storage = AudioStorage::local(data_dir.join(RECORDINGS))
        .await
        .map_err(|e| format!("cannot create {}: {e}", data_dir.join(RECORDINGS).display()))?;
    let mut carried = Carried::default();
    for (relative, sha) in &manifest {
        let source = from.join(relative);
        let fail = |e: io::Error| format!("cannot restore {relative}: {e}");
        if let Some(key) = relative.strip_prefix(&format!("{RECORDINGS}/")) {
            let mut staging = storage.stage().await.map_err(fail)?;
            let mut file = tokio::fs::File::open(&source).await.map_err(fail)?;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = file.read(&mut buf).await.map_err(fail)?;
                if n == 0 {
                    break;
                }
                staging.write(&buf[..n]).await.map_err(fail)?;
            }
            let staged = staging.finish().await.map_err(fail)?;
            if staged.sha256 != *sha {
                return Err(format!("{relative} changed while it was restored"));
            }
            carried.bytes += staged.size;
            staged.commit(&storage, key).await.map_err(fail)?;
            carried.recordings += 1;
        } else if relative.starts_with(&format!("{EXPORTS}/")) {
            let (size, _) =
                copy_hashed(tokio::fs::File::open(&source).await.map_err(fail)?, &data_dir.join(relative))
                    .await
                    .map_err(fail)?;
            carried.bytes += size;
            carried.exports += 1;
        }
    }

    let db = Db::connect_existing(&config.database)
        .await
        .map_err(|e| format!("cannot open the restored database: {e}"))?;
    let report = fsck::check(&db, &storage).await;
    db.close().await;
    let report = report?;
    if !report.is_clean() {
        return Err(format!("the restored data does not pass contactdesk fsck: {report:?}"));
    }
    Ok(carried)
}

fn is_empty_dir(dir: &Path) -> Result<bool, String> {
    std::fs::read_dir(dir)
        .map(|mut entries| entries.next().is_none())
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))
}

/// Copies `reader` into a new file at `to` (its folders created), durably; returns its size and
/// SHA-256.
async fn copy_hashed(mut reader: impl AsyncRead + Unpin, to: &Path) -> io::Result<(u64, String)> {
    if let Some(dir) = to.parent() {
        tokio::fs::create_dir_all(dir).await?;
    }
    let mut file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(to).await?;
    let (mut hasher, mut size, mut buf) = (Sha256::new(), 0u64, vec![0u8; 1 << 16]);
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).await?;
        size += n as u64;
    }
    file.sync_all().await?;
    Ok((size, hex(&hasher.finalize())))
}

async fn hash_file(path: &Path) -> io::Result<(u64, String)> {
    let mut file = tokio::fs::File::open(path).await?;
    let (mut hasher, mut size, mut buf) = (Sha256::new(), 0u64, vec![0u8; 1 << 16]);
    loop {
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok((size, hex(&hasher.finalize())));
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
}

/// Writes the manifest in `sha256sum`'s format, atomically and durably: its presence says the
/// backup is complete.
async fn write_manifest(out: &Path, manifest: &BTreeMap<String, String>) -> io::Result<()> {
    let text: String = manifest.iter().map(|(path, sha)| format!("{sha}  {path}\n")).collect();
    let temp = out.join(format!(".{MANIFEST}.partial"));
    let mut file = tokio::fs::File::create(&temp).await?;
    file.write_all(text.as_bytes()).await?;
    file.sync_all().await?;
    tokio::fs::rename(&temp, out.join(MANIFEST)).await?;
    tokio::fs::File::open(out).await?.sync_all().await
}

/// The manifest of the backup in `from`: relative path → SHA-256. A path that could leave the
/// backup's folder (or the data folder, when restored) is refused.
async fn read_manifest(from: &Path) -> Result<BTreeMap<String, String>, String> {
    let path = from.join(MANIFEST);
    let text = tokio::fs::read_to_string(&path).await.map_err(|e| {
        format!("{} cannot be read ({e}): not a backup, or one that did not finish", path.display())
    })?;
    let mut manifest = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(sha, relative)| {
            sha.len() == 64
                && sha.bytes().all(|b| b.is_ascii_hexdigit())
                && !relative.is_empty()
                && PathBuf::from(relative).components().all(|c| matches!(c, Component::Normal(_)))
        });
        let Some((sha, relative)) = parsed else {
            return Err(format!("{} line {}: not a checksum and a relative path", path.display(), n + 1));
        };
        manifest.insert(relative.to_owned(), sha.to_owned());
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manifest_reads_back_and_refuses_paths_out_of_the_backup() {
        let dir = tempfile::tempdir().unwrap();
        let sha = "a".repeat(64);
        let manifest = BTreeMap::from([
            (DATABASE.to_owned(), sha.clone()),
            ("recordings/calls/x.wav".to_owned(), sha.clone()),
        ]);
        write_manifest(dir.path(), &manifest).await.unwrap();
        assert_eq!(read_manifest(dir.path()).await.unwrap(), manifest);
        for bad in
            [format!("{sha}  ../etc/passwd"), format!("{sha}  /etc/passwd"), "xyz  db.sqlite".to_owned()]
        {
            std::fs::write(dir.path().join(MANIFEST), format!("{bad}\n")).unwrap();
            assert!(read_manifest(dir.path()).await.is_err(), "{bad}");
        }
    }
}
