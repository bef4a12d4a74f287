//! Storage: sqlx over SQLite (the embedded default), migrations applied on open.
//!
//! Runtime `query`/`query_as` rather than the checked macros: no database is needed at
//! compile time, and the same code shape carries over to the PostgreSQL backend.

mod accounts;
mod export;
mod jobs;
mod leases;
mod retention;
mod search;
mod webhooks;

pub use accounts::{AccountRow, KeyRow, NewAccount};
pub use export::ExportRow;
pub use jobs::{ClaimedJob, FileRow, Inserted, NewJob, Outcome};
pub use leases::Reaped;
pub use search::Search;
pub use webhooks::{AttemptEnd, DueDelivery, WebhookSecrets};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Storage failures. The cause is logged; users see an internal error with a request id.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The job store.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`, e.g.
    /// `sqlite://data/ccjobs.db`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Reads through a shared memory map instead of a private page cache per
            // connection: the pool's connections then share one warm copy of the hot pages.
            .pragma("mmap_size", "1073741824")
            .pragma("cache_size", "-16000");
        let folder = options.get_filename().parent().map(|p| p.to_path_buf());
        if let Some(folder) = folder.filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(&folder).map_err(|source| StoreError::Folder {
                path: folder.display().to_string(),
                source,
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        // Keeps the planner's statistics fresh so it picks the index that fits each filter.
        sqlx::query("pragma optimize=0x10002").execute(&pool).await?;
        Ok(Self { pool })
    }
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
