//! The job service: submit, list, get, retry, delete, and sign-in. The REST handlers and
//! the dashboard's server functions (through app's `JobService` port) call these same
//! methods, so the dashboard's Retry and Delete are exactly the API's.

use crate::captions;
use crate::config::Limits;
use crate::signing::Signer;
use crate::store::{FileRow, Inserted, NewAccount, NewJob, Store, StoreError};
use crate::tokens::{hash_token, key_label, random_token, API_KEY_PREFIX};
use app::api::ApiError;
use app::description::JobDescription;
use app::filter::{JobFilter, PageRequest};
use app::model::{AccountId, Job, JobId, JobPage, JobSource, JobType};
use std::sync::Arc;
use tokio::sync::Notify;

/// Sessions last a week; sign-in links a day.
const SESSION_TTL_MS: i64 = 7 * 24 * 3_600_000;
const LINK_TTL_MS: i64 = 24 * 3_600_000;

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
    fn invalid(code: &'static str, message: impl Into<String>) -> Self {
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

/// A new account's secrets, shown once.
pub struct Credentials {
    pub account: AccountId,
    pub name: String,
    pub api_key: String,
    pub sign_in_token: String,
}

pub struct Service {
    store: Store,
    wake: Arc<Notify>,
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
        match self.store.insert_job(&job).await? {
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

    // --- accounts and sign-in ---

    /// Creates an account with its first API key and a one-time sign-in link.
    pub async fn create_account(&self, name: &str) -> Result<Credentials, ServiceError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(ServiceError::invalid(
                "invalid_name",
                "an account name must have 1 to 100 characters",
            ));
        }
        let id = AccountId(uuid::Uuid::new_v4());
        self.store
            .create_account(NewAccount { id, name })
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    "name_taken",
                    format!("an account named {name:?} already exists; pick another name"),
                )
            })?;
        let api_key = self.create_api_key(id).await?;
        let sign_in_token = self.create_sign_in_link(id).await?;
        Ok(Credentials {
            account: id,
            name: name.to_string(),
            api_key,
            sign_in_token,
        })
    }

    pub async fn create_api_key(&self, account: AccountId) -> Result<String, ServiceError> {
        let key = random_token(API_KEY_PREFIX);
        self.store
            .insert_api_key(
                account,
                &uuid::Uuid::new_v4().to_string(),
                &key_label(&key),
                &hash_token(&key),
            )
            .await?;
        Ok(key)
    }

    pub async fn create_sign_in_link(&self, account: AccountId) -> Result<String, ServiceError> {
        let token = random_token("");
        self.store
            .insert_sign_in_link(account, &hash_token(&token), LINK_TTL_MS)
            .await?;
        Ok(token)
    }

    pub async fn account_for_api_key(&self, key: &str) -> Result<Option<AccountId>, ServiceError> {
        Ok(self.store.account_for_key_hash(&hash_token(key)).await?)
    }

    pub async fn account_for_session(&self, token: &str) -> Result<Option<AccountId>, ServiceError> {
        Ok(self.store.account_for_session(&hash_token(token)).await?)
    }

    /// Starts a session; returns its token (the cookie value).
    pub async fn start_session(&self, account: AccountId) -> Result<String, ServiceError> {
        let token = random_token("");
        self.store
            .insert_session(account, &hash_token(&token), SESSION_TTL_MS)
            .await?;
        Ok(token)
    }

    pub async fn sign_in_with_link(&self, token: &str) -> Result<Option<AccountId>, ServiceError> {
        Ok(self.store.consume_sign_in_link(&hash_token(token)).await?)
    }

    pub async fn end_session(&self, token: &str) -> Result<(), ServiceError> {
        Ok(self.store.delete_session(&hash_token(token)).await?)
    }
}

/// How deeply objects and arrays nest in a JSON value (a scalar is 0).
fn json_depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(json_depth).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn new_job_id() -> JobId {
    JobId(uuid::Uuid::now_v7())
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks what can be checked before queueing, so that mistakes fail fast with a 400.
fn validate(description: &JobDescription, file: Option<&Upload>) -> Result<(), ServiceError> {
    let f = &description.fields;
    if description.job_type() != JobType::Convert {
        return Ok(());
    }
    let readable = captions::readable_profiles();
    let writable = captions::writable_profiles();
    match f.source_profile.as_deref() {
        None => {
            return Err(ServiceError::invalid(
                "missing_profile",
                format!(
                    "config has no source_profile; set it to one of: {}",
                    quoted_list(&readable)
                ),
            ))
        }
        Some(p) if !readable.contains(&p) => {
            return Err(ServiceError::invalid(
                "unknown_profile",
                format!(
                    "source_profile {p:?} is not a profile ccjobs can read; use one of: {}",
                    quoted_list(&readable)
                ),
            ))
        }
        Some(_) => {}
    }
    match f.target_profile.as_deref() {
        None => {
            return Err(ServiceError::invalid(
                "missing_profile",
                format!(
                    "config has no target_profile; set it to one of: {}",
                    quoted_list(&writable)
                ),
            ))
        }
        Some(p) if !writable.contains(&p) => {
            return Err(ServiceError::invalid(
                "unknown_profile",
                format!(
                    "target_profile {p:?} is not a profile ccjobs can write; use one of: {}",
                    quoted_list(&writable)
                ),
            ))
        }
        Some(_) => {}
    }
    match file {
        None => Err(ServiceError::invalid(
            "missing_source",
            "the request has no source file; attach the caption file as a multipart field named \"source\" (curl: -F source=@captions.srt)",
        )),
        Some(f) if f.data.is_empty() => Err(ServiceError::invalid(
            "empty_source",
            format!("the source file {:?} is empty; attach the caption file itself", f.name),
        )),
        Some(_) => Ok(()),
    }
}

fn content_type_for(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    captions::FORMATS
        .iter()
        .find(|f| f.extension == ext)
        .map(|f| f.content_type)
        .unwrap_or("application/octet-stream")
        .to_string()
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid { message, .. } => ApiError::BadRequest(message),
            ServiceError::NotFound(id) => ApiError::NotFound(id),
            ServiceError::Conflict { message, .. } => ApiError::BadRequest(message),
            ServiceError::Store(cause) => {
                let request_id = crate::http::error::request_id();
                tracing::error!(%request_id, error = %cause, "storage failure");
                ApiError::Internal(request_id)
            }
        }
    }
}

/// The port the dashboard's server functions call.
#[async_trait::async_trait]
impl app::port::JobService for Service {
    async fn account_for_session(&self, token: &str) -> Result<Option<AccountId>, ApiError> {
        Ok(Service::account_for_session(self, token).await?)
    }

    async fn list_jobs(
        &self,
        account: AccountId,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> Result<JobPage, ApiError> {
        Ok(Service::list_jobs(self, account, filter, page).await?)
    }

    async fn get_job(&self, account: AccountId, id: JobId) -> Result<Job, ApiError> {
        Ok(Service::get_job(self, account, id).await?)
    }

    async fn retry_job(&self, account: AccountId, id: JobId) -> Result<Job, ApiError> {
        Ok(Service::retry_job(self, account, id).await?)
    }

    async fn delete_job(&self, account: AccountId, id: JobId) -> Result<(), ApiError> {
        Ok(Service::delete_job(self, account, id).await?)
    }

    async fn retried_as(&self, account: AccountId, id: JobId) -> Result<Vec<JobId>, ApiError> {
        Ok(Service::retried_as(self, account, id).await?)
    }
}
