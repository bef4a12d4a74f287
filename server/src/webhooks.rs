//! Webhook delivery, as the Standard Webhooks specification describes it
//! (<https://www.standardwebhooks.com>): when a job ends, its response JSON (the
//! synchronous API's answer) is POSTed to the job's `webhook` URL with the headers
//! `webhook-id` (the same on every attempt), `webhook-timestamp` (seconds) and
//! `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the
//! account's `whsec_` secret; during a day after a rotation the previous secret signs too).
//!
//! Deliveries live in the database and are retried on a timeout, a network error or any
//! non-2xx answer, after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h (±10 % jitter),
//! never sooner than the receiver's `Retry-After`. A 410 Gone stops them. Redirects are not
//! followed. Connections go through the outbound guard ([`crate::remote`]).

use crate::remote::{checked_client, FetchPolicy, OutboundError};
use crate::store::{AttemptEnd, DueDelivery, Store, WebhookSecrets};
use app::model::{DeliveryState, WebhookAttempt};
use app::time::Timestamp;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

/// The waits after each failed attempt, in units of the first wait (5 s by default):
/// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h. After the last, the delivery has failed.
const SCHEDULE: [u64; 7] = [1, 60, 360, 1_440, 3_600, 7_200, 17_280];
/// A sender holds a delivery this long; a crashed instance's deliveries go out afterwards.
const LEASE_MS: i64 = 60_000;
/// Deliveries sent at once by one instance.
const SENDERS: usize = 4;
/// Senders look for due deliveries at least this often.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// The previous secret keeps signing this long after a rotation.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;
/// Receiver errors quoted in the log, at most.
const QUOTED_BODY_CHARS: usize = 200;

/// A new secret: `whsec_` and 24 random bytes in base64.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under the secret's key (the base64
/// after `whsec_`).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap_or_else(|_| encoded.as_bytes().to_vec());
    // A key of any length is valid for HMAC; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap_or_else(|_| unreachable!());
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// The `webhook-signature` header: one signature per live secret, space-separated.
pub fn signature_header(
    secrets: &WebhookSecrets,
    id: &str,
    timestamp: i64,
    body: &[u8],
    now_ms: i64,
) -> String {
    let mut header = signature(&secrets.current, id, timestamp, body);
    let recent = secrets
        .rotated_at
        .is_some_and(|at| now_ms - at.0 < ROTATION_OVERLAP_MS);
    if let Some(previous) = secrets.previous.as_deref().filter(|_| recent) {
        header.push(' ');
        header.push_str(&signature(previous, id, timestamp, body));
    }
    header
}

/// The wait after the `failures`-th failed attempt (1-based), with ±10 % jitter and never
/// shorter than the receiver's `Retry-After` (capped at a day); `None` once the schedule is
/// used up.
pub fn next_wait(first_wait_ms: u64, failures: u32, retry_after: Option<Duration>) -> Option<Duration> {
    use rand::Rng;
    let units = *SCHEDULE.get(usize::try_from(failures).ok()?.checked_sub(1)?)?;
    let wait = first_wait_ms.saturating_mul(units) as f64 * rand::thread_rng().gen_range(0.9..1.1);
    let floor = retry_after.unwrap_or_default().min(Duration::from_secs(86_400));
    Some(Duration::from_millis(wait as u64).max(floor))
}

/// What the delivery senders need.
#[derive(Clone)]
pub struct Deliverer {
    pub store: Store,
    pub policy: FetchPolicy,
    /// The first wait of the schedule, in ms (5,000 by default; tests shorten it).
    pub first_wait_ms: u64,
}

impl Deliverer {
    /// Runs `SENDERS` senders until `stopped`; `wake` brings an idle one to the queue.
    pub fn spawn(
        self,
        wake: Arc<Notify>,
        stopped: watch::Receiver<bool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        (0..SENDERS)
            .map(|_| tokio::spawn(self.clone().sender(wake.clone(), stopped.clone())))
            .collect()
    }

