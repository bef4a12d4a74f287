//! The queue's claims and leases: a claimed job belongs to its worker until `lease_until`; the worker renews it
//! while it runs (heartbeat), and the reaper takes back jobs whose worker stopped renewing
//! (it crashed or was killed): queued again, or failed once they used up their attempts.

use super::jobs::{corrupt, insert_file, job_from_row, ClaimedJob, FileRow, Outcome, JOB_COLUMNS};
use super::webhooks::enqueue_delivery;
use super::{now_ms, Store, StoreError, StoreResult};
use app::model::{AccountId, Job, JobId, JobStatus};
use app::time::Timestamp;
use sqlx::Row;

/// What one pass of the reaper did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaped {
    pub requeued: u64,
    pub failed: u64,
}

impl Store {
    /// Claims the oldest queued job for `lease_ms`. The update is one statement, so two
    /// workers cannot claim the same job.
    /// An account with `max_running_per_account` jobs running waits: the oldest queued
    /// job of any other account goes first.
    pub async fn claim_next(
        &self,
        lease_token: &str,
        lease_ms: i64,
        max_running_per_account: u32,
    ) -> StoreResult<Option<ClaimedJob>> {
        let now = now_ms();
        let row = sqlx::query(&format!(
            "update jobs set status = 'processing', started_at = ?, attempts = attempts + 1, \
             lease_token = ?, lease_until = ? \
             where id = (select id from jobs where status = 'queued' \
                 and (not_before is null or not_before <= ?) and account_id not in \
                 (select account_id from jobs where status = 'processing' \
                  group by account_id having count(*) >= ?) \
             order by created_at, id limit 1) \
             and status = 'queued' returning {JOB_COLUMNS}"
        ))
        .bind(now)
        .bind(lease_token)
        .bind(now + lease_ms)
        .bind(now)
        .bind(i64::from(max_running_per_account))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let job = job_from_row(&row)?;
        let account_text: String = row.get("account_id");
        let account = AccountId(
            account_text
                .parse()
                .map_err(|_| corrupt("account id", &account_text))?,
        );
        let source_file = self.get_file(account, job.id, "source").await?;
        Ok(Some(ClaimedJob {
            job,
            account,
            lease_token: lease_token.to_string(),
            source_file,
        }))
    }

    /// Puts a claimed job back in the queue after a transient failure, to run again no
    /// sooner than `not_before`; `note` (what failed, when it runs again) shows as its
    /// error meanwhile. False if the lease was lost.
    pub async fn requeue_job(&self, claimed: &ClaimedJob, note: &str, not_before: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "update jobs set status = 'queued', not_before = ?, error = ?, error_summary = ?, \
             started_at = null, lease_token = null, lease_until = null \
             where id = ? and status = 'processing' and lease_token = ?",
        )
        .bind(not_before)
        .bind(note)
        .bind(app::model::first_line(note))
        .bind(claimed.job.id.to_string())
        .bind(&claimed.lease_token)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
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
        let mut tx = self.pool.begin_with("begin immediate").await?;
        let updated = sqlx::query(
            "update jobs set status = ?, finished_at = ?, error = ?, error_summary = ?, warnings = ?, \
             target_file_name = ?, lease_token = null, lease_until = null \
             where id = ? and status = 'processing' and lease_token = ?",
        )
        .bind(job.status.as_str())
        .bind(now)
        .bind(job.error.as_deref())
        .bind(job.error.as_deref().map(app::model::first_line))
        .bind(serde_json::to_string(&job.warnings).unwrap_or_else(|_| "[]".into()))
        .bind(job.target_file_name.as_deref())
        .bind(job.id.to_string())
        .bind(&claimed.lease_token)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Ok(None);
        }
        if let Some(target) = &target {
            insert_file(&mut tx, job.id, "target", target).await?;
        }
        let response = FileRow {
            name: format!("{}.json", job.id),
            content_type: "application/json".into(),
            data: serde_json::to_vec_pretty(&job).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        };
        insert_file(&mut tx, job.id, "response", &response).await?;
        enqueue_delivery(&mut tx, claimed.account, &job).await?;
        tx.commit().await?;
        Ok(Some(job))
    }

    /// Extends a lease this worker still holds. `false`: the lease was lost (the reaper took
    /// the job back), and the worker's result will be discarded.
    pub async fn renew_lease(&self, id: JobId, lease_token: &str, lease_ms: i64) -> StoreResult<bool> {
        let result = sqlx::query(
            "update jobs set lease_until = ? where id = ? and status = 'processing' and lease_token = ?",
        )
        .bind(now_ms() + lease_ms)
        .bind(id.to_string())
        .bind(lease_token)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Takes back jobs whose lease expired: queued again while they have attempts left,
    /// failed with an explanation (and a response file) once they have had `max_attempts`.
    pub async fn reap_expired(&self, max_attempts: u32) -> StoreResult<Reaped> {
        let now = now_ms();
        let mut tx = self.pool.begin_with("begin immediate").await?;
        let error = format!(
            "The job was interrupted {max_attempts} times (the server running it stopped or crashed) and was given up. \
             Retry it; if it keeps happening, the file may be crashing the converter: report it with this job ID."
        );
        let failed = sqlx::query(&format!(
            "update jobs set status = 'failed', finished_at = ?, error = ?, error_summary = ?, \
             lease_token = null, lease_until = null \
             where status = 'processing' and lease_until < ? and attempts >= ? returning {JOB_COLUMNS}"
        ))
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
            insert_file(&mut tx, job.id, "response", &response).await?;
            let account = super::accounts::account_id(row.get("account_id"))?;
            enqueue_delivery(&mut tx, account, &job).await?;
        }
        let requeued = sqlx::query(
            "update jobs set status = 'queued', lease_token = null, lease_until = null \
             where status = 'processing' and lease_until < ?",
        )
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Reaped {
            requeued: requeued.rows_affected(),
            failed: failed.len() as u64,
        })
    }
}
