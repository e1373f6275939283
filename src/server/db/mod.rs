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
    SqlitePool,
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

    /// Waits for connections to finish and checkpoints the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
