//! `contactdesk upload-call`: the reference client of the upload contract, for the mobile team
//! to compare with and for operators to re-send a recording by hand. It streams the file (never
//! holding it in memory), sends its SHA-256 so the server can verify it, and retries transient
//! failures with back-off and the same call id, so a retry can never store a call twice.

use std::{path::PathBuf, time::Duration};

use clap::Args;
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

#[derive(Args, Debug)]
pub struct UploadArgs {
    /// The ContactDesk server, e.g. https://contactdesk.example.com
    #[arg(long)]
    pub server: String,
    /// An upload (or api) token; better passed in the environment than on the command line.
    #[arg(long, env = "CONTACTDESK_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The recording.
    #[arg(long)]
    pub file: PathBuf,
    /// The other party's number as the phone shows it (empty or "private" if withheld).
    #[arg(long, allow_hyphen_values = true)]
    pub phone: String,
    /// inbound or outbound
    #[arg(long)]
    pub direction: String,
    /// When the call started, RFC 3339 with offset (2026-11-25T10:30:00+04:00).
    #[arg(long)]
    pub started_at: String,
    /// The call's length in seconds.
    #[arg(long)]
    pub duration: u32,
    /// The call's UUID; a new one is made if not given. Reuse it to retry by hand.
    #[arg(long)]
    pub call_id: Option<String>,
    /// Attempts before giving up on transient failures.
    #[arg(long, default_value_t = 5)]
    pub attempts: u32,
}

pub async fn run(args: UploadArgs) -> Result<(), String> {
    let call_id = args.call_id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let (size, sha256) = digest(&args.file).await?;
    let url = format!("{}/v1/calls/upload", args.server.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .build()
        .map_err(|e| format!("cannot create the HTTP client: {e}"))?;
    let mut delay = Duration::from_secs(1);
    for attempt in 1..=args.attempts.max(1) {
        let outcome = send(&client, &url, &args, &call_id, size, &sha256).await;
        let retry = match outcome {
            Ok((status, body)) if status.is_success() => {
                println!("{body}");
                return Ok(());
            }
            Ok((status, body)) => {
                let transient = status.is_server_error()
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
                if !transient {
                    println!("{body}");
                    return Err(format!("the server refused the upload: {status}"));
                }
                format!("{status}")
            }
            Err(e) => {
                // A server that refuses the token answers before reading the body and closes
                // the connection, which a client still sending sees as a reset: ask once more,
                // without a body, so a revoked token is reported as such, not retried.
                if token_refused(&client, &args).await {
                    return Err(format!(
                        "the server refused the upload: {}",
                        reqwest::StatusCode::UNAUTHORIZED
                    ));
                }
                e
            }
        };
        if attempt == args.attempts.max(1) {
            return Err(format!("upload failed after {attempt} attempt(s): {retry}"));
        }
        eprintln!("attempt {attempt} failed ({retry}); retrying call {call_id} in {}s", delay.as_secs());
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(60));
    }
    unreachable!("the loop returns on its last attempt")
}

/// Whether the server refuses the token itself (401), asked with a body-less request.
async fn token_refused(client: &reqwest::Client, args: &UploadArgs) -> bool {
    let url = format!("{}/v1/calls?limit=1", args.server.trim_end_matches('/'));
    let answer = client.get(url).bearer_auth(&args.token).timeout(Duration::from_secs(15)).send().await;
    answer.is_ok_and(|r| r.status() == reqwest::StatusCode::UNAUTHORIZED)
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    args: &UploadArgs,
    call_id: &str,
    size: u64,
    sha256: &str,
) -> Result<(reqwest::StatusCode, String), String> {
    let file = tokio::fs::File::open(&args.file)
        .await
        .map_err(|e| format!("cannot open {}: {e}", args.file.display()))?;
    let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file));
    let name =
        args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "audio".into());
    let form = reqwest::multipart::Form::new()
        .text("call_id", call_id.to_owned())
        .text("phone", args.phone.clone())
        .text("direction", args.direction.clone())
        .text("started_at", args.started_at.clone())
        .text("duration_seconds", args.duration.to_string())
        .text("sha256", sha256.to_owned())
        .part("audio", reqwest::multipart::Part::stream_with_length(body, size).file_name(name));
    let response = client
        .post(url)
        .bearer_auth(&args.token)
        .multipart(form)
        .send()
        .await
        .map_err(|e| format!("cannot reach {url}: {e}"))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| format!("the answer was cut off: {e}"))?;
    Ok((status, text))
}

/// The file's size and SHA-256, read through once.
async fn digest(path: &PathBuf) -> Result<(u64, String), String> {
    let mut file =
        tokio::fs::File::open(path).await.map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).await.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, super::storage::hex(&hasher.finalize())))
}
