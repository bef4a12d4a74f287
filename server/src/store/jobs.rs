//! Jobs and their files: insert, keyset-paged listing, claim with a lease, finish, delete.

use super::search::{push_count, push_filter, Search};
use super::{now_ms, on_pool, on_writer, Backend, Columns, Store, StoreError, StoreResult};
use app::description::JobDescription;
use app::filter::{Cursor, JobFilter, PageRequest};
use app::model::{AccountId, Job, JobId, JobPage, JobSource, JobSummary};
use app::time::Timestamp;
use sqlx::QueryBuilder;

/// A job to enqueue, with its source file.
pub struct NewJob {
    pub id: JobId,
    pub account: AccountId,
    pub source: JobSource,
    pub retry_of: Option<JobId>,
    pub description: JobDescription,
    pub source_file: Option<FileRow>,
    /// The client's `Idempotency-Key`, if it sent one.
    pub idempotency_key: Option<String>,
}

/// What `insert_job` did.
pub enum Inserted {
    New(Job),
    /// The account already used this idempotency key: its job, untouched.
    Existing(Job),
}

/// A stored file of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// A job a worker holds, with what it needs to run it.
#[derive(Debug)]
pub struct ClaimedJob {
    pub job: Job,
    pub account: AccountId,
    pub lease_token: String,
    pub source_file: Option<FileRow>,
}

/// How a run ended.
pub enum Outcome {
    Passed {
        target: FileRow,
        warnings: Vec<String>,
    },
    Failed {
        error: String,
    },
    /// A transient failure (an engine unreachable, busy or failing): worth another try,
    /// after `retry_after` if the engine said so. The engine turns it into a requeue or,
    /// after the last attempt, a failure; the store never records it as such.
    Retry {
        error: String,
        retry_after: Option<std::time::Duration>,
    },
}

pub(super) const SUMMARY_COLUMNS: &str = "id, created_at, job_type, status, source, source_profile, \
     target_profile, frame_rate, source_file_name, error_summary, retry_of";

pub(super) const JOB_COLUMNS: &str = "id, account_id, created_at, job_type, status, source, source_profile, \
     target_profile, frame_rate, source_file_name, target_file_name, description, error, \
     warnings, attempts, started_at, finished_at, retry_of";

pub(super) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

pub(super) fn job_id(s: &str) -> StoreResult<JobId> {
    s.parse().map_err(|_| corrupt("job id", s))
}

fn opt_job_id(s: Option<String>) -> StoreResult<Option<JobId>> {
    s.as_deref().map(job_id).transpose()
}

fn word<T: std::str::FromStr>(what: &str, s: &str) -> StoreResult<T> {
    s.parse().map_err(|_| corrupt(what, s))
}

fn file_from_row(r: &impl Columns) -> FileRow {
    FileRow {
        name: r.text("name"),
        content_type: r.text("content_type"),
        data: r.bytes("data"),
    }
}

pub(super) fn summary_from_row(r: &impl Columns) -> StoreResult<JobSummary> {
    Ok(JobSummary {
        id: job_id(&r.text("id"))?,
        created_at: Timestamp(r.int("created_at")),
        job_type: word("job_type", &r.text("job_type"))?,
        status: word("status", &r.text("status"))?,
        source: word("source", &r.text("source"))?,
        source_profile: r.opt_text("source_profile"),
        target_profile: r.opt_text("target_profile"),
        frame_rate: r.opt_text("frame_rate"),
        source_file_name: r.opt_text("source_file_name"),
        error_summary: r.opt_text("error_summary"),
        retry_of: opt_job_id(r.opt_text("retry_of"))?,
    })
}

pub(super) fn job_from_row(r: &impl Columns) -> StoreResult<Job> {
    let description = r.text("description");
    let warnings = r.text("warnings");
    Ok(Job {
        id: job_id(&r.text("id"))?,
        status: word("status", &r.text("status"))?,
        job_type: word("job_type", &r.text("job_type"))?,
        source: word("source", &r.text("source"))?,
        created_at: Timestamp(r.int("created_at")),
        started_at: r.opt_int("started_at").map(Timestamp),
        finished_at: r.opt_int("finished_at").map(Timestamp),
        source_profile: r.opt_text("source_profile"),
        target_profile: r.opt_text("target_profile"),
        frame_rate: r.opt_text("frame_rate"),
        source_file_name: r.opt_text("source_file_name"),
        target_file_name: r.opt_text("target_file_name"),
        error: r.opt_text("error"),
        warnings: serde_json::from_str(&warnings).map_err(|_| corrupt("warnings", &warnings))?,
        attempts: u32::try_from(r.int("attempts")).unwrap_or(0),
        retry_of: opt_job_id(r.opt_text("retry_of"))?,
        description: JobDescription::parse(&description).map_err(|_| corrupt("description", &description))?,
    })
}

