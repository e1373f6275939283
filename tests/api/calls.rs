//! The phones' upload route: storage, linking, idempotency, refusals that leave nothing behind,
//! Range/conditional audio, token scopes and revocation, fsck and the reference client.

use std::{path::PathBuf, time::Duration};

use reqwest::{
    StatusCode,
    header::{self, HeaderMap},
    multipart::{Form, Part},
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{
    customers::{contact_id, seed},
    helpers::{ADMIN, AGENT, TestApp, answer, command, eventually, raw_post},
};

const CALL: &str = "3f1c2a9e-8d4b-4c6f-9a7e-2b5d1e0f4a3c";

/// A WAV file of `len` bytes whose samples depend on `seed`, so two seeds differ.
pub fn wav(len: usize, seed: u8) -> Vec<u8> {
    let mut v = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data".to_vec();
    v.extend((0..len.saturating_sub(v.len())).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v
}

pub fn sha_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn form(call_id: &str, phone: &str, audio: Vec<u8>) -> Form {
    form_at(call_id, phone, "2026-11-20T10:30:00+04:00", audio)
}

/// [`form`] with the call's start as the phone sends it.
fn form_at(call_id: &str, phone: &str, started_at: &str, audio: Vec<u8>) -> Form {
    Form::new()
        .text("call_id", call_id.to_owned())
        .text("phone", phone.to_owned())
        .text("direction", "inbound")
        .text("started_at", started_at.to_owned())
        .text("duration_seconds", "95")
        .part("audio", Part::bytes(audio).file_name("call.wav"))
}

async fn upload(app: &TestApp, token: &str, form: Form) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/v1/calls/upload"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every upload at once: spawned, so they run on the runtime together (each its own task and
/// connection). The answers in no particular order.
async fn upload_all(
    app: &TestApp,
    token: &str,
    forms: impl Iterator<Item = Form>,
) -> Vec<(StatusCode, Value)> {
    let mut uploads = tokio::task::JoinSet::new();
    for f in forms {
        let (url, token) = (app.url("/v1/calls/upload"), token.to_owned());
        uploads.spawn(async move {
            let response =
                reqwest::Client::new().post(url).bearer_auth(token).multipart(f).send().await.unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        });
    }
    uploads.join_all().await
}

fn recordings(app: &TestApp) -> PathBuf {
    app.config.storage.data_dir.join("recordings")
}

/// Every file under the recordings folder, the staging folder included.
fn files_on_disk(app: &TestApp) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![recordings(app)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                out.push(entry.path());
            }
        }
    }
    out
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(app.state().db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_lands_on_the_customer_with_its_bytes_and_checksum() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let phone = app.token("agent", "upload").await;
    let audio = wav(200_000, 1);
    let f = form(CALL, "5737 2333", audio.clone()).text("sha256", sha_hex(&audio));
    let (status, body) = upload(&app, &phone, f).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["contact_id"], contact_id(&app, "12345").await);
    assert_eq!(body["contact_status"], "customer");
    assert_eq!(body["phone"], "+23057372333");
    assert_eq!(body["direction"], "inbound");
    assert_eq!(body["started_at"], "2026-11-20T06:30:00.000Z");
    assert_eq!(body["duration_seconds"], 95);
    assert_eq!(body["audio_type"], "audio/wav");
    assert_eq!(body["audio_sha256"], sha_hex(&audio));
    let agent = app.state().db.user_by_username("agent").await.unwrap().unwrap();
    assert_eq!(body["agent_id"], agent.id, "the call is the token's user's");

    let files = files_on_disk(&app);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), audio, "the bytes on disk are the bytes sent");
    assert!(files[0].to_string_lossy().contains(CALL));

    let api = app.token("agent", "api").await;
    let id = body["id"].as_i64().unwrap();
    let client = reqwest::Client::new();
    let got: Value = client
        .get(app.url(&format!("/v1/calls/{id}")))
        .bearer_auth(&api)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, body);
    let by_phone = client.get(app.url(&format!("/v1/calls/{id}"))).bearer_auth(&phone).send().await.unwrap();
    assert_eq!(by_phone.status(), StatusCode::FORBIDDEN, "an upload token reads nothing");
    let anonymous = client.get(app.url(&format!("/v1/calls/{id}/audio"))).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_retry_returns_the_first_record_and_other_audio_is_a_conflict() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let (first, body) = upload(&app, &phone, form(CALL, "+44 7911 123456", wav(5000, 1))).await;
    assert_eq!(first, StatusCode::CREATED, "{body}");
    let (again, replay) = upload(&app, &phone, form(CALL, "+44 7911 123456", wav(5000, 1))).await;
    assert_eq!(again, StatusCode::OK);
    assert_eq!(replay, body, "a retry gets the first record");
    let (conflict, err) = upload(&app, &phone, form(CALL, "+44 7911 123456", wav(5000, 2))).await;
    assert_eq!(conflict, StatusCode::CONFLICT, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("different audio"));
    assert_eq!(count(&app, "call_logs").await, 1);
    assert_eq!(count(&app, "contacts").await, 1, "one lead for the new number");
    assert_eq!(files_on_disk(&app).len(), 1, "nothing stored twice, nothing left behind");
}

