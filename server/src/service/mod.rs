//! The job service: submit, list, get, retry, delete, and sign-in. The REST handlers and
//! the dashboard's server functions (through app's `JobService` port) call these same
//! methods, so the dashboard's Retry and Delete are exactly the API's.

mod accounts;
mod port;
mod profiles;
mod validate;

pub use accounts::Credentials;
pub use profiles::profiles;
pub(crate) use validate::content_type_for;
use validate::{json_depth, validate};

use crate::config::Limits;
use crate::signing::Signer;
use crate::store::{FileRow, Inserted, NewJob, Store, StoreError};
use crate::tokens::random_token;
use app::description::JobDescription;
use app::filter::{JobFilter, PageRequest};
use app::model::{AccountId, Job, JobId, JobPage, JobSource, WebhookLog, WebhookSecret};
use app::time::Timestamp;
use std::sync::Arc;
use tokio::sync::Notify;

/// What went wrong, in the service's words. Each maps to one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input: a stable machine code and a message that says what to do.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("There is no job {0} in this account; check the ID, or it may have been deleted.")]
    NotFound(String),
    /// The request conflicts with an earlier one (a reused idempotency key).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    pub(crate) fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            code,
            message: message.into(),
        }
    }
}

/// A submitted job, and whether it was an earlier one returned for a repeated key.
pub struct Submitted {
    pub job: Job,
    pub replayed: bool,
}

/// A file uploaded with a job.
pub struct Upload {
    pub name: String,
    pub data: Vec<u8>,
}

pub struct Service {
    store: Store,
    wake: Arc<Notify>,
    webhook_wake: Arc<Notify>,
    signer: Signer,
    limits: Limits,
}

