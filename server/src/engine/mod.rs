//! The job engine: workers claim queued jobs with a lease, run them, and record the end.
//! A reaper returns jobs whose lease expired (their worker died) to the queue.

mod convert;
mod transcribe;
mod translate;

use crate::config::{Config, Limits};
use crate::remote::FetchPolicy;
use crate::service::Service;
use crate::store::{ClaimedJob, Outcome, Store};
use crate::tokens::random_token;
use app::model::JobType;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How long a claim holds without renewal, by default, before the reaper may hand the job
/// to another worker (`CCJOBS_LEASE_SECS`). Running jobs renew it every third of that (the
/// heartbeat), so a crashed worker's job is picked up again within about a minute.
pub const LEASE_MS: i64 = 60 * 1000;
/// A job whose worker died, or whose engine failed transiently, this many times is failed
/// rather than run again.
pub const MAX_ATTEMPTS: u32 = 3;
/// Each wait before another attempt is this many times the one before.
const BACKOFF_FACTOR: u64 = 6;
/// Idle workers look at the queue at least this often, even without a wake-up.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// The reaper looks for expired leases this often at most (and at least twice a lease).
const REAP_EVERY: Duration = Duration::from_secs(15);

/// Running workers; dropping the sender or calling [`Engine::shutdown`] stops them.
pub struct Engine {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// PostgreSQL only: wakes a worker when any instance queues a job (LISTEN/NOTIFY).
    listener: Option<JoinHandle<()>>,
}

impl Engine {
    /// Starts `workers` job workers (with the lease reaper), the webhook senders and, when
    /// retention is set, the janitor.
    pub fn start(service: &Service, workers: usize, config: &Config) -> Self {
        let store = service.store().clone();
        let wake = service.wake();
        let webhook_wake = service.webhook_wake();
        let (stop, stopped) = watch::channel(false);
        let runner = Runner {
            limits: config.limits.clone(),
            translator: config
                .translate_url
                .as_deref()
                .and_then(|url| translate::Translator::new(url, config.translate_api_key.clone())),
            transcriber: config.transcribe_url.as_deref().and_then(|url| {
                transcribe::Transcriber::new(url, config.transcribe_api_key.clone(), &config.transcribe_model)
            }),
            media_policy: config.fetch_policy(),
            retry_base_ms: config.retry_base_ms,
            webhook_wake: webhook_wake.clone(),
            lease_ms: i64::try_from(config.lease_secs.max(1).saturating_mul(1000)).unwrap_or(LEASE_MS),
        };
        let reap_every = REAP_EVERY.min(Duration::from_millis(runner.lease_ms as u64 / 2));
        let mut tasks: Vec<JoinHandle<()>> = (0..workers)
            .map(|_| {
                tokio::spawn(worker(
                    store.clone(),
                    wake.clone(),
                    stopped.clone(),
                    runner.clone(),
                ))
            })
            .collect();
        let mut listener = None;
        if workers > 0 {
            tasks.push(tokio::spawn(reaper(store.clone(), reap_every, stopped.clone())));
            listener = store.listen_for_jobs(wake.clone());
            let deliverer = crate::webhooks::Deliverer {
                store: store.clone(),
                policy: config.outbound_policy(Duration::from_secs(15)),
                first_wait_ms: config.webhook_first_retry_ms,
            };
            tasks.extend(deliverer.spawn(webhook_wake, stopped.clone()));
        }
        let retention_days = config.retention_days;
        if retention_days > 0 {
            tasks.push(tokio::spawn(janitor(store, retention_days, stopped)));
        }
        Self {
            stop,
            tasks,
            listener,
        }
    }

