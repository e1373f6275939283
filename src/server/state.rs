//! The state every handler and server function can reach; cheap to clone.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{
    config::Config, contact_updates::UpdateWriter, db::Db, device::DeviceKey, housekeeping::Housekeeper,
    mail::Mailer, metrics::Metrics, sign_in::PasswordGate, storage::AudioStorage, upload_gate::UploadGate,
};
use crate::{
    domain::{dashboard::Dashboard, overview::Overview},
    error::AppError,
};

/// The Overview figures aggregate every policy; with a book of 100,000 customers that is tens of
/// milliseconds, too much for every page view. They are recomputed at most this often.
const OVERVIEW_TTL: Duration = Duration::from_secs(15);

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub assets: Arc<Assets>,
    /// The group-commit writer of contact updates.
    pub updates: UpdateWriter,
    /// Wakes the email sender when a message is queued.
    pub mailer: Mailer,
    /// Where call recordings are stored.
    pub recordings: AudioStorage,
    /// The bound on concurrent password checks.
    pub passwords: PasswordGate,
    /// The bound on concurrent uploads.
    pub uploads: UploadGate,
    /// What `/metrics` reports.
    pub metrics: Arc<Metrics>,
    /// Signs and checks device cookies (see `device`).
    pub device_key: DeviceKey,
    /// Purges expired sessions and forgotten throttle counters while the server runs.
    housekeeper: Arc<Housekeeper>,
    demo_data: Arc<AtomicBool>,
    /// Held while the figures are recomputed, so concurrent page views wait for one computation
    /// instead of each starting their own.
    overview: Arc<tokio::sync::Mutex<Option<(Instant, Overview)>>>,
    /// The admin dashboard, shared the same way (see `dashboard`).
    pub(crate) dashboard: Arc<tokio::sync::Mutex<Option<(Instant, Dashboard)>>>,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        db: Db,
        config: Config,
        assets: Assets,
        recordings: AudioStorage,
        device_key: DeviceKey,
        demo: bool,
    ) -> Self {
        Self {
            recordings: recordings.clone(),
            passwords: PasswordGate::new(config.auth.max_concurrent_hashes),
            uploads: UploadGate::new(&config.uploads),
            metrics: Metrics::new(super::http::route_patterns().iter().cloned()),
            device_key,
            housekeeper: Arc::new(Housekeeper::start(db.clone(), recordings.clone(), &config)),
            leptos_options,
            updates: UpdateWriter::spawn(db.clone()),
            mailer: Mailer::start(db.clone(), &config.mail),
            db,
            config: Arc::new(config),
            assets: Arc::new(assets),
            demo_data: Arc::new(AtomicBool::new(demo)),
            overview: Arc::new(tokio::sync::Mutex::new(None)),
            dashboard: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }

    /// The Overview figures, at most [`OVERVIEW_TTL`] old; the user count only for admins.
    pub async fn overview(&self, include_users: bool) -> Result<Overview, AppError> {
        let mut cache = self.overview.lock().await;
        let mut figures = match cache.as_ref().filter(|(at, _)| at.elapsed() < OVERVIEW_TTL) {
            Some((_, figures)) => figures.clone(),
            None => {
                let fresh = self.db.overview(true).await?;
                *cache = Some((Instant::now(), fresh.clone()));
                fresh
            }
        };
        drop(cache);
        if !include_users {
            figures.active_users = None;
        }
        Ok(figures)
    }

    /// Whether the database holds generated demo data (shown as a banner in the UI).
    pub fn demo_data(&self) -> bool {
        self.demo_data.load(Ordering::Relaxed)
    }
}

/// Names of the built assets. With hashed file names (release builds) they change with their
/// content, so the browser may cache them for a year.
#[derive(Clone, Debug)]
pub struct Assets {
    pub css_href: String,
    pub hashed: bool,
}

impl Assets {
    /// Reads the hash file cargo-leptos writes beside the binary, as Leptos itself does for the
    /// JS and WASM names.
    pub fn discover(options: &LeptosOptions) -> Self {
        let pkg = options.site_pkg_dir.as_ref();
        let name = options.output_name.as_ref();
        let hashes =
            hash_file(options.hash_file.as_ref()).and_then(|path| std::fs::read_to_string(path).ok());
        let css_hash = hashes.as_deref().and_then(|text| {
            text.lines().find_map(|line| {
                let (kind, hash) = line.split_once(':')?;
                (kind.trim() == "css").then(|| hash.trim().to_owned())
            })
        });
        match css_hash {
            Some(hash) => Self { css_href: format!("/{pkg}/{name}.{hash}.css"), hashed: true },
            None => Self { css_href: format!("/{pkg}/{name}.css"), hashed: false },
        }
    }
}

/// The asset hash file cargo-leptos writes beside the binary, if this build has one.
pub fn hash_file(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join(name);
    path.exists().then_some(path)
}
