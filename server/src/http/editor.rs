//! "Open in Closed Caption Creator": a redirect to the editor's work-order URL carrying a
//! signed, expiring download link of the target file; and that link's endpoint.

use super::auth::Caller;
use super::error::AppError;
use super::files::file_response;
use super::AppState;
use app::model::JobStatus;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// How long an editor hand-off link works.
const LINK_TTL_SECS: i64 = 24 * 3600;

pub async fn open_in_editor(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = super::jobs::parse_id(&id)?;
    let job = state.service.get_job(account, id).await?;
    let (JobStatus::Passed, Some(name)) = (job.status, job.target_file_name.as_deref()) else {
        return Err(AppError::bad_request(
            "not_passed",
            format!(
                "job {id} is {}; only a passed job has a caption file to open in the editor",
                job.status
            ),
        ));
    };
    let expires = crate::store::now_ms() / 1000 + LINK_TTL_SECS;
    let signature = state.service.signer().sign(id, "target", expires);
    let url = format!(
        "{}/download/{id}/target?expires={expires}&signature={signature}",
        state.config.public_url()
    );
    let work_order = serde_json::json!({
        "source": "ccjobs",
        "job_id": id,
        "caption_file": {
            "url": url,
            "name": name,
            "profile": job.target_profile,
            "expires_at": app::time::Timestamp(expires * 1000),
        },
        "frame_rate": job.frame_rate,
    });
    let encoded: String = form_urlencoded::byte_serialize(work_order.to_string().as_bytes()).collect();
    let template = &state.config.editor_url_template;
    let target = if template.contains("{work_order}") {
        template.replace("{work_order}", &encoded)
    } else {
        format!("{template}{encoded}")
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(Deserialize)]
pub struct SignedQuery {
    expires: i64,
    signature: String,
}

/// `GET /download/{id}/{kind}?expires=…&signature=…`: no key needed, only a valid,
/// unexpired signature.
pub async fn signed_download(
    State(state): State<AppState>,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<SignedQuery>,
) -> Result<Response, AppError> {
    let id = super::jobs::parse_id(&id)?;
    if !state.service.signer().verify(id, &kind, q.expires, &q.signature) {
        return Err(AppError::Forbidden(
            "this download link is not valid (it was changed or cut short); open the job in the dashboard for a new one".into(),
        ));
    }
    if crate::store::now_ms() / 1000 > q.expires {
        return Err(AppError::Forbidden(format!(
            "this download link expired at {}; open the job in the dashboard for a new one",
            app::time::Timestamp(q.expires * 1000)
        )));
    }
    let file = state
        .service
        .store()
        .get_file_unscoped(id, &kind)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "job {id} no longer has a {kind} file; it may have been deleted"
            ))
        })?;
    Ok(file_response(file))
}
