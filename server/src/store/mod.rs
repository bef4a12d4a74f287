//! Storage: sqlx over SQLite (the embedded default) or PostgreSQL (several instances on
//! one database), migrations applied on open.
//!
//! Every method of [`Store`] is written once and compiled for each database (`on_pool!`
//! expands its body once per pool type), so each query is typed for the database it runs
//! on while the SQL stays in one place; [`Backend`] and [`Dialect`] hold what differs
//! (write transactions, placeholders, `for update skip locked` claims, file-name search).
//! Runtime `query`/`query_as` rather than the checked macros: no database is needed at
//! compile time.

mod accounts;
mod export;
mod inserts;
mod jobs;
mod leases;
mod retention;
mod search;
mod webhooks;

pub use accounts::{AccountRow, KeyRow, NewAccount};
pub use export::{ExportChunk, EXPORT_HEADER};
pub use jobs::{ClaimedJob, FileRow, Inserted, NewJob, Outcome};
pub use leases::Reaped;
pub use search::Search;
pub use webhooks::{AttemptEnd, DueDelivery, WebhookSecrets};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::Row;
use std::borrow::Cow;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Storage failures. The cause is logged; users see an internal error with a request id.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// SQLite's own API, where the store reads it directly (the CSV export).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Config(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The database behind the store. Every query of the store runs on either: the code is
/// written once ([`on_pool!`]) and the few places where the two differ ask [`Dialect`].
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which SQL the database speaks, where the two differ: placeholders, write locks, the
/// job claim, and file-name search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// Runs `$body` with `$pool` bound to the store's concrete pool: the body is compiled
/// once per backend, so each query is typed for the database it runs on.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// [`on_pool!`] for a method that writes: on SQLite its body runs on the store's one
/// writer connection (see [`Store::writer`]); on PostgreSQL on the pool as usual.
macro_rules! on_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.writer {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_writer;

/// What the store needs of a database beyond sqlx's `Executor`: implemented by the SQLite
/// and the PostgreSQL pool, so each method of [`Store`] — the one storage contract the
/// engine, the REST API and the server functions use — runs on either.
pub(crate) trait Backend {
    type Db: sqlx::Database;
    /// The SQL this database speaks where the two differ.
    const DIALECT: Dialect;
    /// A write transaction. SQLite's takes the write lock up front (`begin immediate`): a
    /// deferred transaction that reads first can fail at once with "database is locked"
    /// when another writer commits in between, busy timeout or not. PostgreSQL's row locks
    /// need nothing special.
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>> + Send;
}

impl Backend for SqlitePool {
    type Db = sqlx::Sqlite;
    const DIALECT: Dialect = Dialect::Sqlite;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>> + Send
    {
        self.begin_with("begin immediate")
    }
}

impl Backend for PgPool {
    type Db = sqlx::Postgres;
    const DIALECT: Dialect = Dialect::Postgres;
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>> + Send
    {
        self.begin()
    }
}

/// Typed column reads that row mappers share across backends (a missing column or a wrong
/// type is a bug in our SQL, and panics as sqlx's `get` does).
pub(crate) trait Columns {
    fn text(&self, column: &str) -> String;
    fn opt_text(&self, column: &str) -> Option<String>;
    fn int(&self, column: &str) -> i64;
    fn opt_int(&self, column: &str) -> Option<i64>;
    fn bytes(&self, column: &str) -> Vec<u8>;
}

macro_rules! columns_for {
    ($row:ty) => {
        impl Columns for $row {
            fn text(&self, column: &str) -> String {
                self.get(column)
            }
            fn opt_text(&self, column: &str) -> Option<String> {
                self.get(column)
            }
            fn int(&self, column: &str) -> i64 {
                self.get(column)
            }
            fn opt_int(&self, column: &str) -> Option<i64> {
                self.get(column)
            }
            fn bytes(&self, column: &str) -> Vec<u8> {
                self.get(column)
            }
        }
    };
}
columns_for!(SqliteRow);
columns_for!(PgRow);

/// The PostgreSQL channel on which a new job is announced (`pg_notify` at commit).
pub const JOBS_CHANNEL: &str = "ccjobs_jobs";

/// The job store.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// Where writes go. SQLite takes one writer at a time: when every pool connection may
    /// write, the ones that find the lock taken sleep in SQLite's busy handler (1, 2, 5 …
    /// 100 ms) and each writer's page cache is thrown away by the others' commits. One
    /// connection for writes queues them in this process instead, in order, and keeps its
    /// pages warm. On PostgreSQL this is the pool itself.
    pub(crate) writer: Pool,
    /// Where submissions go to be stored together ([`inserts`]); `None` in the inserter's
    /// own copy of the store.
    inserts: Option<tokio::sync::mpsc::Sender<inserts::Pending>>,
    /// How recent searches were planned ([`search::PlanCache`]).
    plans: std::sync::Arc<search::PlanCache>,
}