    async fn sender(self, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
        while !*stopped.borrow() {
            match self.store.claim_delivery(LEASE_MS).await {
                Ok(Some(delivery)) => {
                    let (attempt, end) = self.attempt(&delivery).await;
                    let job = delivery.job_id;
                    match &attempt.error {
                        None => tracing::info!(%job, status = ?attempt.http_status, "webhook delivered"),
                        Some(error) => tracing::warn!(%job, %error, "webhook attempt failed"),
                    }
                    if let Err(e) = self.store.record_attempt(&delivery, &attempt, end).await {
                        tracing::error!(%job, error = %e, "could not record a webhook attempt");
                    }
                }
                Ok(None) => crate::engine::idle(&wake, &mut stopped, IDLE_POLL).await,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read webhook deliveries; retrying");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }

    /// One attempt: what happened, and what comes next.
    async fn attempt(&self, delivery: &DueDelivery) -> (WebhookAttempt, AttemptEnd) {
        let started = Instant::now();
        let at = Timestamp(crate::store::now_ms());
        let result = self.send(delivery).await;
        let latency_ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let failures = delivery.failures + 1;
        let (http_status, error, end) = match result {
            Sent::Delivered(status) => (Some(status), None, AttemptEnd::Delivered),
            Sent::Gone => (
                Some(410),
                Some("The receiver answered 410 Gone, so no further attempts are made; fix the webhook URL, then press Redeliver".to_string()),
                AttemptEnd::GiveUp(DeliveryState::Stopped),
            ),
            Sent::Refused(message) => (
                None,
                Some(format!("{message}. The webhook was not sent; submit the job again with a reachable public URL")),
                AttemptEnd::GiveUp(DeliveryState::Failed),
            ),
            Sent::Failed { status, message, retry_after } => {
                match next_wait(self.first_wait_ms, failures, retry_after) {
                    Some(wait) => (
                        status,
                        Some(message),
                        AttemptEnd::RetryAt(at.0 + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX / 2)),
                    ),
                    None => (
                        status,
                        Some(format!(
                            "{message}. Gave up after {failures} attempts; fix the receiver, then press Redeliver"
                        )),
                        AttemptEnd::GiveUp(DeliveryState::Failed),
                    ),
                }
            }
        };
        (
            WebhookAttempt {
                at,
                http_status,
                latency_ms,
                error,
            },
            end,
        )
    }

    async fn send(&self, delivery: &DueDelivery) -> Sent {
        let failed = |message: String| Sent::Failed {
            status: None,
            message,
            retry_after: None,
        };
        let answer = match self.body(delivery).await {
            Ok(answer) => answer,
            Err(message) => return failed(message),
        };
        let secrets = match self.store.webhook_secrets(delivery.account, new_secret).await {
            Ok(secrets) => secrets,
            Err(e) => {
                return failed(format!(
                    "ccjobs could not read the signing secret ({e}); it tries again"
                ))
            }
        };
        let (client, url) = match checked_client("The webhook URL", &delivery.url, &self.policy).await {
            Ok(parts) => parts,
            Err(OutboundError {
                message,
                transient: true,
            }) => return failed(message),
            Err(OutboundError { message, .. }) => return Sent::Refused(message),
        };
        let now = crate::store::now_ms();
        let timestamp = now / 1000;
        let response = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &delivery.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signature_header(&secrets, &delivery.id, timestamp, &answer, now),
            )
            .body(answer)
            .send()
            .await;
        let response = match response {
            Ok(response) => response,
            Err(e) => return failed(crate::remote::transport("The webhook URL", &e).message),
        };
        let status = response.status();
        if status.is_success() {
            return Sent::Delivered(status.as_u16());
        }
        if status.as_u16() == 410 {
            return Sent::Gone;
        }
        let wait = crate::remote::retry_after(response.headers());
        let message = if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|l| format!(" to {l}"))
                .unwrap_or_default();
            format!(
                "The receiver answered with a redirect (HTTP {}{location}), which webhooks do not follow; put the final URL in the job's webhook",
                status.as_u16()
            )
        } else {
            let body = response.text().await.unwrap_or_default();
            let quoted: String = body.trim().chars().take(QUOTED_BODY_CHARS).collect();
            let quoted = if quoted.is_empty() {
                String::new()
            } else {
                format!(": {quoted}")
            };
            format!(
                "The receiver answered HTTP {}{quoted}; it must answer 2xx once it has the message",
                status.as_u16()
            )
        };
        Sent::Failed {
            status: Some(status.as_u16()),
            message,
            retry_after: wait,
        }
    }

    /// The job's response JSON, as the synchronous API answers it.
    async fn body(&self, delivery: &DueDelivery) -> Result<Vec<u8>, String> {
        let unavailable =
            |e: crate::store::StoreError| format!("ccjobs could not read the job ({e}); it tries again");
        let job = self
            .store
            .job_for_delivery(delivery)
            .await
            .map_err(unavailable)?
            .ok_or_else(|| "The job was deleted before its webhook went out".to_string())?;
        let target = match job.status {
            app::model::JobStatus::Passed => self
                .store
                .get_file(delivery.account, job.id, "target")
                .await
                .map_err(unavailable)?,
            _ => None,
        };
        serde_json::to_vec(&crate::service::job_answer(&job, target.as_ref()))
            .map_err(|e| format!("ccjobs could not write the job's JSON ({e})"))
    }
}

/// How sending went.
enum Sent {
    Delivered(u16),
    /// 410: stop.
    Gone,
    /// The URL is refused by the outbound guard or invalid: no point retrying.
    Refused(String),
    /// Worth another attempt.
    Failed {
        status: Option<u16>,
        message: String,
        retry_after: Option<Duration>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_recent_rotation_signs_with_both_secrets() {
        let secrets = WebhookSecrets {
            current: new_secret(),
            previous: Some(new_secret()),
            rotated_at: Some(Timestamp(1_000)),
        };
        let header = signature_header(&secrets, "msg_1", 5, b"{}", 2_000);
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], signature(&secrets.current, "msg_1", 5, b"{}"));
        assert_eq!(
            parts[1],
            signature(secrets.previous.as_deref().unwrap_or(""), "msg_1", 5, b"{}")
        );
        let later = signature_header(&secrets, "msg_1", 5, b"{}", 1_000 + ROTATION_OVERLAP_MS);
        assert_eq!(later, parts[0]);
    }

    #[test]
    fn the_schedule_runs_from_5_seconds_to_24_hours_then_ends() {
        let hours = |h: u64| Duration::from_secs(h * 3600);
        let expected = [
            Duration::from_secs(5),
            Duration::from_secs(300),
            Duration::from_secs(1800),
            hours(2),
            hours(5),
            hours(10),
            hours(24),
        ];
        for (i, want) in expected.iter().enumerate() {
            let got = next_wait(5000, i as u32 + 1, None).unwrap_or_default();
            let (low, high) = (want.mul_f64(0.9), want.mul_f64(1.1));
            assert!(
                got >= low && got <= high,
                "wait {}: {got:?} not near {want:?}",
                i + 1
            );
        }
        assert_eq!(next_wait(5000, 8, None), None);
        assert_eq!(
            next_wait(5000, 1, Some(Duration::from_secs(120))),
            Some(Duration::from_secs(120))
        );
    }
}
