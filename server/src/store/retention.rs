//! Retention: finished jobs older than the cut-off go, with their files (by cascade), in
//! small transactions, so the dashboard's reads and the workers' writes never wait long.

use super::{on_writer, Store, StoreResult};
use app::time::Timestamp;

impl Store {
    /// Deletes up to `batch` finished jobs created before `cutoff`; returns how many.
    pub async fn delete_finished_before(&self, cutoff: Timestamp, batch: u32) -> StoreResult<u64> {
        let sql = self.sql(
            "delete from jobs where id in (select id from jobs where created_at < ? \
             and status in ('passed', 'failed') order by created_at limit ?)",
        );
        Ok(on_writer!(self, pool => sqlx::query(&sql)
            .bind(cutoff.0)
            .bind(i64::from(batch))
            .execute(pool)
            .await?
            .rows_affected()))
    }
}
