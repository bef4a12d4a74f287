//! `/jobs`: submit, list, get, retry, delete — in the hosted service's shape.

use super::auth::Caller;
use super::error::AppError;
use super::AppState;
use crate::remote;
use crate::service::Upload;
use app::filter::parse_list_query;
use app::model::{AccountId, Job, JobId, JobSource, JobStatus};
use axum::body::Body;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{FromRequestParts, Multipart, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

pub(super) fn parse_id(id: &str) -> Result<JobId, AppError> {
    id.parse().map_err(|_| {
        AppError::bad_request(
            "invalid_id",
            format!("{id:?} is not a job ID; job IDs look like 0193a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"),
        )
    })
}

fn multipart_error(e: MultipartError, limit: usize) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge(format!(
            "the upload is larger than this server's limit of {} MB; split the file or ask the administrator to raise CCJOBS_MAX_UPLOAD_BYTES",
            limit / (1024 * 1024)
        ))
    } else {
        AppError::bad_request("invalid_multipart", format!("the multipart body could not be read ({e}); send multipart/form-data with the fields config and source"))
    }
}

fn remote_url(data: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(data).ok()?.trim();
    let lower = text.get(..8)?.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| text.to_string())
}

/// The header with which the CLI and the API Playground say where a job came from (the
/// dashboard's source column); plain API calls leave it out and count as `api`.
pub const SOURCE_HEADER: &str = "ccjobs-source";

fn job_source(headers: &HeaderMap) -> Result<JobSource, AppError> {
    let Some(value) = headers.get(SOURCE_HEADER) else {
        return Ok(JobSource::Api);
    };
    value.to_str().ok().and_then(|v| v.parse().ok()).ok_or_else(|| {
        AppError::bad_request(
            "invalid_source",
            format!("the {SOURCE_HEADER} header must be api, playground or cli; leave it out for api"),
        )
    })
}

/// `POST /jobs`: multipart with `config` (the Job Description JSON) and `source` (the file).
/// With an `Idempotency-Key` header the account already used, the earlier job comes back
/// (200, `Idempotent-Replayed: true`) instead of a new one (201).
/// The longest `POST /jobs?wait=N` may hold its answer.
pub const MAX_WAIT_SECONDS: u64 = 60;

/// `?wait=N`: seconds the answer may wait for the job to end (0: answer at once).
fn wait_seconds(query: Option<&str>) -> Result<u64, AppError> {
    let Some(wait) = query
        .into_iter()
        .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
        .find(|(k, _)| k == "wait")
        .map(|(_, v)| v.into_owned())
    else {
        return Ok(0);
    };
    match wait.trim().parse::<u64>() {
        Ok(n) if n <= MAX_WAIT_SECONDS => Ok(n),
        _ => Err(AppError::bad_request(
            "invalid_wait",
            format!("wait must be a whole number of seconds from 0 to {MAX_WAIT_SECONDS}, not {wait:?}; for longer jobs leave it out and poll GET /jobs/{{id}} (or use a webhook)"),
        )),
    }
}

/// Waits up to `seconds` for the job to end; then its JSON, with the target file as base64
/// in `output` when it passed (the synchronous answer, as the hosted service gave it).
async fn synchronous_answer(
    state: &AppState,
    account: AccountId,
    mut job: Job,
    seconds: u64,
) -> Result<Value, AppError> {
    use tokio::time::{sleep_until, Duration, Instant};
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // Short jobs answer within 50 ms; a long wait looks at the job at most twice a second.
    let mut pause = Duration::from_millis(50);
    while matches!(job.status, JobStatus::Queued | JobStatus::Processing) && Instant::now() < deadline {
        sleep_until((Instant::now() + pause).min(deadline)).await;
        pause = (pause * 2).min(Duration::from_millis(500));
        job = state.service.get_job(account, job.id).await?;
    }
    let target = match job.status {
        JobStatus::Passed => state.service.get_file(account, job.id, "target").await?,
        _ => None,
    };
    Ok(crate::service::job_answer(&job, target.as_ref()))
}