impl Store {
    /// Opens and migrates the database at `url`: `sqlite://PATH` (the file and its folder
    /// are created) or `postgres://…` (the database must exist).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let (pool, writer) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = open_postgres(url).await?;
            (Pool::Postgres(pool.clone()), Pool::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let (pool, writer) = open_sqlite(url).await?;
            (Pool::Sqlite(pool), Pool::Sqlite(writer))
        } else {
            return Err(StoreError::Config(format!(
                "DATABASE_URL {url:?} names no database ccjobs knows; use sqlite://PATH or postgres://USER@HOST/DATABASE"
            )));
        };
        let mut store = Self {
            pool,
            writer,
            inserts: None,
            plans: Default::default(),
        };
        store.start_inserter();
        Ok(store)
    }

    /// Wakes `wake` whenever another instance (or this one) queues a job, for as long as
    /// the returned task runs; `None` on SQLite, where all workers share one process and
    /// its own `Notify`. A lost connection is re-opened after a second (the workers' poll
    /// covers the gap).
    pub fn listen_for_jobs(
        &self,
        wake: std::sync::Arc<tokio::sync::Notify>,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let Pool::Postgres(pool) = &self.pool else {
            return None;
        };
        let pool = pool.clone();
        Some(tokio::spawn(async move {
            loop {
                let listening = async {
                    let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
                    listener.listen(JOBS_CHANNEL).await?;
                    loop {
                        listener.recv().await?;
                        wake.notify_one();
                    }
                };
                let result: Result<(), sqlx::Error> = listening.await;
                if let Err(e) = result {
                    tracing::warn!(error = %e, "not listening for new jobs; workers poll meanwhile");
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }))
    }

    pub fn dialect(&self) -> Dialect {
        fn of<B: Backend>(_: &B) -> Dialect {
            B::DIALECT
        }
        on_pool!(self, pool => of(pool))
    }

    /// `sql` with its `?` placeholders as this database wants them (`$1`, `$2`, … on
    /// PostgreSQL). Our SQL has no `?` inside string literals.
    pub(crate) fn sql<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        match self.dialect() {
            Dialect::Sqlite => Cow::Borrowed(sql),
            Dialect::Postgres => {
                let mut out = String::with_capacity(sql.len() + 16);
                let mut n = 0;
                for c in sql.chars() {
                    if c == '?' {
                        n += 1;
                        out.push('$');
                        out.push_str(&n.to_string());
                    } else {
                        out.push(c);
                    }
                }
                Cow::Owned(out)
            }
        }
    }
}

/// The read pool and the one writer connection (its own pool of one, which queues writers
/// in order).
async fn open_sqlite(url: &str) -> StoreResult<(SqlitePool, SqlitePool)> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
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
        .connect_with(options.clone())
        .await?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    // Keeps the planner's statistics fresh so it picks the index that fits each filter.
    sqlx::query("pragma optimize=0x10002").execute(&pool).await?;
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?;
    Ok((pool, writer))
}

async fn open_postgres(url: &str) -> StoreResult<PgPool> {
    let options = PgConnectOptions::from_str(url)?.application_name("ccjobs");
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    // Several instances may start at once: sqlx's migrator takes an advisory lock, so one
    // applies the migrations and the others wait and find them applied.
    sqlx::migrate!("./migrations/postgres").run(&pool).await?;
    Ok(pool)
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
