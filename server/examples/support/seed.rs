//! The benchmarks' database: N jobs with a realistic mix of accounts, types, statuses,
//! dates, profiles and errors, bulk-inserted (not through the API) in submission order over
//! 400 days, in a SQLite file or a PostgreSQL database, made once and reused by later runs.
//! Included by the bench examples.

use app::model::AccountId;
use ccjobs::service::Service;
use ccjobs::store::{now_ms, Store};
use sqlx::Connection;
use std::time::Instant;

/// The database URL for `target` (a path, or a postgres:// URL), by default
/// target/bench/list-JOBS.db.
pub fn database_url(jobs: usize, target: Option<&String>) -> String {
    let target = target
        .cloned()
        .unwrap_or_else(|| format!("target/bench/list-{jobs}.db"));
    if target.starts_with("postgres") {
        target
    } else {
        if let Some(dir) = std::path::Path::new(&target).parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        format!("sqlite://{target}")
    }
}

/// Opens the bench database, seeding `jobs` jobs for the account "bench" (and a tenth as
/// many for a neighbour, so every query must filter by account) unless it has them.
pub async fn open(url: &str, jobs: usize) -> anyhow::Result<(Service, AccountId)> {
    let store = Store::open(url).await?;
    let fresh = store.account_by_name("bench").await?.is_none();
    if !fresh && url.starts_with("postgres") {
        // What autovacuum does in a running deployment: a freshly bulk-loaded table has
        // no visibility map yet, and every index-only scan (the capped counts) would
        // visit the heap.
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query("vacuum analyze jobs").execute(&mut conn).await?;
    }
    let service = Service::open(store, ccjobs::config::Limits::default()).await?;
    let account = match service.store().account_by_name("bench").await? {
        Some(a) => a.id,
        None => service.create_account("bench").await?.account,
    };
    if fresh {
        let other = service.create_account("neighbour").await?.account;
        let started = Instant::now();
        seed(url, &[(account, jobs, 1), (other, jobs / 10, 2)]).await?;
        service.store().analyze().await?;
        if url.starts_with("postgres") {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            sqlx::query("vacuum analyze jobs").execute(&mut conn).await?;
        }
        println!(
            "seeded {} + {} jobs in {:.1} s",
            jobs,
            jobs / 10,
            started.elapsed().as_secs_f64()
        );
    }
    Ok((service, account))
}

/// A small deterministic generator (xorshift), so every run seeds the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Seeds each (account, jobs, seed) in turn.
async fn seed(url: &str, accounts: &[(AccountId, usize, u64)]) -> anyhow::Result<()> {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        for &(account, count, seed) in accounts {
            seed_rows!(conn, sqlx::Postgres, account, count, seed)
        }
        return Ok(());
    }
    let mut conn = sqlx::SqliteConnection::connect(url).await?;
    // The jobs table's indexes and triggers (the trigram index of file names) are made
    // again after the rows: kept in step row by row, ten million rows took hours.
    let deferred: Vec<(String, String, String)> = sqlx::query_as(
        "select type, name, sql from sqlite_master \
         where tbl_name = 'jobs' and type in ('index', 'trigger') and sql is not null",
    )
    .fetch_all(&mut conn)
    .await?;
    for (kind, name, _) in &deferred {
        sqlx::query(&format!("drop {kind} {name}"))
            .execute(&mut conn)
            .await?;
    }
    sqlx::query("pragma cache_size = -2000000")
        .execute(&mut conn)
        .await?;
    for &(account, count, seed) in accounts {
        seed_rows!(conn, sqlx::Sqlite, account, count, seed)
    }
    for kind in ["index", "trigger"] {
        for (_, _, sql) in deferred.iter().filter(|(k, _, _)| k == kind) {
            sqlx::query(sql).execute(&mut conn).await?;
        }
    }
    // The trigram index filled in rowid order (FTS5's own 'rebuild' reads the file names
    // through the smallest index that holds them, the dashboard's, in account and date
    // order, and merging rowids out of order took twelve minutes for a million jobs).
    sqlx::query("insert into jobs_file_names (jobs_file_names) values ('delete-all')")
        .execute(&mut conn)
        .await?;
    sqlx::query(
        "insert into jobs_file_names (rowid, source_file_name) \
         select rowid, source_file_name from jobs not indexed \
         where source_file_name is not null order by rowid",
    )
    .execute(&mut conn)
    .await?;
    Ok(())
}

/// The bulk insert, typed for each database.
macro_rules! seed_rows {
    ($conn:ident, $db:ty, $account:expr, $count:expr, $seed:expr) => {{
    let (account, count, seed) = ($account, $count, $seed);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
    let now = now_ms();
    let span = 400 * 86_400_000_u64;
    let description =
        r#"{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT"}"#;
    let mut tx = $conn.begin().await?;
    const CHUNK: usize = 200;
    let mut done = 0;
    while done < count {
        let n = CHUNK.min(count - done);
        let mut qb = sqlx::QueryBuilder::<$db>::new(
            "insert into jobs (id, account_id, created_at, job_type, status, source, source_profile, \
             target_profile, frame_rate, source_file_name, description, error, error_summary, attempts, \
             started_at, finished_at) ",
        );
        qb.push_values(0..n, |mut b, i| {
            // Jobs arrive over time: the table fills in submission order, as a live one does
            // (rowid order follows created_at), with a random gap between neighbours.
            let step = span / count as u64;
            let created = now - span as i64
                + ((done + i) as u64 * step + rng.below(step.max(1))) as i64;
            let job_type = match rng.below(100) {
                0..=79 => "convert",
                80..=94 => "transcribe",
                _ => "translate",
            };
            let status = match rng.below(100) {
                0..=84 => "passed",
                85..=94 => "failed",
                95..=97 => "queued",
                _ => "processing",
            };
            let error = (status == "failed")
                .then(|| "line 12: expected a timing line like 00:00:01,000 --> 00:00:02,500".to_string());
            let id = uuid::Uuid::now_v7();
            b.push_bind(id.to_string())
                .push_bind(account.to_string())
                .push_bind(created)
                .push_bind(job_type)
                .push_bind(status)
                .push_bind(["api", "api", "cli", "playground"][rng.below(4) as usize])
                .push_bind("SubRip Video Subtitle Script")
                .push_bind("WebVTT")
                .push_bind(["29.97", "25", "23.976"][rng.below(3) as usize])
                .push_bind(format!("episode-{}.srt", done + i))
                .push_bind(description)
                .push_bind(error.clone())
                .push_bind(error)
                .push_bind(1i64)
                .push_bind(created + 50)
                .push_bind(created + 400);
        });
        qb.build().execute(&mut *tx).await?;
        done += n;
        // A transaction per 200,000 rows: the WAL is checkpointed between them instead of
        // growing to the size of the whole table.
        if done % 200_000 == 0 && done < count {
            tx.commit().await?;
            tx = $conn.begin().await?;
        }
    }
    tx.commit().await?;
    }};
}
use seed_rows;
