//! Server functions: the dashboard's calls into the backend, through the [`JobService`] port.
//!
//! [`JobService`]: crate::port::JobService

use crate::model::JobPage;
use leptos::prelude::*;
use leptos::server_fn::codec::{Postcard, PostcardEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The error every server function and service method answers with. Messages are for
/// users: what went wrong and what to do. Causes of internal errors stay in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("You are signed out; sign in again to see your jobs.")]
    Unauthorized,
    #[error("There is no job {0} in this account; check the ID, or it may have been deleted.")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("Internal error (request id {0}); try again, and quote the request id if it persists.")]
    Internal(String),
    #[error("The server could not be reached or answered unexpectedly ({0}); check your connection and try again.")]
    Transport(String),
}

// Errors, and the answers of the functions the dashboard calls, are postcard: the
// dashboard's bundle then carries no JSON reader (crate::codec). The functions only the
// full bundle calls answer JSON (the job detail carries a JSON Job Description).
impl FromServerFnError for ApiError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

/// Lists one page of the signed-in account's jobs. `query` is the dashboard URL's query
/// string, in the same vocabulary as `GET /jobs`.
#[server(endpoint = "list_jobs", output = Postcard)]
pub async fn list_jobs(query: String) -> Result<JobPage, ApiError> {
    let (service, account) = ssr::caller().await?;
    let (filter, page) =
        crate::filter::parse_list_query(&query).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    service.list_jobs(account, &filter, &page).await
}

/// A job and its lineage, for the detail view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobDetail {
    pub job: crate::model::Job,
    /// Jobs that retried this one.
    pub retried_as: Vec<crate::model::JobId>,
    /// The Job Description, pretty-printed by the server (the bundle carries no JSON writer).
    pub description_json: String,
    /// Its webhook deliveries, when it names a webhook and has ended.
    pub webhook: Option<crate::model::WebhookLog>,
}

/// One job in full, pretty-printed: what `GET /jobs/{id}` answers (the JSON dialog shows
/// it). Printed here rather than in the browser, so the bundle carries no JSON writer.
#[server(endpoint = "get_job", output = Postcard)]
pub async fn get_job_json(id: String) -> Result<String, ApiError> {
    let (service, account) = ssr::caller().await?;
    let job = service.get_job(account, ssr::parse_job_id(&id)?).await?;
    serde_json::to_string_pretty(&job).map_err(|e| ApiError::Internal(e.to_string()))
}

/// A job with its retry lineage.
#[server(endpoint = "get_job_detail")]
pub async fn get_job_detail(id: String) -> Result<JobDetail, ApiError> {
    let (service, account) = ssr::caller().await?;
    let id = ssr::parse_job_id(&id)?;
    let job = service.get_job(account, id).await?;
    let retried_as = service.retried_as(account, id).await?;
    let description_json = serde_json::to_string_pretty(job.description.value())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let webhook = match job.description.fields.webhook {
        Some(_) => service.webhook_log(account, id).await?,
        None => None,
    };
    Ok(JobDetail {
        job,
        retried_as,
        description_json,
        webhook,
    })
}

/// The same service method as `POST /jobs/{id}/webhook/redeliver`.
#[server(endpoint = "redeliver_webhook")]
pub async fn redeliver_webhook(id: String) -> Result<crate::model::WebhookLog, ApiError> {
    let (service, account) = ssr::caller().await?;
    service.redeliver_webhook(account, ssr::parse_job_id(&id)?).await
}

/// The account's webhook secret (`GET /account/webhook-secret`), or a new one when
/// `rotate` (`POST /account/webhook-secret/rotate`).
#[server(endpoint = "webhook_secret")]
pub async fn webhook_secret(rotate: bool) -> Result<crate::model::WebhookSecret, ApiError> {
    let (service, account) = ssr::caller().await?;
    match rotate {
        true => service.rotate_webhook_secret(account).await,
        false => service.webhook_secret(account).await,
    }
}

/// The profiles for the Playground's pickers (signed-in users only, like the page).
#[server(endpoint = "playground_profiles")]
pub async fn playground_profiles() -> Result<Vec<crate::model::ProfileInfo>, ApiError> {
    let (service, _account) = ssr::caller().await?;
    Ok(service.profiles())
}

/// The same service method as `POST /jobs/{id}/retry`; answers the new job's ID, which is
/// all the pages use (a whole `Job` would bring its Job Description's JSON reader into the
/// dashboard's bundle).
#[server(endpoint = "retry_job", output = Postcard)]
pub async fn retry_job(id: String) -> Result<crate::model::JobId, ApiError> {
    let (service, account) = ssr::caller().await?;
    let job = service.retry_job(account, ssr::parse_job_id(&id)?).await?;
    Ok(job.id)
}

/// The same service method as `DELETE /jobs/{id}`.
#[server(endpoint = "delete_job", output = Postcard)]
pub async fn delete_job(id: String) -> Result<(), ApiError> {
    let (service, account) = ssr::caller().await?;
    service.delete_job(account, ssr::parse_job_id(&id)?).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Who is calling: the session cookie, resolved through the service.

    use super::ApiError;
    use crate::model::AccountId;
    use crate::port::SharedJobService;
    use leptos::prelude::use_context;

    /// A job ID from a URL; anything else is a job this account does not have.
    pub fn parse_job_id(id: &str) -> Result<crate::model::JobId, ApiError> {
        id.parse().map_err(|_| ApiError::NotFound(id.to_string()))
    }

    /// The name of the session cookie.
    pub const SESSION_COOKIE: &str = "ccjobs_session";

    /// The session token in a `Cookie` header, if any.
    pub fn session_token(headers: &http::HeaderMap) -> Option<&str> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .map(|(_, value)| value)
    }

    /// The service and the signed-in account, or `Unauthorized`.
    pub async fn caller() -> Result<(SharedJobService, AccountId), ApiError> {
        let service = use_context::<SharedJobService>()
            .ok_or_else(|| ApiError::Internal("no-service-context".into()))?;
        let headers: http::HeaderMap = leptos_axum::extract()
            .await
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let token = session_token(&headers).ok_or(ApiError::Unauthorized)?;
        let account = service
            .account_for_session(token)
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok((service, account))
    }
}
