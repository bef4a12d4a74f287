//! Group commit: submissions that arrive together are stored in one transaction.
//!
//! Each submission's own transaction (begin, insert the job, insert its file, commit) made
//! the writer's round trips and commits the limit on submissions per second. Instead, an
//! inserter task takes every job waiting at that moment (up to [`MOST`]), stores them with
//! multi-row inserts in one transaction, and answers each submitter. Under light load a
//! batch is one job and nothing waits longer than before; under heavy load batches grow and
//! the cost per job falls. A batch that fails is retried one job at a time, so one bad job
//! fails alone.

use super::jobs::NewJob;
use super::{on_writer, Backend, Dialect, Store, StoreError, StoreResult, JOBS_CHANNEL};
use sqlx::QueryBuilder;
use tokio::sync::{mpsc, oneshot};

/// The most jobs in one transaction.
const MOST: usize = 256;

/// Rows per insert statement (12 values a job: within both databases' parameter limits).
const ROWS_PER_STATEMENT: usize = 64;

/// Submissions waiting beyond this many make their submitters wait to hand them over.
const QUEUE: usize = 1_024;

/// A job handed to the inserter, and where its outcome goes.
pub(crate) struct Pending {
    job: NewJob,
    created_at: i64,
    done: oneshot::Sender<StoreResult<()>>,
}

impl Store {
    /// Starts the inserter for this store (and its clones); it stops when they are dropped.
    pub(super) fn start_inserter(&mut self) {
        let (inserts, queue) = mpsc::channel(QUEUE);
        let store = Store {
            pool: self.pool.clone(),
            writer: self.writer.clone(),
            inserts: None,
            plans: self.plans.clone(),
        };
        tokio::spawn(run(store, queue));
        self.inserts = Some(inserts);
    }

    /// Stores `job` (queued, submitted at `created_at`) with whatever else is being
    /// submitted; returns once it is committed.
    pub(super) async fn insert_grouped(&self, job: NewJob, created_at: i64) -> StoreResult<()> {
        let Some(inserts) = &self.inserts else {
            return self.insert_rows(&[(&job, created_at)]).await;
        };
        let (done, outcome) = oneshot::channel();
        if let Err(refused) = inserts
            .send(Pending {
                job,
                created_at,
                done,
            })
            .await
        {
            let Pending { job, created_at, .. } = refused.0;
            return self.insert_rows(&[(&job, created_at)]).await;
        }
        outcome
            .await
            .map_err(|_| StoreError::Corrupt("the job inserter stopped before storing the job".into()))?
    }

    /// One transaction: the jobs, their source files, and (PostgreSQL) one notification.
    async fn insert_rows(&self, jobs: &[(&NewJob, i64)]) -> StoreResult<()> {
        let postgres = self.dialect() == Dialect::Postgres;
        let notify = format!("select pg_notify('{JOBS_CHANNEL}', '')");
        on_writer!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for chunk in jobs.chunks(ROWS_PER_STATEMENT) {
                let mut rows = QueryBuilder::new(
                    "insert into jobs (id, account_id, created_at, job_type, status, source, retry_of, \
                     source_profile, target_profile, frame_rate, source_file_name, description) ",
                );
                rows.push_values(chunk, |mut row, (job, created_at)| {
                    let d = &job.description;
                    row.push_bind(job.id.to_string())
                        .push_bind(job.account.to_string())
                        .push_bind(*created_at)
                        .push_bind(d.job_type().as_str())
                        .push_bind("queued")
                        .push_bind(job.source.as_str())
                        .push_bind(job.retry_of.map(|id| id.to_string()))
                        .push_bind(d.fields.source_profile.as_deref())
                        .push_bind(d.fields.target_profile.as_deref())
                        .push_bind(d.frame_rate())
                        .push_bind(job.source_file.as_ref().map(|f| f.name.as_str()))
                        .push_bind(d.raw());
                });
                rows.build().execute(&mut *tx).await?;
                let files: Vec<_> = chunk
                    .iter()
                    .filter_map(|(job, _)| job.source_file.as_ref().map(|f| (job.id, f)))
                    .collect();
                if files.is_empty() {
                    continue;
                }
                let mut rows =
                    QueryBuilder::new("insert into job_files (job_id, kind, name, content_type, data) ");
                rows.push_values(files, |mut row, (id, file)| {
                    row.push_bind(id.to_string())
                        .push_bind("source")
                        .push_bind(file.name.as_str())
                        .push_bind(file.content_type.as_str())
                        .push_bind(file.data.as_slice());
                });
                rows.build().execute(&mut *tx).await?;
            }
            if postgres {
                // Delivered at commit to every instance listening: an idle worker anywhere
                // wakes at once instead of at its next poll.
                sqlx::query(&notify).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}

/// The inserter: every job waiting, in one transaction, until the store is dropped.
async fn run(store: Store, mut queue: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MOST);
    while queue.recv_many(&mut batch, MOST).await > 0 {
        let rows: Vec<(&NewJob, i64)> = batch.iter().map(|p| (&p.job, p.created_at)).collect();
        let outcome = store.insert_rows(&rows).await;
        drop(rows);
        match outcome {
            Ok(()) => {
                for pending in batch.drain(..) {
                    let _ = pending.done.send(Ok(()));
                }
            }
            Err(e) if batch.len() == 1 => {
                if let Some(pending) = batch.pop() {
                    let _ = pending.done.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, jobs = batch.len(), "storing a batch of jobs failed; storing them one by one");
                for pending in batch.drain(..) {
                    let outcome = store.insert_rows(&[(&pending.job, pending.created_at)]).await;
                    let _ = pending.done.send(outcome);
                }
            }
        }
    }
}
