//! The queue's claims and leases: a claimed job belongs to its worker until `lease_until`;
//! the worker renews it while it runs (heartbeat), and the reaper takes back jobs whose
//! worker stopped renewing (it crashed or was killed): queued again, or failed once they
//! used up their attempts. Every claim is recorded in `job_claims` (the audit of who ran
//! what).

use super::jobs::{insert_file, job_from_row, ClaimedJob, FileRow, Outcome, JOB_COLUMNS};
use super::webhooks::enqueue_delivery;
use super::{now_ms, on_pool, on_writer, Backend, Columns, Dialect, Store, StoreError, StoreResult};
use app::model::{Job, JobId, JobStatus};
use app::time::Timestamp;

/// What one pass of the reaper did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaped {
    pub requeued: u64,
    pub failed: u64,
}

/// One recorded claim of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub job_id: String,
    pub lease_token: String,
    pub claimed_at: i64,
}

impl Store {
    /// Claims the oldest queued job for `lease_ms`. The update is one statement, so two
    /// workers cannot claim the same job; on PostgreSQL the candidate row is taken with
    /// `for update skip locked`, so workers of several instances pass each other's claims
    /// by instead of waiting on them. An account with `max_running_per_account` jobs
    /// running waits: the oldest queued job of any other account goes first.
    pub async fn claim_next(
        &self,
        lease_token: &str,
        lease_ms: i64,
        max_running_per_account: u32,
    ) -> StoreResult<Option<ClaimedJob>> {
        let now = now_ms();
        let lock = match self.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " for update skip locked",
        };
        let claim = self
            .sql(&format!(
                "update jobs set status = 'processing', started_at = ?, attempts = attempts + 1, \
                 lease_token = ?, lease_until = ? \
                 where id = (select id from jobs where status = 'queued' \
                     and (not_before is null or not_before <= ?) and account_id not in \
                     (select account_id from jobs where status = 'processing' \
                      group by account_id having count(*) >= ?) \
                 order by created_at, id limit 1{lock}) \
                 and status = 'queued' returning {JOB_COLUMNS}"
            ))
            .into_owned();
        let audit = self.sql("insert into job_claims (job_id, lease_token, claimed_at) values (?, ?, ?)");
        let claimed = on_writer!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let row = sqlx::query(&claim)
                .bind(now)
                .bind(lease_token)
                .bind(now + lease_ms)
                .bind(now)
                .bind(i64::from(max_running_per_account))
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                tx.commit().await?;
                return Ok(None);
            };
            let job = job_from_row(&row)?;
            sqlx::query(&audit)
                .bind(job.id.to_string())
                .bind(lease_token)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            (job, super::accounts::account_id(&row.text("account_id"))?)
        });
        let (job, account) = claimed;
        let source_file = self.get_file(account, job.id, "source").await?;
        Ok(Some(ClaimedJob {
            job,
            account,
            lease_token: lease_token.to_string(),
            source_file,
        }))
    }

    /// Every recorded claim, oldest first: which lease (worker) took which job, and when.
    pub async fn claims(&self) -> StoreResult<Vec<Claim>> {
        let sql = "select job_id, lease_token, claimed_at from job_claims order by claimed_at, job_id";
        Ok(on_pool!(self, pool => sqlx::query(sql)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Claim {
                job_id: r.text("job_id"),
                lease_token: r.text("lease_token"),
                claimed_at: r.int("claimed_at"),
            })
            .collect()))
    }

    /// Puts a claimed job back in the queue after a transient failure, to run again no
    /// sooner than `not_before`; `note` (what failed, when it runs again) shows as its
    /// error meanwhile. False if the lease was lost.
    pub async fn requeue_job(&self, claimed: &ClaimedJob, note: &str, not_before: i64) -> StoreResult<bool> {
        let sql = self.sql(
            "update jobs set status = 'queued', not_before = ?, error = ?, error_summary = ?, \
             started_at = null, lease_token = null, lease_until = null \
             where id = ? and status = 'processing' and lease_token = ?",
        );
        let done = on_writer!(self, pool => sqlx::query(&sql)
            .bind(not_before)
            .bind(note)
            .bind(app::model::first_line(note))
            .bind(claimed.job.id.to_string())
            .bind(&claimed.lease_token)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(done == 1)
    }

    /// Records how a claimed job ended, with its target file and response JSON, in one
    /// transaction. Returns the finished job, or `None` if the lease was lost meanwhile.
    pub async fn finish_job(&self, claimed: &ClaimedJob, outcome: Outcome) -> StoreResult<Option<Job>> {
        let now = now_ms();
        let mut job = claimed.job.clone();
        job.finished_at = Some(Timestamp(now));
        let target = match outcome {
            Outcome::Passed { target, warnings } => {
                job.status = JobStatus::Passed;
                // An earlier attempt's transient error is history now.
                job.error = None;
                job.target_file_name = Some(target.name.clone());
                job.warnings = warnings;
                Some(target)
            }
            Outcome::Failed { error } | Outcome::Retry { error, .. } => {
                job.status = JobStatus::Failed;
                job.error = Some(error);
                None
            }
        };
        let response = FileRow {
            name: format!("{}.json", job.id),
            content_type: "application/json".into(),
            data: serde_json::to_vec_pretty(&job).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        };
        let update = self.sql(
            "update jobs set status = ?, finished_at = ?, error = ?, error_summary = ?, warnings = ?, \
             target_file_name = ?, lease_token = null, lease_until = null \
             where id = ? and status = 'processing' and lease_token = ?",
        );
        let finished = on_writer!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(&update)
                .bind(job.status.as_str())
                .bind(now)
                .bind(job.error.as_deref())
                .bind(job.error.as_deref().map(app::model::first_line))
                .bind(serde_json::to_string(&job.warnings).unwrap_or_else(|_| "[]".into()))
                .bind(job.target_file_name.as_deref())
                .bind(job.id.to_string())
                .bind(&claimed.lease_token)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if updated == 1 {
                if let Some(target) = &target {
                    insert_file!(self, tx, job.id, "target", target)?;
                }
                insert_file!(self, tx, job.id, "response", &response)?;
                enqueue_delivery!(self, tx, claimed.account, &job)?;
            }
            tx.commit().await?;
            updated == 1
        });
        Ok(finished.then_some(job))
    }

    /// Extends a lease this worker still holds. `false`: the lease was lost (the reaper took
    /// the job back), and the worker's result will be discarded.
    pub async fn renew_lease(&self, id: JobId, lease_token: &str, lease_ms: i64) -> StoreResult<bool> {
        let sql = self.sql(
            "update jobs set lease_until = ? where id = ? and status = 'processing' and lease_token = ?",
        );
        let renewed = on_writer!(self, pool => sqlx::query(&sql)
            .bind(now_ms() + lease_ms)
            .bind(id.to_string())
            .bind(lease_token)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(renewed == 1)
    }

    /// Takes back jobs whose lease expired: queued again while they have attempts left,
    /// failed with an explanation (and a response file) once they have had `max_attempts`.
    pub async fn reap_expired(&self, max_attempts: u32) -> StoreResult<Reaped> {
        let now = now_ms();
        let error = format!(
            "The job was interrupted {max_attempts} times (the server running it stopped or crashed) and was given up. \
             Retry it; if it keeps happening, the file may be crashing the converter: report it with this job ID."
        );
        let fail = self
            .sql(&format!(
                "update jobs set status = 'failed', finished_at = ?, error = ?, error_summary = ?, \
                 lease_token = null, lease_until = null \
                 where status = 'processing' and lease_until < ? and attempts >= ? returning {JOB_COLUMNS}"
            ))
            .into_owned();
        let requeue = self.sql(
            "update jobs set status = 'queued', lease_token = null, lease_until = null \
             where status = 'processing' and lease_until < ?",
        );
        on_writer!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let failed = sqlx::query(&fail)
                .bind(now)
                .bind(&error)
                .bind(app::model::first_line(&error))
                .bind(now)
                .bind(i64::from(max_attempts))
                .fetch_all(&mut *tx)
                .await?;
            for row in &failed {
                let mut job = job_from_row(row)?;
                job.finished_at = Some(Timestamp(now));
                let response = FileRow {
                    name: format!("{}.json", job.id),
                    content_type: "application/json".into(),
                    data: serde_json::to_vec_pretty(&job).unwrap_or_default(),
                };
                insert_file!(self, tx, job.id, "response", &response)?;
                let account = super::accounts::account_id(&row.text("account_id"))?;
                enqueue_delivery!(self, tx, account, &job)?;
            }
            let requeued = sqlx::query(&requeue)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(Reaped {
                requeued,
                failed: failed.len() as u64,
            })
        })
    }
}
