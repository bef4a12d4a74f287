//! Reads for the CSV export and the detail view: the export's batches, lineage, settings.
//!
//! The export writes CSV straight from the database's rows, one batch per round trip. On
//! SQLite the batch is read through SQLite's own API (rusqlite on the pool connection's
//! handle) on a blocking thread: sqlx hands each row from its worker thread to the async
//! side one at a time, which cost more than everything else in an export of a million rows
//! (docs/PERFORMANCE.md, "CSV export"). PostgreSQL's rows come through sqlx.

use super::jobs::{corrupt, job_id};
use super::search::{push_filter, PlainSql, Search, SqlValue};
use super::{now_ms, on_pool, on_writer, Columns, Pool, Store, StoreError, StoreResult};
use app::filter::{Cursor, JobFilter};
use app::model::{AccountId, JobId};
use app::time::Timestamp;
use sqlx::QueryBuilder;

/// The export's columns, in the order [`CsvBatch::row`] writes them.
pub const EXPORT_HEADER: [&str; 12] = [
    "Job ID",
    "Submitted",
    "Type",
    "Source profile",
    "Target profile",
    "Frame rate",
    "Status",
    "Error",
    "Source file name",
    "Job source",
    "Finished",
    "Retry of",
];

/// What the export reads of each job, in [`EXPORT_HEADER`]'s order.
const EXPORT_COLUMNS: &str = "id, created_at, job_type, source_profile, target_profile, frame_rate, \
     status, error, source_file_name, source, finished_at, retry_of";

/// One batch of the export: its CSV lines, how many, and the last row's key.
#[derive(Debug, Clone, Default)]
pub struct ExportChunk {
    pub csv: Vec<u8>,
    pub rows: u32,
    pub last: Option<(Timestamp, JobId)>,
}

/// One job's cells, borrowed from the row that holds them (UTF-8, as stored: the export
/// copies bytes rather than checking each cell again).
struct ExportCells<'r> {
    id: &'r [u8],
    created_at: i64,
    job_type: &'r [u8],
    source_profile: Option<&'r [u8]>,
    target_profile: Option<&'r [u8]>,
    frame_rate: Option<&'r [u8]>,
    status: &'r [u8],
    error: Option<&'r [u8]>,
    source_file_name: Option<&'r [u8]>,
    source: &'r [u8],
    finished_at: Option<i64>,
    retry_of: Option<&'r [u8]>,
}

/// CSV lines (RFC 4180, `\n` line ends, fields quoted only when they must be: what the
/// `csv` crate writes, which the tests hold it to).
struct CsvBatch {
    out: Vec<u8>,
    rows: u32,
    last: Option<(i64, Vec<u8>)>,
}

impl CsvBatch {
    fn new(rows: u32) -> Self {
        Self {
            out: Vec::with_capacity(rows as usize * 160),
            rows: 0,
            last: None,
        }
    }

    fn row(&mut self, c: &ExportCells<'_>) {
        let w = &mut self.out;
        field(w, c.id);
        w.push(b',');
        w.extend_from_slice(&Timestamp(c.created_at).rfc3339_bytes());
        w.push(b',');
        field(w, c.job_type);
        w.push(b',');
        text(w, c.source_profile);
        w.push(b',');
        text(w, c.target_profile);
        w.push(b',');
        text(w, c.frame_rate);
        w.push(b',');
        field(w, c.status);
        w.push(b',');
        text(w, c.error);
        w.push(b',');
        text(w, c.source_file_name);
        w.push(b',');
        field(w, c.source);
        w.push(b',');
        if let Some(t) = c.finished_at {
            w.extend_from_slice(&Timestamp(t).rfc3339_bytes());
        }
        w.push(b',');
        field(w, c.retry_of.unwrap_or_default());
        w.push(b'\n');
        self.rows += 1;
        // Only the last row's key is kept; the ID is copied once per batch, not per row.
        match &mut self.last {
            Some((time, id)) => {
                *time = c.created_at;
                id.clear();
                id.extend_from_slice(c.id);
            }
            None => self.last = Some((c.created_at, c.id.to_vec())),
        }
    }

    fn finish(self) -> StoreResult<ExportChunk> {
        let last = match self.last {
            Some((time, id)) => {
                let id = String::from_utf8_lossy(&id);
                Some((Timestamp(time), job_id(&id)?))
            }
            None => None,
        };
        Ok(ExportChunk {
            csv: self.out,
            rows: self.rows,
            last,
        })
    }
}

/// A cell, in quotes (its own quotes doubled) when it holds a quote, a comma or a line break.
fn field(w: &mut Vec<u8>, cell: &[u8]) {
    if !cell.iter().any(|&b| matches!(b, b'"' | b',' | b'\n' | b'\r')) {
        w.extend_from_slice(cell);
        return;
    }
    w.push(b'"');
    for &b in cell {
        if b == b'"' {
            w.push(b'"');
        }
        w.push(b);
    }
    w.push(b'"');
}

/// A text cell. Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return as a formula (OWASP "CSV injection"): such a cell gets a leading
/// apostrophe, which makes it text. NULL is the empty cell.
fn text(w: &mut Vec<u8>, cell: Option<&[u8]>) {
    let cell = cell.unwrap_or_default();
    match cell.first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => field(w, &[b"'", cell].concat()),
        _ => field(w, cell),
    }
}

