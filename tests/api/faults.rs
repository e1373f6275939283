//! Faults, on the real binary as an operator runs it: SIGKILL amid uploads, saves and bulk
//! syncs, a disk that fills, and a backup taken under load restored into an empty folder. After
//! each, every request answered 2xx is there, nothing half-written is visible, and
//! `contactdesk fsck` (SQLite's integrity check and every recording) is clean.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::{
    calls::{form, sha_hex, wav},
    helpers::{command, json_of},
};

/// The real binary serving the data folder `dir` on a port of its own; SIGKILLed when dropped.
struct Served {
    dir: PathBuf,
    port: u16,
    /// The free-space reserve under which uploads answer 507 (none unless a test needs it).
    min_free_bytes: u64,
    child: Option<std::process::Child>,
}

impl Served {
    async fn start(dir: &Path) -> Self {
        Self::start_with_reserve(dir, 0).await
    }

    async fn start_with_reserve(dir: &Path, min_free_bytes: u64) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut served = Self { dir: dir.to_owned(), port, min_free_bytes, child: None };
        served.restart().await;
        served
    }

    /// Starts the server again on the same data and port (killing it first if it runs).
    async fn restart(&mut self) {
        self.kill();
        let child = command(&self.dir, &db_url(&self.dir), &["serve"])
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .env("CONTACTDESK_MIN_FREE_BYTES", self.min_free_bytes.to_string())
            .env("CONTACTDESK_UPLOAD_MAX_PER_TOKEN", "64")
            .env("CONTACTDESK_UPLOAD_ORPHAN_GRACE_SECONDS", "1")
            .env("CONTACTDESK_PURGE_EVERY_SECONDS", "1")
            .stdout(self.log())
            .stderr(self.log())
            .spawn()
            .expect("contactdesk serve");
        self.child = Some(child);
        let ready = self.url("/readyz");
        for _ in 0..200 {
            if reqwest::get(&ready).await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready");
    }

    /// SIGKILL: no shutdown, no flush, nothing the process could still do.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The server's warnings and errors, appended across restarts, beside (not in) its data.
    fn log(&self) -> std::fs::File {
        let path = std::env::temp_dir().join(format!("contactdesk-faults-{}.log", self.port));
        std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The database of a served data folder `dir`.
fn db_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("db.sqlite").display())
}

fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    command(dir, &db_url(dir), args).output().expect("run contactdesk")
}

