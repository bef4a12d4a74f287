//! Webhooks in the database: each account's signing secret, one delivery per finished job
//! that names a webhook (enqueued in the transaction that finishes the job, so none is
//! lost), and the log of every attempt.

use super::jobs::job_id;
use super::{now_ms, on_pool, on_writer, Backend, Columns, Dialect, Store, StoreError, StoreResult};
use app::model::{AccountId, DeliveryState, Job, JobId, WebhookAttempt, WebhookLog};
use app::time::Timestamp;

/// A delivery an instance has taken to send now.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub job_id: JobId,
    pub account: AccountId,
    pub url: String,
    /// Failed attempts so far in this schedule.
    pub failures: u32,
}

/// An account's webhook secrets: the current one, and the previous one while a rotation is
/// recent (both sign, so receivers can switch over).
#[derive(Debug, Clone)]
pub struct WebhookSecrets {
    pub current: String,
    pub previous: Option<String>,
    pub rotated_at: Option<Timestamp>,
}

/// How an attempt ended, as the store records it.
pub enum AttemptEnd {
    Delivered,
    /// Try again at this time.
    RetryAt(i64),
    /// No further attempts (the schedule is used up, the receiver said 410, or the URL is
    /// refused).
    GiveUp(DeliveryState),
}

/// Enqueues the webhook of a job that just ended, if its description names one, in the
/// transaction `$tx` (of the store `$store`) that finishes the job.
macro_rules! enqueue_delivery {
    ($store:expr, $tx:expr, $account:expr, $job:expr) => {{
        let job: &app::model::Job = $job;
        match job.description.fields.webhook.as_deref() {
            None => Ok(()),
            Some(url) => {
                let now = $crate::store::now_ms();
                sqlx::query(&$store.sql(
                    "insert into webhook_deliveries (id, job_id, account_id, url, state, next_at, created_at) \
                     values (?, ?, ?, ?, 'pending', ?, ?) on conflict (job_id) do nothing",
                ))
                .bind($crate::tokens::random_token("msg_"))
                .bind(job.id.to_string())
                .bind($account.to_string())
                .bind(url.trim())
                .bind(now)
                .bind(now)
                .execute(&mut *$tx)
                .await
                .map(drop)
            }
        }
    }};
}
pub(super) use enqueue_delivery;

