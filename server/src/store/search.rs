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

/// Which way each recent search text was matched: many matches (scan) or few (index).
/// Deciding takes a capped count on the trigram index (about 5 ms for a common word at a
/// million jobs), while a dashboard asks the same search again for every page and every
/// auto-refresh; either way gives the same rows, so a decision a minute old is good enough.
#[derive(Debug, Default)]
pub struct PlanCache {
    decided: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, bool)>>,
}

impl PlanCache {
    const FOR: std::time::Duration = std::time::Duration::from_secs(60);
    const MOST: usize = 1_000;

    fn get(&self, q: &str) -> Option<bool> {
        let decided = self.decided.lock().ok()?;
        decided
            .get(q)
            .filter(|(at, _)| at.elapsed() < Self::FOR)
            .map(|(_, many)| *many)
    }

    fn put(&self, q: &str, many: bool) {
        if let Ok(mut decided) = self.decided.lock() {
            if decided.len() >= Self::MOST {
                decided.retain(|_, (at, _)| at.elapsed() < Self::FOR);
                if decided.len() >= Self::MOST {
                    decided.clear();
                }
            }
            decided.insert(q.to_string(), (std::time::Instant::now(), many));
        }
    }
}

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
        let many = match self.plans.get(q) {
            Some(many) => many,
            None => {
                let matches: i64 = on_pool!(self, pool => sqlx::query_scalar(
                    "select count(*) from (select rowid from jobs_file_names where jobs_file_names match ? limit ?)",
                )
                .bind(&phrase)
                .bind(JobPage::COUNT_LIMIT as i64 + 1)
                .fetch_one(pool)
                .await?);
                let many = matches as u64 > JobPage::COUNT_LIMIT;
                self.plans.put(q, many);
                many
            }
        };
        let names = if many {
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

/// Where [`push_filter`] writes: SQL text and the values bound to its `?`s. sqlx's
/// `QueryBuilder` is one (the list, the counts, PostgreSQL's export); [`PlainSql`] the other
/// (SQLite's export, which reads rows through SQLite's own API).
pub trait SqlSink {
    fn sql(&mut self, sql: &str) -> &mut Self;
    fn text(&mut self, value: String) -> &mut Self;
    fn int(&mut self, value: i64) -> &mut Self;
}

impl<'a, DB> SqlSink for QueryBuilder<'a, DB>
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    fn sql(&mut self, sql: &str) -> &mut Self {
        self.push(sql)
    }
    fn text(&mut self, value: String) -> &mut Self {
        self.push_bind(value)
    }
    fn int(&mut self, value: i64) -> &mut Self {
        self.push_bind(value)
    }
}

/// SQL with `?` placeholders and their values, in order.
#[derive(Debug, Default)]
pub struct PlainSql {
    pub sql: String,
    pub values: Vec<SqlValue>,
}

#[derive(Debug, Clone)]
pub enum SqlValue {
    Text(String),
    Int(i64),
}

impl SqlSink for PlainSql {
    fn sql(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }
    fn text(&mut self, value: String) -> &mut Self {
        self.sql.push('?');
        self.values.push(SqlValue::Text(value));
        self
    }
    fn int(&mut self, value: i64) -> &mut Self {
        self.sql.push('?');
        self.values.push(SqlValue::Int(value));
        self
    }
}

