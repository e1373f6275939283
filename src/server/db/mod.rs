//! All SQL of the application lives under this module, one file per aggregate.
//!
//! The SQL is portable between SQLite and PostgreSQL: `$1` placeholders, `RETURNING`,
//! `ON CONFLICT`, `BIGINT` millisecond timestamps, `TRUE`/`FALSE` literals. Only connection
//! set-up, migrations and backup are backend-specific, and they are here.

pub mod api_tokens;
pub mod audit;
pub mod calls;
pub mod contact_updates;
pub mod contacts;
pub mod customers;
pub mod dashboard;
pub mod exports;
pub mod import;
pub mod meta;
pub mod outbox;
pub mod report;
pub mod search;
pub mod sessions;
pub mod throttle;
pub mod users;

use sqlx::{Encode, QueryBuilder, Sqlite, Type};

/// Appends `(v1, v2, …)` with every item bound: the IN lists of the batch queries.
fn push_in_list<'a, T>(q: &mut QueryBuilder<'a, Sqlite>, items: impl IntoIterator<Item = T>)
where
    T: 'a + Encode<'a, Sqlite> + Type<Sqlite>,
{
    q.push("(");
    let mut list = q.separated(", ");
    for item in items {
        list.push_bind(item);
    }
    q.push(")");
}

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    Connection, SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::config::DatabaseSettings;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");

/// A handle on the database; clones share one pool.
#[derive(Clone, Debug)]
pub struct Db {
    pool: SqlitePool,
}

impl Db {
    /// Opens (creating if needed) the database with durable settings: WAL journal,
    /// `synchronous=FULL` so an acknowledged commit survives power loss, foreign keys enforced,
    /// and a busy timeout so concurrent writers wait instead of failing.
    pub async fn connect(settings: &DatabaseSettings) -> Result<Self, sqlx::Error> {
        Self::connect_with(settings, true).await
    }

    /// The database as it is, for tools that read it beside a running server (`backup`,
    /// `fsck`): never created, never migrated.
    pub async fn connect_existing(settings: &DatabaseSettings) -> Result<Self, sqlx::Error> {
        Self::connect_with(settings, false).await
    }

    async fn connect_with(settings: &DatabaseSettings, create: bool) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(&settings.url)?
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_millis(settings.busy_timeout_ms))
            // Reads map the file instead of copying pages through read(): every commit
            // invalidates the other connections' page caches, so copies add up under load.
            .pragma("mmap_size", "268435456");
        if let Some(dir) = Path::new(options.get_filename()).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(1)
            // A connection to a local file does not go stale; the default ping before every
            // acquire doubled the round trips to SQLite's worker threads of each page.
            .test_before_acquire(false)
            // A statement or COMMIT that fails with a full disk makes SQLite roll the
            // transaction back itself; sqlx's own ROLLBACK then fails and it still counts the
            // transaction open, so every later BEGIN on that connection would fail until a
            // restart. Such a connection is closed instead (the pool opens a fresh one). Only a
            // connection released with a transaction counted open pays the extra round trip.
            .after_release(|conn, _| {
                Box::pin(async move {
                    if !conn.is_in_transaction() {
                        return Ok(true);
                    }
                    conn.ping().await?; // the queued rollback has run once this answers
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        MIGRATOR.run(&self.pool).await
    }

    /// The newest migration applied to the database, and the newest this binary has: a tool
    /// that reads the schema works only when they are the same.
    pub async fn schema_versions(&self) -> Result<(i64, i64), sqlx::Error> {
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?;
        let known = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
        Ok((applied.unwrap_or(0), known))
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Connections open and, of those, idle: the pool's use, for `/metrics`.
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// For `/readyz`: can we run a statement right now?
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// A consistent copy of the live database, taken without stopping the server.
    pub async fn backup_to(&self, target: &Path) -> Result<(), sqlx::Error> {
        sqlx::query("VACUUM INTO $1")
            .bind(target.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// A copy written by [`Db::backup_to`], opened read-only to list what it refers to.
    pub async fn open_copy(copy: &Path) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::new().filename(copy).read_only(true);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        Ok(Self { pool })
    }

    /// SQLite's own check of every page and index: `ok`, or what is wrong.
    pub async fn integrity_check(&self) -> Result<String, sqlx::Error> {
        let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&self.pool).await?;
        Ok(lines.join("; "))
    }

    /// The file a SQLite database URL names.
    fn file_of(settings: &DatabaseSettings) -> Result<std::path::PathBuf, String> {
        let options = SqliteConnectOptions::from_str(&settings.url)
            .map_err(|e| format!("the database URL {} is not valid: {e}", settings.url))?;
        Ok(options.get_filename().to_path_buf())
    }

    /// Whether the database `settings` name exists already: `restore` only fills a new one.
    pub fn exists(settings: &DatabaseSettings) -> Result<bool, String> {
        Ok(Self::file_of(settings)?.exists())
    }

    /// Puts a copy written by [`Db::backup_to`] in place as the database `settings` name,
    /// durably and never over one that exists (another process could have created it since
    /// [`Db::exists`] was asked).
    pub fn restore_copy(settings: &DatabaseSettings, copy: &Path) -> Result<(), String> {
        let target = Self::file_of(settings)?;
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", target.display());
        std::fs::create_dir_all(&dir).map_err(fail)?;
        let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
        std::io::copy(&mut std::fs::File::open(copy).map_err(fail)?, temp.as_file_mut()).map_err(fail)?;
        temp.as_file().sync_all().map_err(fail)?;
        temp.persist_noclobber(&target).map_err(|e| fail(e.error))?;
        std::fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(fail)
    }

    /// Waits for connections to finish and checkpoints the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
