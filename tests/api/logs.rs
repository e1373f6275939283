//! Every log line the apps of this test binary write, kept in memory: each `TestApp` checks, as
//! it ends, that no secret it issued (password, session, device cookie, API token) reached a
//! log line written during its life.

use std::{
    io::Write,
    sync::{Mutex, Once},
};

use aho_corasick::AhoCorasick;

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// What the app's own text logs would print, at debug level for the app and its HTTP layer.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::new("info,contactdesk=debug,tower_http=debug");
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_target(true)
            .with_writer(|| Capture)
            .try_init();
    });
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf).into_owned();
        LINES.lock().unwrap_or_else(|e| e.into_inner()).push(text);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where the log stands now.
pub fn mark() -> usize {
    LINES.lock().unwrap_or_else(|e| e.into_inner()).len()
}

/// The lines written since `mark`.
pub fn since(mark: usize) -> Vec<String> {
    LINES.lock().unwrap_or_else(|e| e.into_inner())[mark..].to_vec()
}

/// Each line since `mark` that holds one of `secrets`, with the secret.
pub fn leaks(mark: usize, secrets: &[String]) -> Vec<(String, String)> {
    let secrets: Vec<&String> = secrets.iter().filter(|s| s.len() >= 8).collect();
    if secrets.is_empty() {
        return Vec::new();
    }
    let finder = AhoCorasick::new(&secrets).expect("secrets make an automaton");
    since(mark)
        .into_iter()
        .filter_map(|line| {
            finder.find(&line).map(|m| (secrets[m.pattern().as_usize()].clone(), line.clone()))
        })
        .collect()
}
