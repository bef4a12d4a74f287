//! The service as app's `JobService` port, with its errors in the wire type.

use super::{Service, ServiceError};
use app::api::ApiError;
use app::filter::{JobFilter, PageRequest};
use app::model::{AccountId, Job, JobId, JobPage, ProfileInfo, WebhookLog, WebhookSecret};

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

    async fn webhook_log(&self, account: AccountId, id: JobId) -> Result<Option<WebhookLog>, ApiError> {
        Ok(Service::webhook_log(self, account, id).await?)
    }

    async fn redeliver_webhook(&self, account: AccountId, id: JobId) -> Result<WebhookLog, ApiError> {
        Ok(Service::redeliver_webhook(self, account, id).await?)
    }

    async fn webhook_secret(&self, account: AccountId) -> Result<WebhookSecret, ApiError> {
        Ok(Service::webhook_secret(self, account).await?)
    }

    async fn rotate_webhook_secret(&self, account: AccountId) -> Result<WebhookSecret, ApiError> {
        Ok(Service::rotate_webhook_secret(self, account).await?)
    }

    fn profiles(&self) -> Vec<ProfileInfo> {
        super::profiles()
    }
}
