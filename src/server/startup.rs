//! Building the application from its configuration: database, demo data, assets, router.

use std::{net::SocketAddr, path::Path, time::Duration};

use leptos::config::LeptosOptions;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use super::{
    AppState, config::Config, db::Db, device::DeviceKey, http, seed, state::Assets, storage::AudioStorage,
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the database {url}: {source}")]
    Database { url: String, source: sqlx::Error },
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot seed demo data: {0}")]
    Seed(String),
    #[error("cannot open the recordings folder {path}: {source}")]
    Storage { path: String, source: std::io::Error },
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
}

/// Opens and migrates the database named by the configuration.
pub async fn open_db(config: &Config) -> Result<Db, StartError> {
    std::fs::create_dir_all(&config.storage.data_dir).map_err(|e| StartError::Database {
        url: config.storage.data_dir.display().to_string(),
        source: sqlx::Error::Io(e),
    })?;
    let db = Db::connect(&config.database)
        .await
        .map_err(|source| StartError::Database { url: config.database.url.clone(), source })?;
    db.migrate().await?;
    Ok(db)
}

/// The database for a tool that reads it beside a running server (`backup`, `fsck`): it must
/// exist already, and it is never migrated — a newer binary's tool must not change the schema
/// under the server that is running on it. Its schema must be exactly this binary's, since the
/// tool reads its tables.
pub async fn open_existing_db(config: &Config) -> Result<Db, String> {
    let db = Db::connect_existing(&config.database)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", config.database.url))?;
    let (applied, known) = db.schema_versions().await.map_err(|e| format!("cannot read the schema: {e}"))?;
    if applied != known {
        db.close().await;
        return Err(format!(
            "the database's schema is at migration {applied} and this binary's at {known}: run the binary \
             that serves this database, or `contactdesk migrate` first (this command never migrates)"
        ));
    }
    Ok(db)
}

/// The call recordings' store (`<data_dir>/recordings`), as it is: `fsck` reads it beside a
/// server receiving uploads.
pub async fn open_recordings(config: &Config) -> Result<AudioStorage, StartError> {
    let path = config.storage.data_dir.join("recordings");
    AudioStorage::local(path.clone())
        .await
        .map_err(|source| StartError::Storage { path: path.display().to_string(), source })
}

/// Everything `serve` needs, ready to route.
pub async fn build_state(config: Config) -> Result<AppState, StartError> {
    // Validated with the configuration; the default zone stands in should it not parse here.
    if let Ok(zone) = super::time::parse_zone(&config.business.time_zone) {
        super::time::set_zone(zone);
    }
    let db = open_db(&config).await?;
    let recordings = open_recordings(&config).await?;
    if config.demo.seed
        && let seed::Seeded::Yes { .. } =
            seed::seed_if_empty(&db).await.map_err(|e| StartError::Seed(e.to_string()))?
    {
        seed::seed_calls(&db, &recordings).await.map_err(|e| StartError::Seed(e.to_string()))?;
    }
    match db.index_missing_names().await {
        Ok(n) if n > 0 => tracing::info!(contacts = n, "search index built for existing contacts"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not index contact names"),
    }
    let demo = db.is_demo_data().await.unwrap_or(false);
    let idle = Duration::from_secs(config.uploads.idle_timeout_seconds);
    if let Err(e) = recordings.remove_abandoned(idle).await {
        tracing::warn!(error = %e, "could not remove the temporary files of interrupted uploads");
    }
    // An import's spool older than any import may run was left by a crash (personal data).
    match super::import::remove_abandoned_spools(&config.storage.data_dir, 2 * http::IMPORT_LIMIT).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "spool files of interrupted imports removed"),
        Err(e) => tracing::warn!(error = %e, "could not remove the spool files of interrupted imports"),
    }
    let device_key = DeviceKey::load(&db)
        .await
        .map_err(|source| StartError::Database { url: config.database.url.clone(), source })?;
    let options = leptos_options(&config);
    let assets = Assets::discover(&options);
    Ok(AppState::new(options, db, config, assets, recordings, device_key, demo))
}

fn leptos_options(config: &Config) -> LeptosOptions {
    let hashed = super::state::hash_file("hash.txt").is_some();
    LeptosOptions::builder()
        .output_name("contactdesk")
        .site_root(config.server.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.server.site_addr)
        .hash_files(hashed)
        .build()
}

/// A running server; dropping it does not stop it, [`Running::stop`] does.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Graceful stop: in-flight requests finish, then the database is closed.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        if let Ok(Err(e)) = self.task.await {
            tracing::error!(error = %e, "server stopped with an error");
        }
        self.state.mailer.stop().await;
        self.state.db.close().await;
    }
}

/// Starts serving on `config.server.site_addr` (port 0 picks a free port).
pub async fn start(config: Config) -> Result<Running, StartError> {
    let addr = config.server.site_addr;
    let state = build_state(config).await?;
    let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Listen { addr, source })?;
    let (shutdown, rx) = oneshot::channel::<()>();
    let app = http::router(state.clone());
    let task =
        tokio::spawn(http::serve(listener, app, state.config.server.header_read_timeout(), async move {
            let _ = rx.await;
        }));
    Ok(Running { addr, state, shutdown, task })
}

/// Whether the site was built (by `make build`): without it pages render but never hydrate.
pub fn site_is_built(config: &Config) -> bool {
    Path::new(&config.server.site_root).join("pkg").is_dir()
}