/// Appends the filter's conditions (the dashboard's, `GET /jobs`' and the export's), and
/// the keyset position: `After` = strictly older than the key, `Before` = strictly newer.
pub fn push_filter(
    qb: &mut impl SqlSink,
    account: AccountId,
    filter: &JobFilter,
    now: Timestamp,
    search: &Search,
    keyset: Option<Cursor>,
) {
    // With few search matches, the matches must drive the query: `+account_id` keeps the
    // planner from walking the account's whole index and testing each row against them.
    let account_column = match search.names {
        Some(NameMatch::Index(_)) if search.dialect == Dialect::Sqlite => "+account_id",
        _ => "account_id",
    };
    qb.sql(" where ")
        .sql(account_column)
        .sql(" = ")
        .text(account.to_string());
    push_in(qb, "job_type", filter.types.iter().map(|t| t.as_str()));
    push_in(qb, "status", filter.statuses.iter().map(|s| s.as_str()));
    // One lower and one upper bound on created_at, the tighter of the date range's and the
    // cursor's: SQLite ranges an index scan on one bound per side, and a loose one can make
    // it walk a whole date range that the cursor has already left behind.
    let (mut from, mut to) = filter.range.as_ref().map_or((None, None), |r| r.bounds(now));
    match keyset {
        Some(Cursor::After { created_at, id }) => {
            if to.is_none_or(|t| created_at.0 < t.0) {
                to = Some(Timestamp(created_at.0 + 1));
            }
            qb.sql(" and (created_at, id) < (")
                .int(created_at.0)
                .sql(", ")
                .text(id.to_string())
                .sql(")");
        }
        Some(Cursor::Before { created_at, id }) => {
            if from.is_none_or(|f| created_at.0 > f.0) {
                from = Some(created_at);
            }
            qb.sql(" and (created_at, id) > (")
                .int(created_at.0)
                .sql(", ")
                .text(id.to_string())
                .sql(")");
        }
        None => {}
    }
    if let Some(from) = from {
        qb.sql(" and created_at >= ").int(from.0);
    }
    if let Some(to) = to {
        qb.sql(" and created_at < ").int(to.0);
    }
    if search.id_prefix.is_none() && search.names.is_none() {
        return;
    }
    qb.sql(" and (");
    if let Some(prefix) = &search.id_prefix {
        // IDs are lowercase hex and '-', all below '~': a range on the primary key.
        qb.sql("(id >= ")
            .text(prefix.clone())
            .sql(" and id < ")
            .text(format!("{prefix}~"))
            .sql(")");
        qb.sql(" or ");
    }
    match &search.names {
        Some(NameMatch::Index(phrase)) => {
            qb.sql("rowid in (select rowid from jobs_file_names where jobs_file_names match ")
                .text(phrase.clone())
                .sql(")");
        }
        Some(NameMatch::Scan(like)) => {
            // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same.
            qb.sql(match search.dialect {
                Dialect::Sqlite => "source_file_name like ",
                Dialect::Postgres => "source_file_name ilike ",
            })
            .text(like.clone())
            .sql(" escape '\\'");
        }
        None => {
            qb.sql("1 = 0");
        }
    }
    qb.sql(")");
}

/// The capped count of the rows matching the filter (newer than `keyset`'s key, for a
/// page's position): it stops at `COUNT_LIMIT + 1`, so its cost stays bounded however many
/// jobs match.
pub fn push_count(
    qb: &mut impl SqlSink,
    account: AccountId,
    filter: &JobFilter,
    now: Timestamp,
    search: &Search,
    keyset: Option<Cursor>,
) {
    qb.sql("select count(*) from (select 1 from jobs");
    push_filter(qb, account, filter, now, search, keyset);
    qb.sql(" limit ")
        .int(JobPage::COUNT_LIMIT as i64 + 1)
        .sql(") as matching");
}

/// ` and column in (?, ?, …)`, or nothing for an empty list (no condition).
fn push_in<'w>(qb: &mut impl SqlSink, column: &str, words: impl Iterator<Item = &'w str>) {
    let mut first = true;
    for word in words {
        qb.sql(if first { " and " } else { ", " });
        if first {
            qb.sql(column).sql(" in (");
            first = false;
        }
        qb.text(word.to_string());
    }
    if !first {
        qb.sql(")");
    }
}

#[cfg(test)]
mod tests {
    use super::PlanCache;

    #[test]
    fn the_plan_cache_remembers_a_decision_and_stays_bounded() {
        let cache = PlanCache::default();
        assert_eq!(cache.get("episode"), None);
        cache.put("episode", true);
        cache.put("episode-12", false);
        assert_eq!(cache.get("episode"), Some(true));
        assert_eq!(cache.get("episode-12"), Some(false));
        for n in 0..PlanCache::MOST {
            cache.put(&format!("q{n}"), false);
        }
        let held = cache.decided.lock().map(|d| d.len()).unwrap_or(usize::MAX);
        assert!(held <= PlanCache::MOST, "{held} decisions held");
    }
}
