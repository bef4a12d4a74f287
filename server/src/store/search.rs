//! The filter as SQL, shared by the list, the counts and the export; and the search plan.
//!
//! Search (`q`) matches a job ID prefix or a substring of the source file name. A
//! substring cannot use a b-tree index, so file names have a trigram FTS5 index. That
//! index is the fast path when few rows match; when very many match (a common word such as
//! "episode"), walking the newest-first index and testing each row with LIKE finds a page
//! sooner than gathering and sorting every match. One capped FTS count picks the path.
//!
//! On PostgreSQL the file-name match is an `ILIKE` that a pg_trgm GIN index serves, and
//! the planner picks between that index and the ordered scan itself.

use super::{on_pool, Dialect, Store, StoreResult};
use app::filter::{Cursor, JobFilter};
use app::model::{AccountId, JobPage};
use app::time::Timestamp;
use sqlx::{Database, Encode, QueryBuilder, Type};

/// How `q` is matched, decided once per request.
#[derive(Debug, Clone)]
pub struct Search {
    dialect: Dialect,
    /// Lowercase, when `q` could be the start of a job ID.
    id_prefix: Option<String>,
    names: Option<NameMatch>,
}

#[derive(Debug, Clone)]
enum NameMatch {
    /// An FTS5 phrase: few rows match.
    Index(String),
    /// A LIKE pattern: many rows match, or `q` is shorter than a trigram.
    Scan(String),
}

impl Store {
    pub async fn plan_search(&self, filter: &JobFilter) -> StoreResult<Search> {
        let dialect = self.dialect();
        let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) else {
            return Ok(Search {
                dialect,
                id_prefix: None,
                names: None,
            });
        };
        let id_prefix = q
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '-')
            .then(|| q.to_ascii_lowercase());
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
        );
        if q.chars().count() < 3 || dialect == Dialect::Postgres {
            return Ok(Search {
                dialect,
                id_prefix,
                names: Some(NameMatch::Scan(like)),
            });
        }
        let phrase = format!("\"{}\"", q.replace('"', "\"\""));
        let matches: i64 = on_pool!(self, pool => sqlx::query_scalar(
            "select count(*) from (select rowid from jobs_file_names where jobs_file_names match ? limit ?)",
        )
        .bind(&phrase)
        .bind(JobPage::COUNT_LIMIT as i64 + 1)
        .fetch_one(pool)
        .await?);
        let names = if matches as u64 > JobPage::COUNT_LIMIT {
            NameMatch::Scan(like)
        } else {
            NameMatch::Index(phrase)
        };
        Ok(Search {
            dialect,
            id_prefix,
            names: Some(names),
        })
    }
}

/// Appends the filter's conditions (the dashboard's, `GET /jobs`' and the export's), and
/// the keyset position: `After` = strictly older than the key, `Before` = strictly newer.
pub fn push_filter<'a, DB>(
    qb: &mut QueryBuilder<'a, DB>,
    account: AccountId,
    filter: &JobFilter,
    now: Timestamp,
    search: &Search,
    keyset: Option<Cursor>,
) where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
    &'static str: Encode<'a, DB> + Type<DB>,
{
    // With few search matches, the matches must drive the query: `+account_id` keeps the
    // planner from walking the account's whole index and testing each row against them.
    let account_column = match search.names {
        Some(NameMatch::Index(_)) if search.dialect == Dialect::Sqlite => "+account_id",
        _ => "account_id",
    };
    qb.push(" where ")
        .push(account_column)
        .push(" = ")
        .push_bind(account.to_string());
    if !filter.types.is_empty() {
        qb.push(" and job_type in (");
        let mut list = qb.separated(", ");
        for t in &filter.types {
            list.push_bind(t.as_str());
        }
        qb.push(")");
    }
    if !filter.statuses.is_empty() {
        qb.push(" and status in (");
        let mut list = qb.separated(", ");
        for s in &filter.statuses {
            list.push_bind(s.as_str());
        }
        qb.push(")");
    }
    // One lower and one upper bound on created_at, the tighter of the date range's and the
    // cursor's: SQLite ranges an index scan on one bound per side, and a loose one can make
    // it walk a whole date range that the cursor has already left behind.
    let (mut from, mut to) = filter.range.as_ref().map_or((None, None), |r| r.bounds(now));
    match keyset {
        Some(Cursor::After { created_at, id }) => {
            if to.is_none_or(|t| created_at.0 < t.0) {
                to = Some(Timestamp(created_at.0 + 1));
            }
            qb.push(" and (created_at, id) < (")
                .push_bind(created_at.0)
                .push(", ")
                .push_bind(id.to_string())
                .push(")");
        }
        Some(Cursor::Before { created_at, id }) => {
            if from.is_none_or(|f| created_at.0 > f.0) {
                from = Some(created_at);
            }
            qb.push(" and (created_at, id) > (")
                .push_bind(created_at.0)
                .push(", ")
                .push_bind(id.to_string())
                .push(")");
        }
        None => {}
    }
    if let Some(from) = from {
        qb.push(" and created_at >= ").push_bind(from.0);
    }
    if let Some(to) = to {
        qb.push(" and created_at < ").push_bind(to.0);
    }
    if search.id_prefix.is_none() && search.names.is_none() {
        return;
    }
    qb.push(" and (");
    if let Some(prefix) = &search.id_prefix {
        // IDs are lowercase hex and '-', all below '~': a range on the primary key.
        qb.push("(id >= ")
            .push_bind(prefix.clone())
            .push(" and id < ")
            .push_bind(format!("{prefix}~"))
            .push(")");
        qb.push(" or ");
    }
    match &search.names {
        Some(NameMatch::Index(phrase)) => {
            qb.push("rowid in (select rowid from jobs_file_names where jobs_file_names match ")
                .push_bind(phrase.clone())
                .push(")");
        }
        Some(NameMatch::Scan(like)) => {
            // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same.
            qb.push(match search.dialect {
                Dialect::Sqlite => "source_file_name like ",
                Dialect::Postgres => "source_file_name ilike ",
            })
            .push_bind(like.clone())
            .push(" escape '\\'");
        }
        None => {
            qb.push("1 = 0");
        }
    }
    qb.push(")");
}
