//! Leases: a claimed job belongs to its worker until `lease_until`; the worker renews it
//! while it runs (heartbeat), and the reaper takes back jobs whose worker stopped renewing
//! (it crashed or was killed): queued again, or failed once they used up their attempts.

use super::jobs::{insert_file, job_from_row, FileRow, JOB_COLUMNS};
use super::{now_ms, Store, StoreResult};
use app::model::JobId;
use app::time::Timestamp;

/// What one pass of the reaper did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reaped {
    pub requeued: u64,
    pub failed: u64,
}

impl Store {
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