#[tokio::test]
async fn twenty_concurrent_uploads_from_one_new_number_make_one_lead() {
    // One token stands for twenty phones here: its share must let all twenty in at once.
    let app = TestApp::spawn_with(|c| c.uploads.max_per_token = 20).await;
    let phone = app.token("agent", "upload").await;
    let forms =
        (0..20u8).map(|i| form(&format!("00000000-0000-4000-8000-{:012}", i), "5912 3456", wav(20_000, i)));
    let answers = upload_all(&app, &phone, forms).await;
    let mut contacts = std::collections::BTreeSet::new();
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "{body}");
        assert_eq!(body["contact_status"], "new_lead");
        contacts.insert(body["contact_id"].as_i64().unwrap());
    }
    assert_eq!(contacts.len(), 1, "one contact for one number");
    assert_eq!(count(&app, "contacts").await, 1);
    assert_eq!(count(&app, "call_logs").await, 20);
    let name = &answers[0].1["contact_name"];
    assert_eq!(name, "New lead 5912 3456");
}

#[tokio::test]
async fn identical_uploads_racing_with_one_call_id_keep_the_acknowledged_file() {
    let app = TestApp::spawn_with(|c| c.uploads.max_per_token = 12).await;
    let phone = app.token("agent", "upload").await;
    let audio = wav(50_000, 9);
    let answers = upload_all(&app, &phone, (0..12).map(|_| form(CALL, "5912 3456", audio.clone()))).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(answers.iter().all(|(s, b)| matches!(*s, StatusCode::CREATED | StatusCode::OK) && b["id"] == answers[0].1["id"]));

    // The one stored recording is the acknowledged call's, whole; the losers' copies are gone.
    assert_eq!(files_on_disk(&app).len(), 1, "{:?}", files_on_disk(&app));
    let id = answers[0].1["id"].as_i64().unwrap();
    let played = reqwest::Client::new()
        .get(app.url(&format!("/v1/calls/{id}/audio")))
        .bearer_auth(app.token("agent", "api").await)
        .send()
        .await
        .unwrap();
    assert_eq!(played.status(), StatusCode::OK);
    assert_eq!(sha_hex(&played.bytes().await.unwrap()), sha_hex(&audio));
}

#[tokio::test]
async fn a_shared_number_goes_to_the_latest_customer_with_the_others_as_matches() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    // Yusuf's daughter shares his phone: her record was updated last.
    let kevin = contact_id(&app, "12345").await;
    let yusuf = contact_id(&app, "20002").await;
    sqlx::query("UPDATE contacts SET mobile = '+23058881111', updated_at = 99999999999999 WHERE id = $1")
        .bind(kevin)
        .execute(app.state().db.pool())
        .await
        .unwrap();
    let phone = app.token("agent", "upload").await;
    let (status, body) = upload(&app, &phone, form(CALL, "58881111", wav(3000, 3))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["contact_id"], kevin);
    assert_eq!(body["possible_matches"], serde_json::json!([yusuf]));
}