/// Stores a job's file in the transaction `$tx` of the store `$store`.
macro_rules! insert_file {
    ($store:expr, $tx:expr, $id:expr, $kind:expr, $file:expr) => {{
        let file: &$crate::store::FileRow = $file;
        sqlx::query(
            &$store
                .sql("insert into job_files (job_id, kind, name, content_type, data) values (?, ?, ?, ?, ?)"),
        )
        .bind($id.to_string())
        .bind($kind)
        .bind(&file.name)
        .bind(&file.content_type)
        .bind(&file.data)
        .execute(&mut *$tx)
        .await
        .map(drop)
    }};
}
pub(super) use insert_file;

impl Store {
    /// Stores a queued job with its source file; returns it as stored (before any worker
    /// can claim it). Jobs without an idempotency key are stored together with whatever
    /// else is being submitted at the moment ([`Store::insert_grouped`]).
    pub async fn insert_job(&self, job: NewJob) -> StoreResult<Inserted> {
        let d = &job.description;
        // The row as the insert stores it (the columns' defaults included).
        let stored = Job {
            id: job.id,
            status: app::model::JobStatus::Queued,
            job_type: d.job_type(),
            source: job.source,
            created_at: Timestamp(now_ms()),
            started_at: None,
            finished_at: None,
            source_profile: d.fields.source_profile.clone(),
            target_profile: d.fields.target_profile.clone(),
            frame_rate: d.frame_rate(),
            source_file_name: job.source_file.as_ref().map(|f| f.name.clone()),
            target_file_name: None,
            error: None,
            warnings: Vec::new(),
            attempts: 0,
            retry_of: job.retry_of,
            description: d.clone(),
        };
        if job.idempotency_key.is_some() {
            return self.insert_keyed(&job, stored).await;
        }
        self.insert_grouped(job, stored.created_at.0).await?;
        Ok(Inserted::New(stored))
    }

