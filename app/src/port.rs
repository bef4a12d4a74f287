//! The port between the app and the backend: implemented in the server crate, handed to
//! Leptos as context, and called by server functions and REST handlers alike.

use crate::api::ApiError;
use crate::filter::{JobFilter, PageRequest};
use crate::model::{AccountId, Job, JobId, JobPage, ProfileInfo, WebhookLog, WebhookSecret};
use std::sync::Arc;

/// What the dashboard needs from the job backend. Every method is scoped to an account:
/// a job of another account is `NotFound`, never visible.
#[async_trait::async_trait]
pub trait JobService: Send + Sync + 'static {
    /// The account a session token belongs to, if the session is live.
    async fn account_for_session(&self, token: &str) -> Result<Option<AccountId>, ApiError>;
    async fn list_jobs(
        &self,
        account: AccountId,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> Result<JobPage, ApiError>;
    async fn get_job(&self, account: AccountId, id: JobId) -> Result<Job, ApiError>;
    async fn retry_job(&self, account: AccountId, id: JobId) -> Result<Job, ApiError>;
    async fn delete_job(&self, account: AccountId, id: JobId) -> Result<(), ApiError>;
    /// The jobs that retried this one ("Retried as").
    async fn retried_as(&self, account: AccountId, id: JobId) -> Result<Vec<JobId>, ApiError>;
    /// A job's webhook deliveries; `None` when it names no webhook or has not ended.
    async fn webhook_log(&self, account: AccountId, id: JobId) -> Result<Option<WebhookLog>, ApiError>;
    /// Sends a finished job's webhook again now.
    async fn redeliver_webhook(&self, account: AccountId, id: JobId) -> Result<WebhookLog, ApiError>;
    /// The account's webhook signing secret.
    async fn webhook_secret(&self, account: AccountId) -> Result<WebhookSecret, ApiError>;
    /// A new webhook signing secret (the previous one keeps signing for a day).
    async fn rotate_webhook_secret(&self, account: AccountId) -> Result<WebhookSecret, ApiError>;
    /// The caption profiles this server reads and writes.
    fn profiles(&self) -> Vec<ProfileInfo>;
}

/// How the service travels through Leptos context.
pub type SharedJobService = Arc<dyn JobService>;