/// Runs `contactdesk` on `dir` and requires it to succeed; its standard output.
fn cli_ok(dir: &Path, args: &[&str]) -> String {
    let out = cli(dir, args);
    assert!(out.status.success(), "contactdesk {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A new `scope` token of the demo's `user`.
fn token(dir: &Path, user: &str, scope: &str) -> String {
    cli_ok(dir, &["create-token", "--user", user, "--scope", scope, "--name", "faults"])
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned()
}

/// A data folder with the demo's users and customers, served.
async fn demo(dir: &Path) -> Served {
    cli_ok(dir, &["seed-demo"]);
    Served::start(dir).await
}

/// `contactdesk fsck` comes out clean, once the server has cleared what a kill left (it does
/// so itself, after a grace of a second here).
async fn fsck_is_clean(dir: &Path) {
    for _ in 0..100 {
        if cli(dir, &["fsck"]).status.success() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{}", String::from_utf8_lossy(&cli(dir, &["fsck"]).stdout));
}

/// Every update in the database, by id: (customer_id, new_email, status, synced_by).
async fn all_updates(served: &Served, admin: &str) -> BTreeMap<i64, Value> {
    let mut out = BTreeMap::new();
    loop {
        let url = served
            .url(&format!("/v1/customer_contact_updates?leads=include&limit=1000&offset={}", out.len()));
        let page = json_of(Client::new().get(url).bearer_auth(admin)).await;
        let rows = page["updates"].as_array().unwrap_or_else(|| panic!("{page}"));
        if rows.is_empty() {
            return out;
        }
        for row in rows {
            out.insert(row["id"].as_i64().unwrap(), row.clone());
        }
    }
}

/// Customers of the demo, by their master-system id.
async fn customer_ids(served: &Served, reader: &str) -> Vec<String> {
    let list =
        json_of(Client::new().get(served.url("/v1/contacts?status=customer&limit=200")).bearer_auth(reader))
            .await;
    list["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["customer_id"].as_str().map(str::to_owned))
        .collect()
}

/// A call's recording as the API serves it: its status and bytes.
async fn audio_of(served: &Served, token: &str, call: &Value) -> (StatusCode, Vec<u8>) {
    let url = served.url(&format!("/v1/calls/{}/audio", call["id"]));
    let response = Client::new().get(url).bearer_auth(token).send().await.unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

/// Waits until `counter` reaches `n`, for at most a minute.
async fn until(counter: &AtomicUsize, n: usize, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while counter.load(Ordering::SeqCst) < n {
        assert!(Instant::now() < deadline, "{what}: only {}", counter.load(Ordering::SeqCst));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// One contact update; its id if the server answered 201.
async fn save(served_url: &str, token: &str, customer: &str, email: &str) -> Option<i64> {
    let body = json!({"customer_id": customer, "new_email": email, "update_reason": "Customer provided new contact"});
    let response = Client::new().post(served_url).bearer_auth(token).json(&body).send().await.ok()?;
    if response.status() != StatusCode::CREATED {
        return None;
    }
    response.json::<Value>().await.ok()?["id"].as_i64()
}

#[tokio::test]
async fn sigkill_amid_fifty_uploads_loses_nothing_acknowledged_and_leaves_nothing_half_stored() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut served = demo(dir).await;
    let (phone, reader) = (token(dir, "priya", "upload"), token(dir, "priya", "api"));

    // Fifty uploads at once; the server is killed once a few have been acknowledged.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut uploads = tokio::task::JoinSet::new();
    for i in 0..50u8 {
        let (url, phone, acknowledged) =
            (served.url("/v1/calls/upload"), phone.clone(), acknowledged.clone());
        let call_id = format!("dddddddd-0000-4000-8000-{:012}", i);
        let audio = wav(400_000, i);
        let sha = sha_hex(&audio);
        uploads.spawn(async move {
            let sent = Client::new()
                .post(url)
                .bearer_auth(phone)
                .multipart(form(&call_id, "5912 3456", audio))
                .send()
                .await;
            let created = sent.is_ok_and(|r| r.status() == StatusCode::CREATED);
            if created {
                acknowledged.fetch_add(1, Ordering::SeqCst);
            }
            (call_id, sha, created)
        });
    }
    until(&acknowledged, 5, "uploads acknowledged").await;
    served.kill();
    let answers = uploads.join_all().await;
    let stored: Vec<&(String, String, bool)> = answers.iter().filter(|(_, _, created)| *created).collect();
    assert!(stored.len() >= 5 && stored.len() < 50, "{} acknowledged", stored.len());

    // Restarted on the same data: every acknowledged call is there with its exact audio.
    served.restart().await;
    let client = Client::new();
    let list = json_of(client.get(served.url("/v1/calls?limit=1000")).bearer_auth(&reader)).await;
    let calls = list["calls"].as_array().unwrap();
    for (call_id, sha, _) in &stored {
        let call = calls
            .iter()
            .find(|c| c["call_id"] == call_id.as_str())
            .unwrap_or_else(|| panic!("{call_id} lost"));
        assert_eq!(sha_hex(&audio_of(&served, &reader, call).await.1), *sha, "{call_id}");
    }
    // What the kill left half-stored the server clears itself.
    fsck_is_clean(dir).await;
    println!("SIGKILL amid 50 uploads: {} acknowledged, all present", stored.len());
}

#[tokio::test]
async fn sigkill_amid_a_burst_of_saves_loses_no_acknowledged_update() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut served = demo(dir).await;
    let (agent, admin) = (token(dir, "priya", "api"), token(dir, "admin", "api"));
    let customers = customer_ids(&served, &agent).await;
    assert!(customers.len() >= 32);

    // 32 agents saving as fast as they can; killed once 300 saves are acknowledged.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut savers = tokio::task::JoinSet::new();
    for (worker, customer) in customers.iter().take(32).enumerate() {
        let (url, agent, acknowledged) =
            (served.url("/v1/customer_contact_updates"), agent.clone(), acknowledged.clone());
        let customer = customer.clone();
        savers.spawn(async move {
            let mut saved = Vec::new();
            for n in 0.. {
                let email = format!("kill-{worker}-{n}@example.mu");
                match save(&url, &agent, &customer, &email).await {
                    Some(id) => {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                        saved.push((id, customer.clone(), email));
                    }
                    None => return saved,
                }
            }
            saved
        });
    }
    until(&acknowledged, 300, "saves acknowledged").await;
    served.kill();
    let saved: Vec<(i64, String, String)> = savers.join_all().await.into_iter().flatten().collect();

    served.restart().await;
    let updates = all_updates(&served, &admin).await;
    for (id, customer, email) in &saved {
        let row = updates.get(id).unwrap_or_else(|| panic!("acknowledged update {id} lost"));
        assert_eq!(
            (row["customer_id"].as_str(), row["new_email"].as_str()),
            (Some(&customer[..]), Some(&email[..]))
        );
    }
    // Nothing half-written: each customer's current email is its newest stored update's.
    for customer in &customers[..32] {
        let newest = updates
            .values()
            .filter(|u| u["customer_id"] == customer.as_str())
            .max_by_key(|u| u["id"].as_i64());
        let latest = json_of(
            Client::new()
                .get(served.url(&format!("/v1/customer_contact_updates/latest/{customer}")))
                .bearer_auth(&agent),
        )
        .await;
        assert_eq!(latest["latest_email"], newest.unwrap()["new_email"], "{customer}");
    }
    fsck_is_clean(dir).await;
    println!("SIGKILL amid saves: {} acknowledged, all present", saved.len());
}

#[tokio::test]
async fn sigkill_amid_bulk_syncs_keeps_each_sync_whole() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut served = demo(dir).await;
    let (agent, admin) = (token(dir, "priya", "api"), token(dir, "admin", "api"));
    let customers = customer_ids(&served, &agent).await;
    let url = served.url("/v1/customer_contact_updates");
    let mut pending = Vec::new();
    for n in 0..600 {
        let customer = &customers[n % customers.len()];
        pending.push(save(&url, &agent, customer, &format!("sync-{n}@example.mu")).await.expect("saved"));
    }

    // Eight admins each syncing their share, ten updates a request; killed once ten syncs are
    // acknowledged.
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut syncers = tokio::task::JoinSet::new();
    for share in pending.chunks(75) {
        let (url, admin, acknowledged) =
            (served.url("/v1/customer_contact_updates/bulk-sync"), admin.clone(), acknowledged.clone());
        let share = share.to_vec();
        syncers.spawn(async move {
            let mut answered = Vec::new();
            for batch in share.chunks(10) {
                let sent = Client::new()
                    .post(&url)
                    .bearer_auth(&admin)
                    .json(&json!({"update_ids": batch}))
                    .send()
                    .await;
                let ok = matches!(&sent, Ok(r) if r.status() == StatusCode::OK);
                if ok {
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                answered.push((batch.to_vec(), ok));
                if sent.is_err() {
                    break;
                }
            }
            answered
        });
    }
    until(&acknowledged, 10, "syncs acknowledged").await;
    served.kill();
    let batches: Vec<(Vec<i64>, bool)> = syncers.join_all().await.into_iter().flatten().collect();
    let synced_batches = batches.iter().filter(|(_, ok)| *ok).count();
    assert!(synced_batches < 60, "the kill came after every sync: {synced_batches}");

    served.restart().await;
    let updates = all_updates(&served, &admin).await;
    let status = |id: &i64| updates[id]["status"].as_str().unwrap().to_owned();
    for (batch, ok) in &batches {
        let statuses: Vec<String> = batch.iter().map(status).collect();
        if *ok {
            assert!(statuses.iter().all(|s| s == "synced"), "acknowledged sync lost: {batch:?} {statuses:?}");
        } else {
            assert!(statuses.windows(2).all(|w| w[0] == w[1]), "a sync half-applied: {batch:?} {statuses:?}");
        }
    }
    for id in &pending {
        let row = &updates[id];
        if row["status"] == "synced" {
            assert!(row["synced_at"].is_string() && row["synced_by"].is_i64(), "stamped whole: {row}");
        }
    }
    fsck_is_clean(dir).await;
    println!("SIGKILL amid bulk syncs: {synced_batches} of 60 acknowledged, all whole");
}

/// A tmpfs mounted on a folder for the test's length; unmounted when dropped. Mounting needs
/// root (CI and these machines run as root): the test fails, never skips, without it.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Self {
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .expect("run mount");
        assert!(status.success(), "cannot mount a tmpfs on {} (this test needs root)", dir.display());
        Self(dir.to_owned())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system of `dir` with one file, to the last byte it takes.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 1 << 16];
    while file.write_all(&block).is_ok() {}
    let mut byte = [0u8; 1];
    while file.write_all(&byte).is_ok() {
        byte[0] = 1;
    }
    let _ = file.sync_all();
    path
}

#[tokio::test]
async fn a_full_disk_refuses_uploads_keeps_what_is_stored_and_recovers_by_itself() {
    let mount = tempfile::tempdir().unwrap();
    let _tmpfs = Tmpfs::mount(mount.path(), "48m");
    let dir = mount.path();
    cli_ok(dir, &["seed-demo"]);
    // A reserve of 4 MB, as a small disk would have.
    let served = Served::start_with_reserve(dir, 4 << 20).await;
    let (phone, agent, admin) =
        (token(dir, "priya", "upload"), token(dir, "priya", "api"), token(dir, "admin", "api"));
    let customers = customer_ids(&served, &agent).await;
    let saves = served.url("/v1/customer_contact_updates");
    let upload = |i: u8| {
        let (url, phone) = (served.url("/v1/calls/upload"), phone.clone());
        async move {
            let call_id = format!("eeeeeeee-0000-4000-8000-{:012}", i);
            let response = Client::new()
                .post(url)
                .bearer_auth(phone)
                .multipart(form(&call_id, "5912 3456", wav(200_000, i)))
                .send()
                .await
                .unwrap();
            let status = response.status();
            (status, response.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    assert_eq!(upload(1).await.0, StatusCode::CREATED);
    let before = save(&saves, &agent, &customers[0], "before-full@example.mu").await.expect("saved");

    let filler = fill(dir);
    let (status, body) = upload(2).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{body}");
    assert_eq!(body["error"]["code"], "insufficient_storage");
    // A save on a full disk either lands or is refused whole, with a message: never a crash.
    let mut saved_while_full = Vec::new();
    for n in 0..20 {
        let email = format!("while-full-{n}@example.mu");
        let response = Client::new()
            .post(&saves)
            .bearer_auth(&agent)
            .json(&json!({"customer_id": customers[n % 5], "new_email": email, "update_reason": "Other"}))
            .send()
            .await
            .expect("the server still answers");
        match response.status() {
            StatusCode::CREATED => saved_while_full
                .push((response.json::<Value>().await.unwrap()["id"].as_i64().unwrap(), email)),
            StatusCode::INSUFFICIENT_STORAGE => {
                let body: Value = response.json().await.unwrap();
                assert!(body["error"]["message"].as_str().unwrap().contains("disk is full"), "{body}");
            }
            other => panic!("a save on a full disk answered {other}: {}", response.text().await.unwrap()),
        }
    }
    let found =
        json_of(Client::new().get(served.url("/v1/contacts?q=5912%203456")).bearer_auth(&agent)).await;
    assert!(found["contacts"].is_array(), "reads still work: {found}");

    // Space comes back: everything works again, without a restart.
    std::fs::remove_file(filler).unwrap();
    let (status, body) = upload(3).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let after = save(&saves, &agent, &customers[0], "after-full@example.mu")
        .await
        .expect("saved once space returned");
    let updates = all_updates(&served, &admin).await;
    for (id, email) in saved_while_full.iter().chain(
        [(before, "before-full@example.mu".to_owned()), (after, "after-full@example.mu".to_owned())].iter(),
    ) {
        assert_eq!(updates[id]["new_email"], email.as_str());
    }
    let calls = json_of(Client::new().get(served.url("/v1/calls?limit=100")).bearer_auth(&agent)).await;
    let ours = calls["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["call_id"].as_str().unwrap().starts_with("eeeeeeee"));
    assert_eq!(ours.count(), 2, "the calls before and after, none from the full disk");
    fsck_is_clean(dir).await;
    println!(
        "disk full: {} of 20 saves landed while full, the rest refused with 507",
        saved_while_full.len()
    );
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_every_row_and_file_into_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let served = demo(dir).await;
    let (phone, agent, admin) =
        (token(dir, "priya", "upload"), token(dir, "priya", "api"), token(dir, "admin", "api"));
    let customers = customer_ids(&served, &agent).await;
    let client = Client::new();
    let saves = served.url("/v1/customer_contact_updates");
    let mut sha_of = HashMap::new();
    for i in 0..10u8 {
        let call_id = format!("ffffffff-0000-4000-8000-{:012}", i);
        let audio = wav(100_000, i);
        sha_of.insert(call_id.clone(), sha_hex(&audio));
        let sent = client
            .post(served.url("/v1/calls/upload"))
            .bearer_auth(&phone)
            .multipart(form(&call_id, "5912 3456", audio))
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), StatusCode::CREATED);
    }
    for n in 0..50 {
        save(&saves, &agent, &customers[n % 20], &format!("backup-{n}@example.mu")).await.expect("saved");
    }
    let export = client
        .get(served.url("/v1/customer_contact_updates/export.csv"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export_id = export.headers()["x-export-id"].to_str().unwrap().to_owned();
    let export_bytes = export.bytes().await.unwrap();

    // Saves and uploads go on while the backup runs.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (saves, upload_url, agent, phone, customer, stop) = (
            saves.clone(),
            served.url("/v1/calls/upload"),
            agent.clone(),
            phone.clone(),
            customers[0].clone(),
            stop.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(Ordering::SeqCst) {
                save(&saves, &agent, &customer, &format!("load-{n}@example.mu")).await;
                let call_id = format!("abababab-0000-4000-8000-{:012}", n);
                let _ = Client::new()
                    .post(&upload_url)
                    .bearer_auth(&phone)
                    .multipart(form(&call_id, "5912 3456", wav(50_000, n as u8)))
                    .send()
                    .await;
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let backup = tempfile::tempdir().unwrap();
    let backup_dir = backup.path().join("backup");
    let said = cli_ok(dir, &["backup", "--output", backup_dir.to_str().unwrap()]);
    stop.store(true, Ordering::SeqCst);
    let requests_during = load.await.unwrap();
    assert!(said.contains("recording(s)"), "{said}");
    let sha256sum = std::process::Command::new("sha256sum")
        .args(["-c", "--quiet", "MANIFEST.sha256"])
        .current_dir(&backup_dir)
        .status()
        .unwrap();
    assert!(sha256sum.success(), "the manifest checks with sha256sum");
    let before = all_updates(&served, &admin).await;
    drop(served);

    // Wiped: a new, empty data folder. A non-empty one and a damaged backup are refused.
    let restored = tempfile::tempdir().unwrap();
    let target = restored.path();
    std::fs::write(target.join("stray"), b"x").unwrap();
    let refused = cli(target, &["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not empty"));
    std::fs::remove_file(target.join("stray")).unwrap();
    let damaged = tempfile::tempdir().unwrap();
    let copy = damaged.path().join("backup");
    assert!(
        std::process::Command::new("cp").arg("-a").arg(&backup_dir).arg(&copy).status().unwrap().success()
    );
    let a_recording = std::fs::read_to_string(copy.join("MANIFEST.sha256"))
        .unwrap()
        .lines()
        .find(|l| l.contains("recordings/"))
        .unwrap()
        .split_once("  ")
        .unwrap()
        .1
        .to_owned();
    let mut bytes = std::fs::read(copy.join(&a_recording)).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(copy.join(&a_recording), bytes).unwrap();
    let refused = cli(target, &["restore", "--from", copy.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("damaged") && said.contains(&a_recording), "{said}");
    assert!(std::fs::read_dir(target).unwrap().next().is_none(), "a refused restore writes nothing");

    cli_ok(target, &["restore", "--from", backup_dir.to_str().unwrap()]);
    fsck_is_clean(target).await;
    let served = Served::start(target).await;
    let after = all_updates(&served, &admin).await;
    // Everything acknowledged before the backup began is back, exactly; what landed during it
    // is there or not, whole.
    for (id, row) in &before {
        if row["new_email"].as_str().is_some_and(|e| e.starts_with("backup-")) {
            assert_eq!(after.get(id), Some(row), "update {id}");
        }
    }
    assert_eq!(
        after.values().filter(|u| u["new_email"].as_str().is_some_and(|e| e.starts_with("backup-"))).count(),
        50
    );
    let calls = json_of(client.get(served.url("/v1/calls?limit=1000")).bearer_auth(&agent)).await;
    for (call_id, sha) in &sha_of {
        let call = calls["calls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["call_id"] == call_id.as_str())
            .unwrap_or_else(|| panic!("{call_id} not restored"));
        assert_eq!(sha_hex(&audio_of(&served, &agent, call).await.1), *sha);
    }
    let download = client
        .get(served.url(&format!("/v1/exports/{export_id}/download")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap(), export_bytes, "the export file, byte for byte");
    println!("backup under load ({requests_during} save+upload rounds during it), restored: fsck clean");
}

/// Not a fault: the demo, seeded by the CLI as `make run` seeds it, has a call for each case the
/// app handles, each with a real recording, and a clean `fsck`.
#[tokio::test]
async fn the_demo_has_calls_of_every_kind_with_their_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let served = demo(dir).await;
    let agent = token(dir, "priya", "api");
    let client = Client::new();
    let list = json_of(client.get(served.url("/v1/calls?limit=100")).bearer_auth(&agent)).await;
    let calls = list["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 6, "{list}");
    let on = |name: &str| calls.iter().filter(|c| c["contact_name"] == name).count();
    assert_eq!(on("Kevin Anderson Curepipe"), 2, "a customer's calls, in two written forms of his number");
    assert!(calls.iter().any(|c| c["phone"].is_null()), "a withheld number");
    assert!(
        calls.iter().any(|c| c["contact_status"] == "new_lead" && c["phone"] == "+23059871234"),
        "an unknown number's lead"
    );
    let family = calls.iter().find(|c| c["phone"] == "+23057654321").expect("the family phone's call");
    let family_names = ["Nadia Joomun", "Ibrahim Joomun"];
    assert!(family_names.contains(&family["contact_name"].as_str().unwrap()), "{family}");
    assert_eq!(family["possible_matches"].as_array().map(Vec::len), Some(1), "the other as a possible match");
    for call in calls {
        let (status, bytes) = audio_of(&served, &agent, call).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            bytes.starts_with(b"RIFF") && bytes.len() > 40_000,
            "a few seconds of sound: {} bytes",
            bytes.len()
        );
        assert_eq!(sha_hex(&bytes), call["audio_sha256"].as_str().unwrap());
    }
    fsck_is_clean(dir).await;
}