    /// A job with an idempotency key, in its own transaction: the earlier job of the key,
    /// or this one stored with the key.
    async fn insert_keyed(&self, job: &NewJob, stored: Job) -> StoreResult<Inserted> {
        let d = &job.description;
        let select_job = self
            .sql(&format!("select {JOB_COLUMNS} from jobs where id = ?"))
            .into_owned();
        let find_key = self.sql("select job_id from idempotency_keys where account_id = ? and key = ?");
        let insert = self.sql(
            "insert into jobs (id, account_id, created_at, job_type, status, source, retry_of, \
             source_profile, target_profile, frame_rate, source_file_name, description) \
             values (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
        );
        let insert_key = self
            .sql("insert into idempotency_keys (account_id, key, job_id, created_at) values (?, ?, ?, ?)");
        let postgres = self.dialect() == super::Dialect::Postgres;
        let key_lock = self.sql("select pg_advisory_xact_lock(hashtextextended(?, 0))");
        let notify = format!("select pg_notify('{}', '')", super::JOBS_CHANNEL);
        on_writer!(self, pool => {
            let mut tx = pool.begin_write().await?;
            if let Some(key) = &job.idempotency_key {
                // Under the write lock (SQLite) or a lock on the key for this transaction
                // (PostgreSQL): two requests with one key cannot both insert.
                if postgres {
                    sqlx::query(&key_lock)
                        .bind(format!("{}\n{key}", job.account))
                        .execute(&mut *tx)
                        .await?;
                }
                let existing: Option<String> = sqlx::query_scalar(&find_key)
                    .bind(job.account.to_string())
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some(id) = existing {
                    let row = sqlx::query(&select_job).bind(&id).fetch_one(&mut *tx).await?;
                    tx.commit().await?;
                    return Ok(Inserted::Existing(job_from_row(&row)?));
                }
            }
            sqlx::query(&insert)
                .bind(job.id.to_string())
                .bind(job.account.to_string())
                .bind(stored.created_at.0)
                .bind(d.job_type().as_str())
                .bind(job.source.as_str())
                .bind(job.retry_of.map(|id| id.to_string()))
                .bind(d.fields.source_profile.as_deref())
                .bind(d.fields.target_profile.as_deref())
                .bind(d.frame_rate())
                .bind(job.source_file.as_ref().map(|f| f.name.as_str()))
                .bind(d.raw())
                .execute(&mut *tx)
                .await?;
            if let Some(file) = &job.source_file {
                insert_file!(self, tx, job.id, "source", file)?;
            }
            if let Some(key) = &job.idempotency_key {
                sqlx::query(&insert_key)
                    .bind(job.account.to_string())
                    .bind(key)
                    .bind(job.id.to_string())
                    .bind(now_ms())
                    .execute(&mut *tx)
                    .await?;
            }
            if postgres {
                // Delivered at commit to every instance listening: an idle worker anywhere
                // wakes at once instead of at its next poll.
                sqlx::query(&notify).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(Inserted::New(stored))
        })
    }

    /// One page, newest first, keyset over `(created_at, id)`: the cost does not grow with
    /// page depth.
    pub async fn list_jobs(
        &self,
        account: AccountId,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> StoreResult<JobPage> {
        let now = Timestamp(now_ms());
        let search = self.plan_search(filter).await?;
        let size = page.size.get() as usize;
        let newer = matches!(page.cursor, Some(Cursor::Before { .. }));
        let order = if newer {
            " order by created_at asc, id asc"
        } else {
            " order by created_at desc, id desc"
        };
        // The page and its two counts are independent queries: run them side by side on
        // separate connections, so a slow count adds nothing to the page's own time.
        // Where the page starts is counted from the cursor: rows newer than a Next page's
        // first row are those at or above its cursor; a Previous page ends just above its
        // cursor.
        let newer_than = page.cursor.map(|c| match c {
            Cursor::After { created_at, id } | Cursor::Before { created_at, id } => (created_at, id),
        });
        let (mut jobs, total, above_cursor) = tokio::try_join!(
            async {
                on_pool!(self, pool => {
                    let mut qb = QueryBuilder::new(format!("select {SUMMARY_COLUMNS} from jobs"));
                    push_filter(&mut qb, account, filter, now, &search, page.cursor);
                    qb.push(order).push(" limit ").push_bind(size as i64 + 1);
                    qb.build()
                        .fetch_all(pool)
                        .await?
                        .iter()
                        .map(summary_from_row)
                        .collect::<StoreResult<Vec<_>>>()
                })
            },
            self.count_capped(account, filter, now, &search, None),
            async {
                match newer_than {
                    Some(key) => self.count_capped(account, filter, now, &search, Some(key)).await,
                    None => Ok(0),
                }
            },
        )?;
        let more = jobs.len() > size;
        jobs.truncate(size);
        if newer {
            jobs.reverse();
        }
        let key = |j: &JobSummary| (j.created_at, j.id);
        let (has_newer, has_older) = if newer {
            (more, true)
        } else {
            (page.cursor.is_some(), more)
        };
        let prev_cursor = jobs.first().filter(|_| has_newer).map(|j| {
            Cursor::Before {
                created_at: key(j).0,
                id: key(j).1,
            }
            .encode()
        });
        let next_cursor = jobs.last().filter(|_| has_older).map(|j| {
            Cursor::After {
                created_at: key(j).0,
                id: key(j).1,
            }
            .encode()
        });
        let offset = match page.cursor {
            None => 0,
            // The cursor row itself was the previous page's last row.
            Some(Cursor::After { .. }) => above_cursor + 1,
            Some(Cursor::Before { .. }) if !has_newer => 0,
            Some(Cursor::Before { .. }) => above_cursor.saturating_sub(jobs.len() as u64),
        };
        let limit = JobPage::COUNT_LIMIT;
        Ok(JobPage {
            jobs,
            next_cursor,
            prev_cursor,
            total: total.min(limit),
            total_is_lower_bound: total > limit,
            offset: offset.min(limit),
        })
    }

    /// Matching rows (newer than `newer_than`, if given), counted up to COUNT_LIMIT + 1:
    /// the cost of a count stays bounded however many jobs match.
    async fn count_capped(
        &self,
        account: AccountId,
        filter: &JobFilter,
        now: Timestamp,
        search: &Search,
        newer_than: Option<(Timestamp, JobId)>,
    ) -> StoreResult<u64> {
        let newer_than = newer_than.map(|(created_at, id)| Cursor::Before { created_at, id });
        let n: i64 = on_pool!(self, pool => {
            let mut count = QueryBuilder::new("");
            push_count(&mut count, account, filter, now, search, newer_than);
            count.build_query_scalar().fetch_one(pool).await?
        });
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The database's plan for the first page of a filter (what `list_jobs` runs), one
    /// line per step. On PostgreSQL sequential scans are priced out for the question, so
    /// the plan shows whether an index serves the filter, whatever the table's size.
    pub async fn explain_list(&self, account: AccountId, filter: &JobFilter) -> StoreResult<Vec<String>> {
        self.explain(account, filter, false).await
    }

    /// The plan of the page's capped count of a filter, as [`Store::explain_list`].
    pub async fn explain_count(&self, account: AccountId, filter: &JobFilter) -> StoreResult<Vec<String>> {
        self.explain(account, filter, true).await
    }

    async fn explain(&self, account: AccountId, filter: &JobFilter, count: bool) -> StoreResult<Vec<String>> {
        let search = self.plan_search(filter).await?;
        let now = Timestamp(now_ms());
        let (explain, column) = match self.dialect() {
            super::Dialect::Sqlite => ("explain query plan ", "detail"),
            super::Dialect::Postgres => ("explain (costs off) ", "QUERY PLAN"),
        };
        let postgres = self.dialect() == super::Dialect::Postgres;
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if postgres {
                sqlx::query("set local enable_seqscan = off").execute(&mut *tx).await?;
            }
            let mut qb = QueryBuilder::new(explain);
            if count {
                push_count(&mut qb, account, filter, now, &search, None);
            } else {
                qb.push(format!("select {SUMMARY_COLUMNS} from jobs"));
                push_filter(&mut qb, account, filter, now, &search, None);
                qb.push(" order by created_at desc, id desc limit ").push_bind(26i64);
            }
            let plan = qb
                .build()
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.text(column))
                .collect();
            tx.rollback().await?;
            Ok(plan)
        })
    }