#[tokio::test]
async fn withheld_and_fixed_line_numbers_are_stored() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let (status, body) = upload(&app, &phone, form(CALL, "private", wav(3000, 4))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!((body["contact_id"].clone(), body["phone"].clone()), (Value::Null, Value::Null));
    assert_eq!(body["phone_raw"], "private");
    let (status, body) =
        upload(&app, &phone, form("11111111-2222-4333-8444-555555555555", "208 1234", wav(3000, 5))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (body["phone"].as_str(), body["contact_status"].as_str()),
        (Some("+2302081234"), Some("new_lead"))
    );
    let mobile: Option<String> =
        sqlx::query_scalar("SELECT mobile FROM contacts WHERE lead_phone = '+2302081234'")
            .fetch_one(app.state().db.pool())
            .await
            .unwrap();
    assert_eq!(mobile, None, "a fixed line is not a lead's mobile");
}

/// What an Android phone's call log holds, sent as it is: `-1`/`-2`/`-3` for a call without a
/// number, the start in epoch milliseconds, a number written with parentheses.
#[tokio::test]
async fn androids_call_log_values_are_stored_as_sent() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let android = |call_id: &str, number: &str, sample: u8| {
        form_at(call_id, number, "1764052200000", wav(3000, sample))
    };
    for (i, raw) in ["-1", "-2", "-3"].into_iter().enumerate() {
        let call_id = format!("aaaaaaaa-0000-4000-8000-00000000000{i}");
        let (status, body) = upload(&app, &phone, android(&call_id, raw, 4 + i as u8)).await;
        assert_eq!(status, StatusCode::CREATED, "{raw}: {body}");
        assert_eq!((body["contact_id"].clone(), body["phone"].clone()), (Value::Null, Value::Null), "{raw}");
        assert_eq!(body["phone_raw"], raw);
        assert_eq!(body["started_at"], "2025-11-25T06:30:00.000Z", "{raw}");
    }
    let (status, body) =
        upload(&app, &phone, android("aaaaaaaa-0000-4000-8000-000000000009", "(+230) 5737 2333", 8)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["phone"], "+23057372333");
    let (status, body) = upload(&app, &phone, android("aaaaaaaa-0000-4000-8000-00000000000a", "-4", 9)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn every_refusal_names_the_problem_and_leaves_nothing() {
    let app = TestApp::spawn_with(|c| c.uploads.max_bytes = 64 * 1024).await;
    let phone = app.token("agent", "upload").await;
    let audio = wav(4000, 1);
    let cases: Vec<(&str, Form, StatusCode, &str)> = vec![
        (
            "missing field",
            Form::new().text("call_id", CALL).part("audio", Part::bytes(audio.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "direction",
        ),
        ("missing audio", form(CALL, "57372333", audio.clone()).text("x", "y"), StatusCode::CREATED, ""),
        (
            "invalid phone",
            form("11111111-1111-4111-8111-111111111111", "call me maybe", audio.clone()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "phone",
        ),
        (
            "checksum mismatch",
            form("22222222-2222-4222-8222-222222222222", "57372333", audio.clone())
                .text("sha256", sha_hex(b"other")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sha256",
        ),
        (
            "too large",
            form("33333333-3333-4333-8333-333333333333", "57372333", wav(100_000, 1)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
        ),
        (
            "not audio",
            form("44444444-4444-4444-8444-444444444444", "57372333", b"%PDF-1.7\n".repeat(200)),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "",
        ),
        (
            "bad call id",
            form("not-a-uuid", "57372333", audio.clone()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "call_id",
        ),
    ];
    for (what, f, expected, field) in cases {
        if expected == StatusCode::CREATED {
            continue; // "missing audio" is below, without the audio part
        }
        let (status, body) = upload(&app, &phone, f).await;
        assert_eq!(status, expected, "{what}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
        if !field.is_empty() {
            let fields = body["error"]["fields"].as_array().expect("fields");
            assert!(fields.iter().any(|f| f["field"] == field), "{what}: {body}");
        }
    }
    let no_audio = Form::new()
        .text("call_id", CALL)
        .text("phone", "57372333")
        .text("direction", "inbound")
        .text("started_at", "2026-11-20T10:30:00+04:00")
        .text("duration_seconds", "5");
    let (status, body) = upload(&app, &phone, no_audio).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"].as_array().unwrap().iter().any(|f| f["field"] == "audio"), "{body}");

    let (status, _) = upload(&app, "cdt_not-a-token", form(CALL, "57372333", audio.clone())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let not_multipart = reqwest::Client::new()
        .post(app.url("/v1/calls/upload"))
        .bearer_auth(&phone)
        .json(&serde_json::json!({"call_id": CALL}))
        .send()
        .await
        .unwrap();
    assert_eq!(not_multipart.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A declared size over the limit is refused before the body is read.
    let (status, _) = raw_upload(&app, &phone, 10 * 1024 * 1024, b"", false).await;
    assert_eq!(status, 413);

    assert_eq!(count(&app, "call_logs").await, 0);
    assert_eq!(count(&app, "contacts").await, 0);
    assert_eq!(files_on_disk(&app), Vec::<PathBuf>::new(), "no file left behind");
}

/// Sends a multipart upload by hand: headers declaring `declared` bytes, then `body`; then
/// either closes the connection (`drop`) or waits for the answer. Returns the status (0 if none).
async fn raw_upload(app: &TestApp, token: &str, declared: usize, body: &[u8], drop: bool) -> (u16, String) {
    let headers =
        format!("Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n");
    let tcp = raw_post(app, "/v1/calls/upload", &headers, declared, body).await;
    if drop {
        return (0, String::new());
    }
    answer(tcp).await
}

fn partial_body(audio_bytes: usize) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in [("call_id", CALL), ("phone", "57372333"), ("direction", "inbound")] {
        body.extend(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(b"--XyZ\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n\r\n");
    body.extend(wav(audio_bytes, 9));
    body
}

#[tokio::test]
async fn a_dropped_connection_or_a_stalled_phone_leaves_nothing() {
    let app = TestApp::spawn_with(|c| c.uploads.idle_timeout_seconds = 1).await;
    let phone = app.token("agent", "upload").await;
    let body = partial_body(50_000);
    raw_upload(&app, &phone, body.len() + 100_000, &body, true).await;
    eventually("the interrupted upload's cleanup", async || files_on_disk(&app).is_empty()).await;

    let (status, answer) = raw_upload(&app, &phone, body.len() + 100_000, &body, false).await;
    assert_eq!(status, 408, "{answer}");
    assert!(answer.contains("No data arrived for 1 seconds"), "{answer}");
    eventually("the stalled upload's cleanup", async || files_on_disk(&app).is_empty()).await;
    assert_eq!(count(&app, "call_logs").await, 0);
}

#[tokio::test]
async fn audio_is_served_with_ranges_and_conditional_requests() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let audio = wav(10_000, 7);
    let (_, body) = upload(&app, &phone, form(CALL, "57372333", audio.clone())).await;
    let url = app.url(&format!("/v1/calls/{}/audio", body["id"]));
    let agent = app.signed_in(AGENT).await;

    let full = agent.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    let headers: HeaderMap = full.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "audio/wav");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    assert!(headers.get(header::CONTENT_ENCODING).is_none(), "audio is not recompressed");
    assert_eq!(full.bytes().await.unwrap().as_ref(), audio.as_slice());
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let modified = headers[header::LAST_MODIFIED].to_str().unwrap().to_owned();

    let part = agent.get(&url).header(header::RANGE, "bytes=100-199").send().await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()[header::CONTENT_RANGE], "bytes 100-199/10000");
    assert_eq!(part.bytes().await.unwrap().as_ref(), &audio[100..200]);
    let tail = agent.get(&url).header(header::RANGE, "bytes=-10").send().await.unwrap();
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &audio[9990..]);
    let beyond = agent.get(&url).header(header::RANGE, "bytes=20000-").send().await.unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()[header::CONTENT_RANGE], "bytes */10000");

    let cached = agent.get(&url).header(header::IF_NONE_MATCH, &etag).send().await.unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let since = agent.get(&url).header(header::IF_MODIFIED_SINCE, &modified).send().await.unwrap();
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);
    let stale_range = agent
        .get(&url)
        .header(header::RANGE, "bytes=0-9")
        .header(header::IF_RANGE, "\"another\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale_range.status(), StatusCode::OK, "If-Range that does not match sends the whole file");
}

#[tokio::test]
async fn tokens_hold_their_scope_and_revocation_is_immediate() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in(ADMIN).await;
    let created = app
        .call(
            &admin,
            "admin/tokens/create",
            &[("username", "agent"), ("scope", "upload"), ("name", "Priya's phone")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let issued: Value = created.json().await.unwrap();
    let phone = issued["token"].as_str().unwrap().to_owned();
    assert_eq!(issued["summary"]["scope"], "upload");

    let client = reqwest::Client::new();
    let report =
        client.get(app.url("/v1/customer_contact_updates")).bearer_auth(&phone).send().await.unwrap();
    assert_eq!(report.status(), StatusCode::FORBIDDEN, "an upload token cannot read the report");
    let admin_api = app.token("admin", "api").await;
    let report =
        client.get(app.url("/v1/customer_contact_updates")).bearer_auth(&admin_api).send().await.unwrap();
    assert_eq!(report.status(), StatusCode::OK, "an admin's api token acts as the admin");
    let agent_api = app.token("agent", "api").await;
    let report =
        client.get(app.url("/v1/customer_contact_updates")).bearer_auth(&agent_api).send().await.unwrap();
    assert_eq!(report.status(), StatusCode::FORBIDDEN, "an agent's api token acts as the agent");

    let (status, _) = upload(&app, &phone, form(CALL, "57372333", wav(3000, 1))).await;
    assert_eq!(status, StatusCode::CREATED);
    let listed: Value = app.call(&admin, "admin/tokens/list", &[]).await.json().await.unwrap();
    let row = listed.as_array().unwrap().iter().find(|t| t["name"] == "Priya's phone").unwrap().clone();
    assert!(row["last_used_at"].is_string(), "last use is shown: {row}");

    let agent = app.signed_in(AGENT).await;
    assert_eq!(app.call(&agent, "admin/tokens/list", &[]).await.status(), StatusCode::FORBIDDEN);
    let id = row["id"].to_string();
    assert_eq!(app.call(&agent, "admin/tokens/revoke", &[("id", &id)]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.call(&admin, "admin/tokens/revoke", &[("id", &id)]).await.status(), StatusCode::OK);
    let (status, _) =
        upload(&app, &phone, form("99999999-9999-4999-8999-999999999999", "57372333", wav(3000, 2))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked token is refused at once");

    let audit = app.state().db.recent_audit(10).await.unwrap();
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert!(actions.contains(&"token.create") && actions.contains(&"token.revoke"), "{actions:?}");
    assert!(audit.iter().any(|(a, d)| a == "token.revoke" && d.contains("Priya's phone")));
    let bad = app
        .call(&admin, "admin/tokens/create", &[("username", "nobody"), ("scope", "root"), ("name", "")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Runs the `contactdesk` binary on the app's database and data folder.
fn contactdesk(app: &TestApp, args: &[&str]) -> std::process::Output {
    command(&app.config.storage.data_dir, &app.config.database.url, args).output().expect("run contactdesk")
}

#[tokio::test]
async fn fsck_finds_missing_changed_and_orphan_files() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let mut keys = Vec::new();
    for (i, call) in ["aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002", CALL]
        .into_iter()
        .enumerate()
    {
        let (status, _) = upload(&app, &phone, form(call, "57372333", wav(4000, i as u8))).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let clean = contactdesk(&app, &["fsck"]);
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stdout));
    for (_, key, _, _) in app.state().db.call_audio_index().await.unwrap() {
        keys.push(recordings(&app).join(key));
    }
    std::fs::remove_file(&keys[0]).unwrap();
    let mut changed = std::fs::read(&keys[1]).unwrap();
    changed[100] ^= 0xff;
    std::fs::write(&keys[1], changed).unwrap();
    std::fs::write(recordings(&app).join("calls/stray.wav"), b"who am I").unwrap_or_else(|_| {
        std::fs::create_dir_all(recordings(&app).join("calls")).unwrap();
        std::fs::write(recordings(&app).join("calls/stray.wav"), b"who am I").unwrap();
    });
    let out = contactdesk(&app, &["fsck"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "fsck must fail: {stdout}");
    assert!(stdout.contains("MISSING  call 1"), "{stdout}");
    assert!(stdout.contains("CHANGED  call 2") && stdout.contains("SHA-256"), "{stdout}");
    assert!(stdout.contains("ORPHAN   calls/stray.wav"), "{stdout}");
    assert!(stdout.contains("Checked the database and 3 recordings: 3 problem(s)."), "{stdout}");
}

#[tokio::test]
async fn fsck_beside_an_upload_in_progress_leaves_it_alone() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let fields = [
        ("call_id", CALL),
        ("phone", "57372333"),
        ("direction", "inbound"),
        ("started_at", "2026-11-20T10:30:00+04:00"),
        ("duration_seconds", "95"),
    ];
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(b"--XyZ\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n\r\n");
    body.extend(wav(400_000, 4));
    body.extend(b"\r\n--XyZ--\r\n");
    let (first, rest) = body.split_at(body.len() / 2);
    let addr = app.base.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/calls/upload HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {phone}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(first).await.unwrap();
    let staging = recordings(&app).join(".tmp");
    eventually("the upload being staged", async || {
        files_on_disk(&app).iter().any(|p| p.starts_with(&staging))
    })
    .await;

    let checked = contactdesk(&app, &["fsck"]);

    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stdout));
    tcp.write_all(rest).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer)).await.unwrap().unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "the upload completes after fsck: {answer}");
    assert_eq!(count(&app, "call_logs").await, 1);
}

#[tokio::test]
async fn the_reference_client_uploads_and_retries_with_the_same_call_id() {
    let app = TestApp::spawn().await;
    let phone = app.token("agent", "upload").await;
    let file = app.config.storage.data_dir.join("call.wav");
    std::fs::write(&file, wav(30_000, 8)).unwrap();
    let args = |call: &str| {
        vec![
            "upload-call".to_owned(),
            "--server".into(),
            app.base.clone(),
            "--file".into(),
            file.display().to_string(),
            "--phone".into(),
            "+230 5737 2333".into(),
            "--direction".into(),
            "outbound".into(),
            "--started-at".into(),
            "2026-11-24T09:00:00+04:00".into(),
            "--duration".into(),
            "61".into(),
            "--call-id".into(),
            call.into(),
        ]
    };
    // On a blocking thread: the test's runtime also serves the app the client talks to.
    let run = |call: &str, token: &str| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_contactdesk"));
        command
            .args(args(call))
            .env("CONTACTDESK_TOKEN", token)
            .env("CONTACTDESK_CONFIG", "/nonexistent.toml");
        async move { tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap() }
    };
    let first = run(CALL, &phone).await;
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let answer: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!((answer["call_id"].as_str(), answer["direction"].as_str()), (Some(CALL), Some("outbound")));
    let again = run(CALL, &phone).await;
    let replay: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(replay["id"], answer["id"], "the same call id is the same call");
    let refused = run("bbbbbbbb-0000-4000-8000-000000000001", "cdt_wrong").await;
    assert!(!refused.status.success());
    assert_eq!(count(&app, "call_logs").await, 1);
}

#[tokio::test]
async fn the_reference_client_reports_a_refused_token_instead_of_retrying_a_reset() {
    use contactdesk::server::upload_client::{UploadArgs, run};

    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long-call.wav");
    // Large, so the server's 401 comes while the body is still being sent: whether the client
    // then reads that answer or sees the connection reset, it reports 401 and does not retry.
    std::fs::write(&file, wav(8 * 1024 * 1024, 3)).unwrap();
    let args = UploadArgs {
        server: app.url(""),
        token: "cdt_revoked_or_never_issued_0000000000000000000".into(),
        file,
        phone: "5737 2333".into(),
        direction: "inbound".into(),
        started_at: "2026-11-24T09:00:00+04:00".into(),
        duration: 42,
        call_id: None,
        attempts: 5,
    };

    let started = std::time::Instant::now();
    let outcome = run(args).await;

    let error = outcome.expect_err("a refused token fails the upload");
    assert!(error.contains("401"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5), "no back-off retries for a refused token");
}

#[tokio::test]
async fn a_nearly_full_disk_refuses_uploads_and_imports_while_saves_still_work() {
    let app = TestApp::spawn_with(|c| c.storage.min_free_bytes = u64::MAX / 4).await;
    seed(&app).await;
    let phone = app.token("agent", "upload").await;
    let (status, body) = upload(&app, &phone, form(CALL, "57372333", wav(3000, 1))).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{body}");
    assert_eq!(body["error"]["code"], "insufficient_storage");
    assert!(files_on_disk(&app).is_empty());

    let admin = app.signed_in(ADMIN).await;
    let part = reqwest::multipart::Part::bytes(b"customer_id,name\n".to_vec()).file_name("x.csv");
    let import = admin
        .post(app.url("/api/admin/import"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(import.status(), StatusCode::INSUFFICIENT_STORAGE);

    // A correction is small and what matters most: it is still saved.
    let save = reqwest::Client::new()
        .post(app.url("/v1/customer_contact_updates"))
        .bearer_auth(app.token("agent", "api").await)
        .json(&serde_json::json!({"customer_id": "12345", "new_email": "kevin.new@example.mu", "update_reason": "Other"}))
        .send()
        .await
        .unwrap();
    assert_eq!(save.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn one_phone_gets_at_most_its_share_of_uploads_at_once() {
    let app = TestApp::spawn_with(|c| c.uploads.max_per_token = 1).await;
    let busy_phone = app.token("agent", "upload").await;
    let other_phone = app.token("agent", "upload").await;
    let body = partial_body(20_000);
    let headers =
        format!("Authorization: Bearer {busy_phone}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n");
    let in_progress = raw_post(&app, "/v1/calls/upload", &headers, body.len() + 100_000, &body).await;

    // Only once the stalled upload holds its place (else the second could take it first).
    eventually("the stalled upload admitted", async || app.state().uploads.running() == 1).await;
    let refused = reqwest::Client::new()
        .post(app.url("/v1/calls/upload"))
        .bearer_auth(&busy_phone)
        .multipart(form("00000000-0000-4000-8000-000000000002", "57372333", wav(3000, 2)))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "a second upload of the busy phone waits");
    assert_eq!(refused.headers()["retry-after"], "5");
    let (status, _) =
        upload(&app, &other_phone, form("00000000-0000-4000-8000-000000000003", "57372333", wav(3000, 3)))
            .await;
    assert_eq!(status, StatusCode::CREATED, "another phone is not held up");

    // The stalled upload goes; the busy phone's next one is taken.
    drop(in_progress);
    eventually("the stalled upload's place freed", async || app.state().uploads.running() == 0).await;
    let (status, _) =
        upload(&app, &busy_phone, form("00000000-0000-4000-8000-000000000002", "57372333", wav(3000, 2)))
            .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn an_upload_trickling_past_the_overall_cap_is_dropped() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn_with(|c| {
        c.uploads.idle_timeout_seconds = 1;
        c.uploads.max_seconds = 2;
    })
    .await;
    let phone = app.token("agent", "upload").await;
    let body = partial_body(1_000);
    let headers =
        format!("Authorization: Bearer {phone}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n");
    let mut tcp = raw_post(&app, "/v1/calls/upload", &headers, body.len() + 100_000, &body).await;
    // A byte every 300 ms, never idle for a second, until just before the cap; then the
    // answer (written while the client still sends, it could be lost to a reset).
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_millis(1_800) {
        tcp.write_all(b"\x01").await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (status, text) = answer(tcp).await;
    assert_eq!(status, 408, "{text}");
    assert!(text.contains("took longer than 2 seconds"), "{text}");
    eventually("the dropped upload's cleanup", async || files_on_disk(&app).is_empty()).await;
}

#[tokio::test]
async fn backup_and_fsck_never_migrate_the_live_database() {
    let app = TestApp::spawn().await;
    let pool = app.state().db.pool();
    // The database of an older binary: its newest migration not applied yet.
    let newest: i64 =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(pool).await.unwrap();
    sqlx::query("ALTER TABLE exports DROP COLUMN completed_at").execute(pool).await.unwrap();
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1").bind(newest).execute(pool).await.unwrap();
    let applied = async || -> i64 {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(pool).await.unwrap()
    };

    // Both read the schema (backup lists the files the database refers to): they refuse a
    // schema that is not their own, and change nothing.
    let copy = app.config.storage.data_dir.join("backup");
    for args in [&["backup", "--output", copy.to_str().unwrap()][..], &["fsck"]] {
        let tool = contactdesk(&app, args);
        assert!(!tool.status.success(), "{args:?}");
        let said = String::from_utf8_lossy(&tool.stderr);
        assert!(said.contains("never migrates") && said.contains("contactdesk migrate"), "{said}");
        assert_eq!(applied().await, newest - 1, "{args:?} migrated the live database");
    }

    // Neither creates a database that is not there.
    let missing = command(&app.config.storage.data_dir, "sqlite:///nonexistent-dir/none.db", &["fsck"])
        .output()
        .expect("run contactdesk");
    assert!(!missing.status.success());
}

#[tokio::test]
async fn a_recording_a_crash_left_without_its_call_log_is_cleared_by_the_server() {
    let app = TestApp::spawn_with(|c| c.auth.purge_every_seconds = 1).await;
    let phone = app.token("agent", "upload").await;
    let (status, _) = upload(&app, &phone, form(CALL, "57372333", wav(3000, 4))).await;
    assert_eq!(status, StatusCode::CREATED);
    let pool = app.state().db.pool();
    let notes = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM recording_intents").fetch_one(pool).await.unwrap()
    };
    assert_eq!(notes().await, 0, "an answered upload leaves no note");

    // What a crash between the move and the row leaves: the note and the file, no call log.
    // One is old (the crash was long ago), one young (an upload may still be in flight).
    let dir = recordings(&app).join("calls/2026/11");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, noted_at) in [("crashed-1.wav", 0), ("in-flight-2.wav", contactdesk::server::time::now_ms())] {
        std::fs::write(dir.join(name), wav(2000, 5)).unwrap();
        sqlx::query("INSERT INTO recording_intents (key, created_at) VALUES ($1, $2)")
            .bind(format!("calls/2026/11/{name}"))
            .bind(noted_at)
            .execute(pool)
            .await
            .unwrap();
    }

    eventually("the crashed upload's file removed", async || !dir.join("crashed-1.wav").exists()).await;
    eventually("its note forgotten", async || notes().await == 1).await;
    assert!(dir.join("in-flight-2.wav").exists(), "a young one may be an upload in flight");
    assert_eq!(count(&app, "call_logs").await, 1);
    let played = files_on_disk(&app).len();
    assert_eq!(played, 2, "the call's recording and the young one: {:?}", files_on_disk(&app));
}
