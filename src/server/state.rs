//! The state every handler and server function can reach; cheap to clone.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{config::Config, contact_updates::UpdateWriter, db::Db};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub assets: Arc<Assets>,
    /// The group-commit writer of contact updates.
    pub updates: UpdateWriter,
    demo_data: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db, config: Config, assets: Assets, demo: bool) -> Self {
        Self {
            leptos_options,
            updates: UpdateWriter::spawn(db.clone()),
            db,
            config: Arc::new(config),
            assets: Arc::new(assets),
            demo_data: Arc::new(AtomicBool::new(demo)),
        }
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
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok());
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
