//! `GET /jobs/{id}/files/{kind}`: a job's source, target or response file, as an
//! attachment. A file the job does not have (a failed job has no target) is a 404.

use super::auth::Caller;
use super::error::AppError;
use super::AppState;
use crate::store::FileRow;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

const KINDS: [&str; 3] = ["source", "target", "response"];

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback for old
/// clients and the exact name for the rest.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn download(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = super::jobs::parse_id(&id)?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(AppError::NotFound(format!(
            "jobs have no {kind:?} file; use one of: source, target, response"
        )));
    }
    // Distinguishes "no such job" from "this job has no such file".
    state.service.get_job(account, id).await?;
    let file = state.service.get_file(account, id, &kind).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "job {id} has no {kind} file (a job that has not passed has no target file)"
        ))
    })?;
    Ok(file_response(file))
}

pub fn file_response(file: FileRow) -> Response {
    (
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, content_disposition(&file.name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        file.data,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_quoted_safely() {
        assert_eq!(
            content_disposition("épisode \"1\".vtt"),
            "attachment; filename=\"_pisode _1_.vtt\"; filename*=UTF-8''%C3%A9pisode%20%221%22.vtt"
        );
    }
}