    /// Stops claiming, lets running jobs finish, and waits for the workers.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Some(listener) = self.listener {
            listener.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// What workers need to run jobs.
#[derive(Clone)]
struct Runner {
    limits: Limits,
    translator: Option<translate::Translator>,
    transcriber: Option<transcribe::Transcriber>,
    /// How `media_path` URLs are fetched.
    media_policy: FetchPolicy,
    retry_base_ms: u64,
    /// Told when a job ends: its webhook may be due.
    webhook_wake: Arc<Notify>,
    /// How long a claim holds without renewal.
    lease_ms: i64,
}

async fn worker(store: Store, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>, runner: Runner) {
    // The process ID in the token tells, in the claims audit, which instance ran a job.
    let lease_token = random_token(&format!("lease_{}_", std::process::id()));
    while !*stopped.borrow() {
        match store
            .claim_next(
                &lease_token,
                runner.lease_ms,
                runner.limits.max_running_per_account,
            )
            .await
        {
            Ok(Some(claimed)) => {
                let job_id = claimed.job.id;
                let heartbeat = tokio::spawn(heartbeat(
                    store.clone(),
                    job_id,
                    lease_token.clone(),
                    runner.lease_ms,
                ));
                let outcome = run(&claimed, &runner).await;
                heartbeat.abort();
                let attempts = claimed.job.attempts;
                let outcome = match outcome {
                    Outcome::Retry { error, retry_after } if attempts < MAX_ATTEMPTS => {
                        let wait = backoff(runner.retry_base_ms, attempts, retry_after);
                        let note = format!(
                            "{error}. Attempt {attempts} of {MAX_ATTEMPTS}; the job runs again in {} s.",
                            wait.as_millis().div_ceil(1000)
                        );
                        let not_before = crate::store::now_ms() + wait.as_millis() as i64;
                        match store.requeue_job(&claimed, &note, not_before).await {
                            Ok(true) => tracing::warn!(%job_id, attempts, error = %error, "transient failure; job requeued"),
                            Ok(false) => tracing::warn!(%job_id, "lease lost before the job could be requeued"),
                            Err(e) => tracing::error!(%job_id, error = %e, "could not requeue the job"),
                        }
                        continue;
                    }
                    Outcome::Retry { error, .. } => Outcome::Failed {
                        error: format!("{error}. Gave up after {attempts} attempts; retry the job when the service is back."),
                    },
                    other => other,
                };
                match store.finish_job(&claimed, outcome).await {
                    Ok(Some(job)) => {
                        tracing::info!(%job_id, status = %job.status, "job finished");
                        if job.description.fields.webhook.is_some() {
                            runner.webhook_wake.notify_one();
                        }
                    }
                    Ok(None) => {
                        tracing::warn!(%job_id, "lease lost before the job finished; result discarded")
                    }
                    Err(e) => tracing::error!(%job_id, error = %e, "could not record the job's result"),
                }
            }
            Ok(None) => idle(&wake, &mut stopped, IDLE_POLL).await,
            Err(e) => {
                tracing::error!(error = %e, "cannot claim jobs; retrying");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

/// An idle worker's pause: until woken, `poll` passes, or the engine stops.
pub(crate) async fn idle(wake: &Notify, stopped: &mut watch::Receiver<bool>, poll: Duration) {
    tokio::select! {
        _ = wake.notified() => {}
        _ = tokio::time::sleep(poll) => {}
        _ = stopped.changed() => {}
    }
}

/// An engine service's answer: its status, `Retry-After`, and body.
struct ServiceAnswer {
    status: reqwest::StatusCode,
    retry_after: Option<Duration>,
    text: String,
}

impl ServiceAnswer {
    /// 429 and 5xx: worth another try later.
    fn is_transient(&self) -> bool {
        self.status.as_u16() == 429 || self.status.is_server_error()
    }
}

/// Sends a request to an engine's service (`what` names it: "The translation service");
/// no answer at all is a transient failure.
async fn call_service(
    what: &str,
    base: &str,
    request: reqwest::RequestBuilder,
) -> Result<ServiceAnswer, Outcome> {
    let response = request.send().await.map_err(|e| Outcome::Retry {
        error: format!(
            "{what} at {base} could not be reached ({})",
            crate::remote::root_cause(&e)
        ),
        retry_after: None,
    })?;
    Ok(ServiceAnswer {
        status: response.status(),
        retry_after: crate::remote::retry_after(response.headers()),
        text: response.text().await.unwrap_or_default(),
    })
}

/// The wait before attempt `attempts + 1`: base × 6^(attempts − 1), ±20 % jitter so that
/// jobs failed together do not return together, and never shorter than the service's
/// `Retry-After`; at most an hour.
fn backoff(base_ms: u64, attempts: u32, retry_after: Option<Duration>) -> Duration {
    use rand::Rng;
    let exponent = attempts.saturating_sub(1).min(10);
    let wait = base_ms.saturating_mul(BACKOFF_FACTOR.saturating_pow(exponent));
    let jittered = (wait as f64 * rand::thread_rng().gen_range(0.8..1.2)) as u64;
    let wait = Duration::from_millis(jittered).max(retry_after.unwrap_or_default());
    wait.min(Duration::from_secs(3600))
}

/// Deletes finished jobs past the retention period, a small batch at a time with a pause
/// between batches, every ten minutes.
async fn janitor(store: Store, retention_days: u32, mut stopped: watch::Receiver<bool>) {
    const BATCH: u32 = 500;
    while !*stopped.borrow() {
        let cutoff = app::time::Timestamp(crate::store::now_ms() - i64::from(retention_days) * 86_400_000);
        let mut deleted = 0;
        loop {
            match store.delete_finished_before(cutoff, BATCH).await {
                Ok(n) => {
                    deleted += n;
                    if n < u64::from(BATCH) || *stopped.borrow() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => {
                    tracing::error!(error = %e, "retention: could not delete old jobs");
                    break;
                }
            }
        }
        if deleted > 0 {
            tracing::info!(
                jobs = deleted,
                days = retention_days,
                "retention: deleted finished jobs"
            );
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(600)) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Renews the lease while the job runs; stops when the lease is lost.
async fn heartbeat(store: Store, job: app::model::JobId, lease_token: String, lease_ms: i64) {
    loop {
        tokio::time::sleep(Duration::from_millis(lease_ms as u64 / 3)).await;
        match store.renew_lease(job, &lease_token, lease_ms).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(%job, "lease lost while running; the result will be discarded");
                return;
            }
            Err(e) => tracing::error!(%job, error = %e, "could not renew the lease"),
        }
    }
}

async fn reaper(store: Store, every: Duration, mut stopped: watch::Receiver<bool>) {
    while !*stopped.borrow() {
        match store.reap_expired(MAX_ATTEMPTS).await {
            Ok(r) if r.requeued + r.failed == 0 => {}
            Ok(r) => tracing::warn!(
                requeued = r.requeued,
                failed = r.failed,
                "took back jobs with expired leases"
            ),
            Err(e) => tracing::error!(error = %e, "lease reaper failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Runs one job. CPU-bound work goes to the blocking pool so the server stays responsive.
async fn run(claimed: &ClaimedJob, runner: &Runner) -> Outcome {
    let max_cues = runner.limits.max_cues;
    match claimed.job.job_type {
        JobType::Convert => {
            let job = claimed.job.clone();
            let source = claimed.source_file.clone();
            tokio::task::spawn_blocking(move || convert::run(&job, source.as_ref(), max_cues))
                .await
                .unwrap_or_else(|e| Outcome::Failed {
                    error: format!("the conversion stopped unexpectedly ({e}); retry the job, and report it if it happens again"),
                })
        }
        JobType::Translate => {
            translate::run(
                &claimed.job,
                claimed.source_file.as_ref(),
                max_cues,
                runner.translator.as_ref(),
            )
            .await
        }
        JobType::Transcribe => {
            transcribe::run(
                &claimed.job,
                claimed.source_file.as_ref(),
                runner.transcriber.as_ref(),
                &runner.media_policy,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_sixfold_with_jitter_and_honour_retry_after() {
        for _ in 0..100 {
            let first = backoff(5000, 1, None).as_millis();
            assert!((4000..=6000).contains(&first), "{first}");
            let second = backoff(5000, 2, None).as_millis();
            assert!((24_000..=36_000).contains(&second), "{second}");
        }
        assert_eq!(
            backoff(10, 1, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert_eq!(backoff(5000, 30, None), Duration::from_secs(3600));
    }
}
