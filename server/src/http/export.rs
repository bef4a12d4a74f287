//! `GET /jobs.csv?…`: the whole filtered view as CSV (RFC 4180), streamed in keyset
//! batches so memory does not grow with the row count. A task reads the next batch while
//! the previous one is on its way to the client, at most [`AHEAD`] batches ahead.

use super::auth::Caller;
use super::error::AppError;
use super::AppState;
use crate::store::{Search, Store, EXPORT_HEADER};
use app::filter::{parse_list_query, JobFilter};
use app::model::{AccountId, JobId};
use app::time::Timestamp;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;

/// Rows per database round trip: big enough that the trips cost little, small enough that
/// a batch (about 160 bytes a row) stays under a megabyte.
const BATCH: u32 = 5_000;

/// Batches read ahead of the client: the database and the connection work at once.
const AHEAD: usize = 2;

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
    let chunk = c
        .store
        .export_chunk(c.account, &c.filter, c.now, c.after, &c.search, BATCH)
        .await
        .map_err(std::io::Error::other)?;
    c.done = chunk.rows < BATCH;
    c.after = chunk.last;
    let body = if c.first {
        c.first = false;
        let mut body = format!("{}\n", EXPORT_HEADER.join(",")).into_bytes();
        body.extend_from_slice(&chunk.csv);
        body
    } else {
        chunk.csv
    };
    Ok(Some((bytes::Bytes::from(body), c)))
}

/// Reads batches into `out` until the view ends, the client leaves (`out` is closed) or
/// the database fails (the client's download then breaks off rather than ending short).
async fn read_ahead(mut c: Cursor, out: tokio::sync::mpsc::Sender<Result<bytes::Bytes, std::io::Error>>) {
    loop {
        match next_chunk(c).await {
            Ok(Some((chunk, next))) => {
                if out.send(Ok(chunk)).await.is_err() {
                    return;
                }
                c = next;
            }
            Ok(None) => return,
            Err(e) => {
                tracing::error!(error = %e, "CSV export failed part way");
                let _ = out.send(Err(e)).await;
                return;
            }
        }
    }
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
    let (out, chunks) = tokio::sync::mpsc::channel(AHEAD);
    tokio::spawn(read_ahead(start, out));
    // A receiver may be asked again after it ended (the compression layer does): it keeps
    // answering "ended", where a finished `unfold` would panic.
    let mut chunks = chunks;
    let body = Body::from_stream(stream::poll_fn(move |cx| chunks.poll_recv(cx)));
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