    /// Refreshes the planner's statistics (after a bulk load).
    pub async fn analyze(&self) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query("analyze").execute(pool).await.map(drop)?);
        Ok(())
    }

    pub async fn get_job(&self, account: AccountId, id: JobId) -> StoreResult<Option<Job>> {
        let sql = self
            .sql(&format!(
                "select {JOB_COLUMNS} from jobs where id = ? and account_id = ?"
            ))
            .into_owned();
        on_pool!(self, pool => sqlx::query(&sql)
            .bind(id.to_string())
            .bind(account.to_string())
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose())
    }

    /// A stored file of a job of this account.
    pub async fn get_file(&self, account: AccountId, id: JobId, kind: &str) -> StoreResult<Option<FileRow>> {
        let sql = self.sql(
            "select f.name, f.content_type, f.data from job_files f join jobs j on j.id = f.job_id \
             where f.job_id = ? and j.account_id = ? and f.kind = ?",
        );
        Ok(on_pool!(self, pool => sqlx::query(&sql)
            .bind(id.to_string())
            .bind(account.to_string())
            .bind(kind)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(file_from_row)))
    }

    /// A stored file by job ID alone, for signed links (the signature stands for the account).
    pub async fn get_file_unscoped(&self, id: JobId, kind: &str) -> StoreResult<Option<FileRow>> {
        let sql = self.sql("select name, content_type, data from job_files where job_id = ? and kind = ?");
        Ok(on_pool!(self, pool => sqlx::query(&sql)
            .bind(id.to_string())
            .bind(kind)
            .fetch_optional(pool)
            .await?
            .as_ref()
            .map(file_from_row)))
    }

    /// Deletes a job with its files and webhook deliveries, in one statement (they go by
    /// `on delete cascade`). `false` when the account has no such job.
    pub async fn delete_job(&self, account: AccountId, id: JobId) -> StoreResult<bool> {
        let sql = self.sql("delete from jobs where id = ? and account_id = ?");
        let deleted = on_writer!(self, pool => sqlx::query(&sql)
            .bind(id.to_string())
            .bind(account.to_string())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(deleted == 1)
    }
}
