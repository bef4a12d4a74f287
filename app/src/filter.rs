//! The dashboard's filter and page request, and their one URL vocabulary.
//!
//! The same query words serve the dashboard's URL, `GET /jobs` and the CSV export:
//! `type` and `status` (repeatable), `range` (24h, week, month, year, custom), `from` and
//! `to` (YYYY-MM-DD, with `range=custom`), `q`, `size` (25, 50, 100) and `cursor`.

use crate::model::{JobId, JobStatus, JobType, UnknownWord};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A preset or custom date range over `created_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DateRange {
    Last24Hours,
    LastWeek,
    LastMonth,
    LastYear,
    /// Inclusive calendar dates (UTC); either end may be open.
    Custom {
        from: Option<String>,
        to: Option<String>,
    },
}

impl DateRange {
    pub fn word(&self) -> &'static str {
        match self {
            DateRange::Last24Hours => "24h",
            DateRange::LastWeek => "week",
            DateRange::LastMonth => "month",
            DateRange::LastYear => "year",
            DateRange::Custom { .. } => "custom",
        }
    }

    /// `[from, to)` bounds in milliseconds, relative to `now`.
    pub fn bounds(&self, now: Timestamp) -> (Option<Timestamp>, Option<Timestamp>) {
        const DAY: i64 = 86_400_000;
        let back = |days: i64| (Some(Timestamp(now.0 - days * DAY)), None);
        match self {
            DateRange::Last24Hours => back(1),
            DateRange::LastWeek => back(7),
            DateRange::LastMonth => back(30),
            DateRange::LastYear => back(365),
            DateRange::Custom { from, to } => (
                from.as_deref().and_then(Timestamp::parse_date),
                to.as_deref()
                    .and_then(Timestamp::parse_date)
                    .map(|t| Timestamp(t.0 + DAY)),
            ),
        }
    }
}

/// Which jobs to list. Empty lists mean "all".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFilter {
    pub types: Vec<JobType>,
    pub statuses: Vec<JobStatus>,
    pub range: Option<DateRange>,
    /// A job ID (full or prefix) or a source file name (substring).
    pub q: Option<String>,
}

/// Rows per page: 25, 50 or 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSize(u32);

impl PageSize {
    pub const ALLOWED: [u32; 3] = [25, 50, 100];

    pub fn new(n: u32) -> Option<Self> {
        Self::ALLOWED.contains(&n).then_some(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self(25)
    }
}

/// A position in the newest-first order of `(created_at, id)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    /// The page of rows older than this key.
    After { created_at: Timestamp, id: JobId },
    /// The page of rows newer than this key.
    Before { created_at: Timestamp, id: JobId },
}

impl Cursor {
    /// Opaque to clients; readable in logs.
    pub fn encode(&self) -> String {
        match self {
            Cursor::After { created_at, id } => format!("a{}_{}", created_at.0, id),
            Cursor::Before { created_at, id } => format!("b{}_{}", created_at.0, id),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (dir, rest) = s.split_at_checked(1)?;
        let (ms, id) = rest.split_once('_')?;
        let created_at = Timestamp(ms.parse().ok()?);
        let id = id.parse().ok()?;
        match dir {
            "a" => Some(Cursor::After { created_at, id }),
            "b" => Some(Cursor::Before { created_at, id }),
            _ => None,
        }
    }
}

/// Which page to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    pub size: PageSize,
    pub cursor: Option<Cursor>,
}

