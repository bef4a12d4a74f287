//! Server functions: the dashboard's calls into the backend, through the [`JobService`] port.
//!
//! [`JobService`]: crate::port::JobService

use crate::model::JobPage;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
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

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

/// Lists one page of the signed-in account's jobs. `query` is the dashboard URL's query
/// string, in the same vocabulary as `GET /jobs`.
#[server(endpoint = "list_jobs")]
pub async fn list_jobs(query: String) -> Result<JobPage, ApiError> {
    let (service, account) = ssr::caller().await?;
    let (filter, page) =
        crate::filter::parse_list_query(&query).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    service.list_jobs(account, &filter, &page).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Who is calling: the session cookie, resolved through the service.

    use super::ApiError;
    use crate::model::AccountId;
    use crate::port::SharedJobService;
    use leptos::prelude::use_context;

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