impl Store {
    /// The next `limit` rows of a filter as CSV lines, newest first, strictly older than
    /// `after`. The export walks the whole view this way, one batch in memory at a time.
    pub async fn export_chunk(
        &self,
        account: AccountId,
        filter: &JobFilter,
        now: Timestamp,
        after: Option<(Timestamp, JobId)>,
        search: &Search,
        limit: u32,
    ) -> StoreResult<ExportChunk> {
        let after = after.map(|(created_at, id)| Cursor::After { created_at, id });
        let mut batch = CsvBatch::new(limit);
        if let Pool::Sqlite(pool) = &self.pool {
            let mut sql = PlainSql::default();
            sql.sql.push_str(&format!("select {EXPORT_COLUMNS} from jobs"));
            push_filter(&mut sql, account, filter, now, search, after);
            sql.sql.push_str(" order by created_at desc, id desc limit ?");
            sql.values.push(SqlValue::Int(i64::from(limit)));
            let conn = pool.acquire().await?;
            return tokio::task::spawn_blocking(move || sqlite_batch(conn, &sql, batch))
                .await
                .map_err(|e| StoreError::Corrupt(format!("export thread: {e}")))?;
        }
        on_pool!(self, pool => {
            let mut qb = QueryBuilder::new(format!("select {EXPORT_COLUMNS} from jobs"));
            push_filter(&mut qb, account, filter, now, search, after);
            qb.push(" order by created_at desc, id desc limit ")
                .push_bind(i64::from(limit));
            for r in qb.build().fetch_all(pool).await? {
                let (id, job_type, status, source) =
                    (r.text("id"), r.text("job_type"), r.text("status"), r.text("source"));
                let (source_profile, target_profile, frame_rate) = (
                    r.opt_text("source_profile"),
                    r.opt_text("target_profile"),
                    r.opt_text("frame_rate"),
                );
                let (error, source_file_name, retry_of) =
                    (r.opt_text("error"), r.opt_text("source_file_name"), r.opt_text("retry_of"));
                batch.row(&ExportCells {
                        id: id.as_bytes(),
                        created_at: r.int("created_at"),
                        job_type: job_type.as_bytes(),
                        source_profile: source_profile.as_deref().map(str::as_bytes),
                        target_profile: target_profile.as_deref().map(str::as_bytes),
                        frame_rate: frame_rate.as_deref().map(str::as_bytes),
                        status: status.as_bytes(),
                        error: error.as_deref().map(str::as_bytes),
                        source_file_name: source_file_name.as_deref().map(str::as_bytes),
                        source: source.as_bytes(),
                        finished_at: r.opt_int("finished_at"),
                        retry_of: retry_of.as_deref().map(str::as_bytes),
                });
            }
        });
        batch.finish()
    }

    /// The jobs that retried this one.
    pub async fn retried_as(&self, account: AccountId, id: JobId) -> StoreResult<Vec<JobId>> {
        let sql =
            self.sql("select id from jobs where retry_of = ? and account_id = ? order by created_at, id");
        let ids: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(&sql)
            .bind(id.to_string())
            .bind(account.to_string())
            .fetch_all(pool)
            .await?);
        ids.iter().map(|s| job_id(s)).collect()
    }

    /// A server-wide setting, created with `make` on first use.
    pub async fn setting_or_insert(&self, name: &str, make: impl FnOnce() -> String) -> StoreResult<String> {
        let fresh = make();
        let insert =
            self.sql("insert into settings (name, value) values (?, ?) on conflict (name) do nothing");
        let select = self.sql("select value from settings where name = ?");
        let value: Option<String> = on_writer!(self, pool => {
            sqlx::query(&insert).bind(name).bind(&fresh).execute(pool).await?;
            sqlx::query_scalar(&select).bind(name).fetch_optional(pool).await?
        });
        value.ok_or_else(|| corrupt("setting", name))
    }

    /// Milliseconds now, as the store sees it (one clock for filters and exports).
    pub fn now(&self) -> Timestamp {
        Timestamp(now_ms())
    }
}

impl rusqlite::ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            SqlValue::Text(s) => s.to_sql(),
            SqlValue::Int(i) => i.to_sql(),
        }
    }
}

/// One batch on SQLite, on a blocking thread: the pool connection is locked away from
/// sqlx's worker while SQLite's API steps the statement, and handed back to the pool after.
fn sqlite_batch(
    mut conn: sqlx::pool::PoolConnection<sqlx::Sqlite>,
    sql: &PlainSql,
    mut batch: CsvBatch,
) -> StoreResult<ExportChunk> {
    let mut handle = tokio::runtime::Handle::current().block_on(conn.lock_handle())?;
    // SAFETY: the handle is a live connection that sqlx's worker leaves alone while `handle`
    // holds its lock; rusqlite's connection borrows it (it does not close a connection made
    // `from_handle`) and is dropped, with its statement, before the lock is released.
    let db = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr()) }?;
    {
        let mut statement = db.prepare(&sql.sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(sql.values.iter()))?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| {
                r.get_ref(i)
                    .and_then(|v| v.as_bytes().map_err(|e| conversion(i, e)))
            };
            let opt_text = |i: usize| {
                r.get_ref(i)
                    .and_then(|v| v.as_bytes_or_null().map_err(|e| conversion(i, e)))
            };
            let opt_int = |i: usize| {
                r.get_ref(i)
                    .and_then(|v| v.as_i64_or_null().map_err(|e| conversion(i, e)))
            };
            let cells = ExportCells {
                id: text(0)?,
                created_at: r.get(1)?,
                job_type: text(2)?,
                source_profile: opt_text(3)?,
                target_profile: opt_text(4)?,
                frame_rate: opt_text(5)?,
                status: text(6)?,
                error: opt_text(7)?,
                source_file_name: opt_text(8)?,
                source: text(9)?,
                finished_at: opt_int(10)?,
                retry_of: opt_text(11)?,
            };
            batch.row(&cells);
        }
    }
    drop(db);
    drop(handle);
    batch.finish()
}

fn conversion(column: usize, e: rusqlite::types::FromSqlError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Null, Box::new(e))
}
