//! `GET /jobs.csv?…`: the whole filtered view as CSV (RFC 4180), streamed in keyset
//! batches so memory does not grow with the row count.

use super::auth::Caller;
use super::error::AppError;
use super::AppState;
use crate::store::{ExportRow, Search, Store};
use app::filter::{parse_list_query, JobFilter};
use app::model::{AccountId, JobId};
use app::time::Timestamp;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;

const BATCH: u32 = 2_000;

pub const HEADER: [&str; 12] = [
    "Job ID",
    "Submitted",
    "Type",
    "Source profile",
    "Target profile",
    "Frame rate",
    "Status",
    "Error",
    "Source file name",
    "Job source",
    "Finished",
    "Retry of",
];

/// Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab or carriage return as a
/// formula (OWASP "CSV injection"); a leading apostrophe makes it text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn record(row: &ExportRow) -> [String; 12] {
    let s = &row.summary;
    let text = |v: &Option<String>| neutralise(v.as_deref().unwrap_or("")).into_owned();
    [
        s.id.to_string(),
        s.created_at.to_rfc3339(),
        s.job_type.to_string(),
        text(&s.source_profile),
        text(&s.target_profile),
        text(&s.frame_rate),
        s.status.to_string(),
        text(&row.error),
        text(&s.source_file_name),
        s.source.to_string(),
        row.finished_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        s.retry_of.map(|id| id.to_string()).unwrap_or_default(),
    ]
}

fn encode(rows: &[ExportRow], header: bool) -> Result<bytes::Bytes, std::io::Error> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 160));
    if header {
        writer.write_record(HEADER)?;
    }
    for row in rows {
        writer.write_record(record(row))?;
    }
    writer
        .into_inner()
        .map(bytes::Bytes::from)
        .map_err(|e| e.into_error())
}

struct Cursor {
    store: Store,
    account: AccountId,
    filter: JobFilter,
    search: Search,
    now: Timestamp,
    after: Option<(Timestamp, JobId)>,
    first: bool,
    done: bool,
}

async fn next_chunk(mut c: Cursor) -> Result<Option<(bytes::Bytes, Cursor)>, std::io::Error> {
    if c.done {
        return Ok(None);
    }
    let rows = c
        .store
        .export_batch(c.account, &c.filter, c.now, c.after, &c.search, BATCH)
        .await
        .map_err(std::io::Error::other)?;
    c.done = rows.len() < BATCH as usize;
    c.after = rows.last().map(|r| (r.summary.created_at, r.summary.id));
    let chunk = encode(&rows, c.first)?;
    c.first = false;
    Ok(Some((chunk, c)))
}

pub async fn export_csv(
    State(state): State<AppState>,
    Caller(account): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let (filter, _) = parse_list_query(query.as_deref().unwrap_or(""))
        .map_err(|e| AppError::bad_request("invalid_filter", e.to_string()))?;
    let store = state.service.store().clone();
    let now = store.now();
    let search = store.plan_search(&filter).await.map_err(AppError::internal)?;
    let start = Cursor {
        store,
        account,
        filter,
        search,
        now,
        after: None,
        first: true,
        done: false,
    };
    let body = Body::from_stream(stream::try_unfold(start, next_chunk));
    let file_name = format!("ccjobs-jobs-{}.csv", &now.to_rfc3339()[..10]);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for cell in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        assert_eq!(neutralise("plain, text"), "plain, text");
    }
}