pub async fn submit_job(
    State(state): State<AppState>,
    Caller(account): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let wait = wait_seconds(query.as_deref())?;
    let mut multipart = multipart.map_err(|e| {
        AppError::bad_request("invalid_multipart", format!("{e}; send multipart/form-data with the fields config and source (curl: -F config=… -F source=@file.srt)"))
    })?;
    let limit = state.config.max_upload_bytes;
    let (mut config, mut source) = (None, None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e, limit))?
    {
        match field.name() {
            Some("config") => config = Some(field.text().await.map_err(|e| multipart_error(e, limit))?),
            Some("source") => {
                let name = field
                    .file_name()
                    .filter(|n| !n.trim().is_empty())
                    .map(str::to_string);
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| multipart_error(e, limit))?
                    .to_vec();
                source = Some(match name {
                    Some(name) => Upload { name, data },
                    // A plain text field holding an http(s) address: the file is fetched.
                    None => match remote_url(&data) {
                        Some(url) => remote::fetch("The source URL", &url, &state.fetch_policy())
                            .await
                            .map_err(|e| AppError::bad_request("source_url", e.message))?,
                        None => Upload {
                            name: "source".into(),
                            data,
                        },
                    },
                });
            }
            _ => {}
        }
    }
    let config = config.ok_or_else(|| {
        AppError::bad_request("missing_config", "the request has no config field; send the Job Description JSON as a multipart field named \"config\" (curl: -F config='{\"job_type\":\"convert\",…}')")
    })?;
    let key = match headers.get("idempotency-key").map(|v| v.to_str()) {
        Some(Ok(key)) => Some(key),
        Some(Err(_)) => {
            return Err(AppError::bad_request(
                "invalid_idempotency_key",
                "the Idempotency-Key header must be plain ASCII text; a UUID is a good choice",
            ))
        }
        None => None,
    };
    let origin = job_source(&headers)?;
    let submitted = state
        .service
        .submit_job(account, origin, &config, source, key)
        .await?;
    let location = format!("/jobs/{}", submitted.job.id);
    let (status, replayed) = match submitted.replayed {
        true => (StatusCode::OK, "true"),
        false => (StatusCode::CREATED, "false"),
    };
    let headers = [
        (header::LOCATION, location),
        (HeaderName::from_static("idempotent-replayed"), replayed.into()),
    ];
    if wait == 0 {
        return Ok((status, headers, Json(submitted.job)).into_response());
    }
    let answer = synchronous_answer(&state, account, submitted.job, wait).await?;
    Ok((status, headers, Json(answer)).into_response())
}

/// `GET /jobs?type=…&status=…&range=…&q=…&size=…&cursor=…`
pub async fn list_jobs(
    State(state): State<AppState>,
    Caller(account): Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (filter, page) = parse_list_query(query.as_deref().unwrap_or(""))
        .map_err(|e| AppError::bad_request("invalid_filter", e.to_string()))?;
    json_with_etag(&headers, &state.service.list_jobs(account, &filter, &page).await?)
}

/// JSON with a strong `ETag` (a hash of the body). A client that sends the tag back in
/// `If-None-Match` gets `304 Not Modified` and no body when nothing changed: a script or
/// dashboard that polls pays for the query, not for the transfer.
pub(super) fn json_with_etag(
    headers: &HeaderMap,
    value: &impl serde::Serialize,
) -> Result<Response, AppError> {
    use sha2::{Digest, Sha256};
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let tag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..32]);
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == tag
        });
    let cache = [
        (header::ETAG, tag),
        (header::CACHE_CONTROL, "no-cache".to_string()),
    ];
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((cache, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /jobs/{id}` for everything but a browser's navigation (which gets the page).
pub async fn get_job_json(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (mut parts, _) = request.into_parts();
    let result = async {
        let Caller(account) = Caller::from_request_parts(&mut parts, &state).await?;
        let Path(id) = Path::<String>::from_request_parts(&mut parts, &state)
            .await
            .map_err(|e| AppError::bad_request("invalid_id", e.body_text()))?;
        json_with_etag(
            &parts.headers,
            &state.service.get_job(account, parse_id(&id)?).await?,
        )
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn retry_job(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let job = state.service.retry_job(account, parse_id(&id)?).await?;
    let location = format!("/jobs/{}", job.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(job)).into_response())
}

pub async fn delete_job(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state.service.delete_job(account, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /jobs?id=…[&id=…]`: all or nothing — if one ID is unknown, none is deleted.
pub async fn delete_jobs(
    State(state): State<AppState>,
    Caller(account): Caller,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, AppError> {
    let ids = form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| parse_id(&v))
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err(AppError::bad_request(
            "missing_id",
            "name the jobs to delete: DELETE /jobs?id=JOB_ID (repeat id for several)",
        ));
    }
    for id in &ids {
        state.service.get_job(account, *id).await?;
    }
    for id in ids {
        state.service.delete_job(account, id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