/// A query string that does not say something we understand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("{0}")]
    Word(#[from] UnknownWord),
    #[error("range {0:?} is not recognised; use one of: 24h, week, month, year, custom")]
    Range(String),
    #[error("{field} {value:?} is not a date; use YYYY-MM-DD")]
    Date { field: &'static str, value: String },
    #[error("size {0:?} is not allowed; use 25, 50 or 100")]
    Size(String),
    #[error("cursor {0:?} is not one this server issued; start again from the first page")]
    Cursor(String),
}

/// Parses the list vocabulary from a URL query string (without the leading `?`).
/// Unknown parameters are ignored so that other tools can add their own.
pub fn parse_list_query(query: &str) -> Result<(JobFilter, PageRequest), FilterError> {
    let mut filter = JobFilter::default();
    let mut page = PageRequest::default();
    let (mut range, mut from, mut to) = (None::<String>, None::<String>, None::<String>);
    for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        match key.as_ref() {
            "type" => push_unique(&mut filter.types, value.parse()?),
            "status" => push_unique(&mut filter.statuses, value.parse()?),
            "range" => range = Some(value.to_string()),
            "from" => from = Some(checked_date("from", value)?),
            "to" => to = Some(checked_date("to", value)?),
            "q" => filter.q = Some(value.to_string()),
            "size" => {
                page.size = value
                    .parse()
                    .ok()
                    .and_then(PageSize::new)
                    .ok_or_else(|| FilterError::Size(value.to_string()))?;
            }
            "cursor" => {
                page.cursor =
                    Some(Cursor::decode(value).ok_or_else(|| FilterError::Cursor(value.to_string()))?);
            }
            _ => {}
        }
    }
    filter.range = match range.as_deref() {
        None | Some("all") => None,
        Some("24h") => Some(DateRange::Last24Hours),
        Some("week") => Some(DateRange::LastWeek),
        Some("month") => Some(DateRange::LastMonth),
        Some("year") => Some(DateRange::LastYear),
        Some("custom") => Some(DateRange::Custom { from, to }),
        Some(other) => return Err(FilterError::Range(other.to_string())),
    };
    Ok((filter, page))
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn checked_date(field: &'static str, value: &str) -> Result<String, FilterError> {
    match Timestamp::parse_date(value) {
        Some(_) => Ok(value.to_string()),
        None => Err(FilterError::Date {
            field,
            value: value.to_string(),
        }),
    }
}

/// The query string for a filter and page; the inverse of [`parse_list_query`].
/// The default page size is left out so that shared links stay short.
pub fn list_query_string(filter: &JobFilter, page: &PageRequest) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for t in &filter.types {
        out.append_pair("type", t.as_str());
    }
    for s in &filter.statuses {
        out.append_pair("status", s.as_str());
    }
    if let Some(range) = &filter.range {
        out.append_pair("range", range.word());
        if let DateRange::Custom { from, to } = range {
            if let Some(from) = from {
                out.append_pair("from", from);
            }
            if let Some(to) = to {
                out.append_pair("to", to);
            }
        }
    }
    if let Some(q) = &filter.q {
        out.append_pair("q", q);
    }
    if page.size != PageSize::default() {
        out.append_pair("size", &page.size.get().to_string());
    }
    if let Some(cursor) = &page.cursor {
        out.append_pair("cursor", &cursor.encode());
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips() {
        let id: JobId = "0193a1b2-0000-7000-8000-000000000001".parse().expect("uuid");
        let filter = JobFilter {
            types: vec![JobType::Convert, JobType::Translate],
            statuses: vec![JobStatus::Failed],
            range: Some(DateRange::Custom {
                from: Some("2026-01-01".into()),
                to: None,
            }),
            q: Some("my file.srt".into()),
        };
        let page = PageRequest {
            size: PageSize::new(50).expect("allowed"),
            cursor: Some(Cursor::After {
                created_at: Timestamp(1_700_000_000_000),
                id,
            }),
        };
        let qs = list_query_string(&filter, &page);
        assert_eq!(parse_list_query(&qs), Ok((filter, page)), "{qs}");
    }

    #[test]
    fn bad_words_are_explained() {
        let err = parse_list_query("status=done").unwrap_err();
        assert!(
            err.to_string().contains("queued, processing, passed, failed"),
            "{err}"
        );
        assert_eq!(
            parse_list_query("size=30").unwrap_err(),
            FilterError::Size("30".into())
        );
        assert!(matches!(
            parse_list_query("range=custom&from=2026-13-01"),
            Err(FilterError::Date { .. })
        ));
        assert!(matches!(
            parse_list_query("cursor=zzz"),
            Err(FilterError::Cursor(_))
        ));
    }

    #[test]
    fn custom_range_includes_the_whole_last_day() {
        let r = DateRange::Custom {
            from: Some("2026-12-01".into()),
            to: Some("2026-12-01".into()),
        };
        let (from, to) = r.bounds(Timestamp(0));
        assert_eq!(
            to.map(|t| t.0).zip(from.map(|f| f.0)).map(|(t, f)| t - f),
            Some(86_400_000)
        );
    }
}