impl Service {
    /// The service over a store; loads (or creates) the link-signing key.
    pub async fn open(store: Store, limits: Limits) -> Result<Self, ServiceError> {
        let key = store
            .setting_or_insert("download_signing_key", || random_token(""))
            .await?;
        Ok(Self {
            store,
            wake: Arc::new(Notify::new()),
            webhook_wake: Arc::new(Notify::new()),
            signer: Signer::new(key.as_bytes()),
            limits,
        })
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Workers wait on this between claims; a submission wakes one.
    pub fn wake(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Webhook senders wait on this; a finished job or a Redeliver wakes one.
    pub fn webhook_wake(&self) -> Arc<Notify> {
        self.webhook_wake.clone()
    }

    /// Validates and enqueues a job. With an idempotency key the account already used, the
    /// earlier job comes back instead (`Submitted::replayed`), and nothing is stored.
    pub async fn submit_job(
        &self,
        account: AccountId,
        source: JobSource,
        config: &str,
        file: Option<Upload>,
        idempotency_key: Option<&str>,
    ) -> Result<Submitted, ServiceError> {
        let idempotency_key = match idempotency_key.map(str::trim) {
            Some(k) if k.is_empty() || k.len() > 255 => {
                return Err(ServiceError::invalid(
                    "invalid_idempotency_key",
                    "the Idempotency-Key header must have 1 to 255 characters; a UUID is a good choice",
                ))
            }
            other => other.map(str::to_string),
        };
        let limits = &self.limits;
        if config.len() > limits.max_config_bytes {
            return Err(ServiceError::invalid(
                "config_too_large",
                format!(
                    "config is {} bytes; this server accepts at most {} (setting CCJOBS_MAX_CONFIG_BYTES). Send only the Job Description's fields",
                    config.len(),
                    limits.max_config_bytes
                ),
            ));
        }
        let description = JobDescription::parse(config)
            .map_err(|e| ServiceError::invalid("invalid_config", e.to_string()))?;
        let depth = json_depth(description.value());
        if depth > limits.max_config_depth {
            return Err(ServiceError::invalid(
                "config_too_deep",
                format!(
                    "config nests objects and arrays {depth} levels deep; this server accepts at most {} (setting CCJOBS_MAX_CONFIG_DEPTH)",
                    limits.max_config_depth
                ),
            ));
        }
        validate(&description, file.as_ref())?;
        let source_file = file.map(|f| FileRow {
            content_type: content_type_for(&f.name),
            name: f.name,
            data: f.data,
        });
        let submitted = self
            .enqueue(NewJob {
                id: new_job_id(),
                account,
                source,
                retry_of: None,
                description,
                source_file,
                idempotency_key,
            })
            .await?;
        if submitted.replayed && submitted.job.description.raw() != config {
            return Err(ServiceError::Conflict {
                code: "idempotency_key_reused",
                message: format!(
                    "this Idempotency-Key was already used for job {} with a different config; send a new key for a new job",
                    submitted.job.id
                ),
            });
        }
        Ok(submitted)
    }

    async fn enqueue(&self, job: NewJob) -> Result<Submitted, ServiceError> {
        match self.store.insert_job(job).await? {
            Inserted::New(job) => {
                self.wake.notify_one();
                Ok(Submitted { job, replayed: false })
            }
            Inserted::Existing(job) => Ok(Submitted { job, replayed: true }),
        }
    }

    pub async fn list_jobs(
        &self,
        account: AccountId,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> Result<JobPage, ServiceError> {
        Ok(self.store.list_jobs(account, filter, page).await?)
    }

    pub async fn get_job(&self, account: AccountId, id: JobId) -> Result<Job, ServiceError> {
        self.store
            .get_job(account, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(id.to_string()))
    }

    /// A new job with the same description and source file, linked by `retry_of`.
    pub async fn retry_job(&self, account: AccountId, id: JobId) -> Result<Job, ServiceError> {
        let original = self.get_job(account, id).await?;
        let source_file = self.store.get_file(account, id, "source").await?;
        let submitted = self
            .enqueue(NewJob {
                id: new_job_id(),
                account,
                source: original.source,
                retry_of: Some(id),
                description: original.description,
                source_file,
                idempotency_key: None,
            })
            .await?;
        Ok(submitted.job)
    }

    pub async fn retried_as(&self, account: AccountId, id: JobId) -> Result<Vec<JobId>, ServiceError> {
        Ok(self.store.retried_as(account, id).await?)
    }

    pub async fn delete_job(&self, account: AccountId, id: JobId) -> Result<(), ServiceError> {
        match self.store.delete_job(account, id).await? {
            true => Ok(()),
            false => Err(ServiceError::NotFound(id.to_string())),
        }
    }

    pub async fn get_file(
        &self,
        account: AccountId,
        id: JobId,
        kind: &str,
    ) -> Result<Option<FileRow>, ServiceError> {
        Ok(self.store.get_file(account, id, kind).await?)
    }

    /// The account's webhook signing secret (created on first use).
    pub async fn webhook_secret(&self, account: AccountId) -> Result<WebhookSecret, ServiceError> {
        let secrets = self
            .store
            .webhook_secrets(account, crate::webhooks::new_secret)
            .await?;
        let previous_valid_until = secrets
            .rotated_at
            .filter(|_| secrets.previous.is_some())
            .map(|at| Timestamp(at.0 + crate::webhooks::ROTATION_OVERLAP_MS))
            .filter(|until| until.0 > crate::store::now_ms());
        Ok(WebhookSecret {
            secret: secrets.current,
            previous_valid_until,
        })
    }

    /// A new secret; the old one keeps signing (beside the new) for a day.
    pub async fn rotate_webhook_secret(&self, account: AccountId) -> Result<WebhookSecret, ServiceError> {
        self.webhook_secret(account).await?;
        self.store
            .rotate_webhook_secret(account, crate::webhooks::new_secret())
            .await?;
        self.webhook_secret(account).await
    }

    /// A job's webhook deliveries. A job without a webhook (or not ended) has none: `None`.
    pub async fn webhook_log(
        &self,
        account: AccountId,
        id: JobId,
    ) -> Result<Option<WebhookLog>, ServiceError> {
        match self.store.webhook_log(account, id).await? {
            Some(log) => Ok(Some(log)),
            // No delivery: still NotFound for a job this account does not have.
            None => self.get_job(account, id).await.map(|_| None),
        }
    }

    /// Sends a finished job's webhook again now, with a fresh retry schedule.
    pub async fn redeliver_webhook(&self, account: AccountId, id: JobId) -> Result<WebhookLog, ServiceError> {
        let job = self.get_job(account, id).await?;
        if job.description.fields.webhook.is_none() {
            return Err(ServiceError::invalid(
                "no_webhook",
                format!("job {id} has no webhook in its Job Description; submit it again with \"webhook\": \"https://…\""),
            ));
        }
        if !self.store.redeliver(account, id).await? {
            return Err(ServiceError::Conflict {
                code: "job_not_finished",
                message: format!(
                    "job {id} is {}; its webhook goes out when it ends, so there is nothing to redeliver yet",
                    job.status
                ),
            });
        }
        self.webhook_wake.notify_one();
        self.store
            .webhook_log(account, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(id.to_string()))
    }
}

/// A job's response JSON: the job, and when it passed the target file in base64 as
/// `output`. The synchronous API answers it, and webhooks deliver it.
pub fn job_answer(job: &Job, target: Option<&FileRow>) -> serde_json::Value {
    use base64::Engine as _;
    let mut answer = serde_json::to_value(job).unwrap_or_default();
    if let Some(file) = target.filter(|_| job.status == app::model::JobStatus::Passed) {
        answer["output"] =
            serde_json::Value::from(base64::engine::general_purpose::STANDARD.encode(&file.data));
    }
    answer
}

fn new_job_id() -> JobId {
    JobId(uuid::Uuid::now_v7())
}
