//! Reads for the CSV export and the detail view: batches in keyset order, lineage, settings.

use super::jobs::{corrupt, job_id, summary_from_row, SUMMARY_COLUMNS};
use super::search::{push_filter, Search};
use super::{now_ms, on_pool, Columns, Store, StoreResult};
use app::filter::{Cursor, JobFilter};
use app::model::{AccountId, JobId, JobSummary};
use app::time::Timestamp;
use sqlx::QueryBuilder;

/// One exported row: the table's columns plus what only the export carries.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub summary: JobSummary,
    pub error: Option<String>,
    pub finished_at: Option<Timestamp>,
}

impl Store {
    /// The next `limit` rows of a filter, newest first, strictly older than `after`.
    /// The export walks the whole view this way, one batch in memory at a time.
    pub async fn export_batch(
        &self,
        account: AccountId,
        filter: &JobFilter,
        now: Timestamp,
        after: Option<(Timestamp, JobId)>,
        search: &Search,
        limit: u32,
    ) -> StoreResult<Vec<ExportRow>> {
        let after = after.map(|(created_at, id)| Cursor::After { created_at, id });
        on_pool!(self, pool => {
            let mut qb =
                QueryBuilder::new(format!("select {SUMMARY_COLUMNS}, error, finished_at from jobs"));
            push_filter(&mut qb, account, filter, now, search, after);
            qb.push(" order by created_at desc, id desc limit ")
                .push_bind(i64::from(limit));
            qb.build()
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(ExportRow {
                        summary: summary_from_row(r)?,
                        error: r.opt_text("error"),
                        finished_at: r.opt_int("finished_at").map(Timestamp),
                    })
                })
                .collect()
        })
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
        let value: Option<String> = on_pool!(self, pool => {
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