impl Store {
    /// The account's secrets, creating the first one on first use.
    pub async fn webhook_secrets(
        &self,
        account: AccountId,
        fresh: impl FnOnce() -> String,
    ) -> StoreResult<WebhookSecrets> {
        let create =
            self.sql("update accounts set webhook_secret = ? where id = ? and webhook_secret is null");
        let select = self.sql(
            "select webhook_secret, webhook_secret_previous, webhook_secret_rotated_at from accounts where id = ?",
        );
        let fresh = fresh();
        on_writer!(self, pool => {
            sqlx::query(&create)
                .bind(&fresh)
                .bind(account.to_string())
                .execute(pool)
                .await?;
            let row = sqlx::query(&select)
                .bind(account.to_string())
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("account {account} has vanished")))?;
            Ok(WebhookSecrets {
                current: row.text("webhook_secret"),
                previous: row.opt_text("webhook_secret_previous"),
                rotated_at: row.opt_int("webhook_secret_rotated_at").map(Timestamp),
            })
        })
    }

    /// Replaces the account's secret with `fresh`; the old one stays as the previous.
    pub async fn rotate_webhook_secret(&self, account: AccountId, fresh: String) -> StoreResult<()> {
        let sql = self.sql(
            "update accounts set webhook_secret_previous = webhook_secret, webhook_secret = ?, \
             webhook_secret_rotated_at = ? where id = ?",
        );
        on_writer!(self, pool => sqlx::query(&sql)
            .bind(&fresh)
            .bind(now_ms())
            .bind(account.to_string())
            .execute(pool)
            .await
            .map(drop)?);
        Ok(())
    }

    /// Takes the most overdue pending delivery for `lease_ms`: no other sender, of this
    /// instance or another, sends it meanwhile.
    pub async fn claim_delivery(&self, lease_ms: i64) -> StoreResult<Option<DueDelivery>> {
        let now = now_ms();
        let lock = match self.dialect() {
            Dialect::Sqlite => "",
            Dialect::Postgres => " for update skip locked",
        };
        let sql = self
            .sql(&format!(
                "update webhook_deliveries set lease_until = ? where id = (\
                    select id from webhook_deliveries where state = 'pending' and next_at <= ? \
                    and (lease_until is null or lease_until < ?) order by next_at limit 1{lock}) \
                 returning id, job_id, account_id, url, failures"
            ))
            .into_owned();
        on_writer!(self, pool => sqlx::query(&sql)
            .bind(now + lease_ms)
            .bind(now)
            .bind(now)
            .fetch_optional(pool)
            .await?
            .map(|r| {
                Ok(DueDelivery {
                    id: r.text("id"),
                    job_id: job_id(&r.text("job_id"))?,
                    account: super::accounts::account_id(&r.text("account_id"))?,
                    url: r.text("url"),
                    failures: u32::try_from(r.int("failures")).unwrap_or(0),
                })
            })
            .transpose())
    }

    /// The finished job a delivery reports on.
    pub async fn job_for_delivery(&self, delivery: &DueDelivery) -> StoreResult<Option<Job>> {
        self.get_job(delivery.account, delivery.job_id).await
    }

    /// Logs an attempt and moves the delivery on, in one transaction.
    pub async fn record_attempt(
        &self,
        delivery: &DueDelivery,
        attempt: &WebhookAttempt,
        end: AttemptEnd,
    ) -> StoreResult<()> {
        let (state, next_at, failures) = match end {
            AttemptEnd::Delivered => (DeliveryState::Delivered, None, delivery.failures),
            AttemptEnd::RetryAt(at) => (DeliveryState::Pending, Some(at), delivery.failures + 1),
            AttemptEnd::GiveUp(state) => (state, None, delivery.failures + 1),
        };
        let log = self.sql(
            "insert into webhook_attempts (delivery_id, attempted_at, http_status, latency_ms, error) \
             values (?, ?, ?, ?, ?)",
        );
        let update = self.sql(
            "update webhook_deliveries set state = ?, next_at = ?, failures = ?, lease_until = null where id = ?",
        );
        on_writer!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(&log)
                .bind(&delivery.id)
                .bind(attempt.at.0)
                .bind(attempt.http_status.map(i64::from))
                .bind(i64::from(attempt.latency_ms))
                .bind(attempt.error.as_deref())
                .execute(&mut *tx)
                .await?;
            sqlx::query(&update)
                .bind(state.as_str())
                .bind(next_at)
                .bind(i64::from(failures))
                .bind(&delivery.id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A job's webhook delivery and its attempts; `None` when the job names no webhook or
    /// has not ended yet.
    pub async fn webhook_log(&self, account: AccountId, id: JobId) -> StoreResult<Option<WebhookLog>> {
        let delivery_sql = self.sql(
            "select id, url, state, next_at from webhook_deliveries where job_id = ? and account_id = ?",
        );
        // One sender at a time holds a delivery, so its attempts never share a moment.
        let attempts_sql = self.sql(
            "select attempted_at, http_status, latency_ms, error from webhook_attempts \
             where delivery_id = ? order by attempted_at",
        );
        on_pool!(self, pool => {
            let Some(row) = sqlx::query(&delivery_sql)
                .bind(id.to_string())
                .bind(account.to_string())
                .fetch_optional(pool)
                .await?
            else {
                return Ok(None);
            };
            let delivery = row.text("id");
            let state = row.text("state");
            let attempts = sqlx::query(&attempts_sql)
                .bind(&delivery)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| WebhookAttempt {
                    at: Timestamp(r.int("attempted_at")),
                    http_status: r.opt_int("http_status").and_then(|s| u16::try_from(s).ok()),
                    latency_ms: u32::try_from(r.int("latency_ms")).unwrap_or(u32::MAX),
                    error: r.opt_text("error"),
                })
                .collect();
            Ok(Some(WebhookLog {
                url: row.text("url"),
                message_id: delivery,
                state: state
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("delivery state {state:?}")))?,
                next_attempt_at: row.opt_int("next_at").map(Timestamp),
                attempts,
            }))
        })
    }

    /// Schedules another attempt now, with a fresh schedule. `false` when the job has no
    /// delivery (it names no webhook, or has not ended).
    pub async fn redeliver(&self, account: AccountId, id: JobId) -> StoreResult<bool> {
        let sql = self.sql(
            "update webhook_deliveries set state = 'pending', next_at = ?, failures = 0, lease_until = null \
             where job_id = ? and account_id = ?",
        );
        let updated = on_writer!(self, pool => sqlx::query(&sql)
            .bind(now_ms())
            .bind(id.to_string())
            .bind(account.to_string())
            .execute(pool)
            .await?
            .rows_affected());
        Ok(updated == 1)
    }
}
