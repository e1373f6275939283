//! Structured logs: text for people, JSON for log shippers; every request line carries its id.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt};

use super::config::{LogFormat, LogSettings};

pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_new(&settings.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(true).with_ansi(std::io::stdout().is_terminal());
    // A second init (tests start several apps in one process) keeps the first subscriber.
    let _ = match settings.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
    };
}
