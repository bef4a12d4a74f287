//! Dashboard list benchmark: seeds N jobs into a SQLite file or a PostgreSQL database with
//! a realistic mix (bulk insert, not the API), then times the list service call — what
//! the `list_jobs` server function runs — for each filter combination at the first, a
//! middle and the last page.
//!
//!     cargo run --release -p server --example bench_list -- [JOBS] [DB_PATH | postgres://…]
//!
//! JOBS defaults to 1,000,000; the database to target/bench/list-JOBS.db. Either is reused
//! when it already holds the bench account's jobs.

use app::filter::{parse_list_query, Cursor, PageRequest};
use app::model::{AccountId, JobId};
use app::time::Timestamp;
use ccjobs::service::Service;
use ccjobs::store::{now_ms, Store};
use sqlx::Connection;
use std::time::Instant;

const ITERATIONS: usize = 200;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let jobs: usize = args
        .get(1)
        .map(|s| s.replace('_', "").parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let target = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| format!("target/bench/list-{jobs}.db"));
    let url = if target.starts_with("postgres") {
        target
    } else {
        format!("sqlite://{target}")
    };
    let store = Store::open(&url).await?;
    let fresh = store.account_by_name("bench").await?.is_none();
    if !fresh && url.starts_with("postgres") {
        // What autovacuum does in a running deployment: a freshly bulk-loaded table has
        // no visibility map yet, and every index-only scan (the capped counts) would
        // visit the heap.
        let mut conn = sqlx::PgConnection::connect(&url).await?;
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
        seed(&url, account, jobs, 1).await?;
        seed(&url, other, jobs / 10, 2).await?;
        service.store().analyze().await?;
        if url.starts_with("postgres") {
            let mut conn = sqlx::PgConnection::connect(&url).await?;
            sqlx::query("vacuum analyze jobs").execute(&mut conn).await?;
        }
        println!(
            "seeded {} + {} jobs in {:.1} s",
            jobs,
            jobs / 10,
            started.elapsed().as_secs_f64()
        );
    }

    let combos = [
        "",
        "status=failed",
        "status=queued",
        "type=transcribe",
        "type=translate&status=queued",
        "type=convert&status=passed",
        "range=24h",
        "range=week&status=failed",
        "range=custom&from=2026-01-01&to=2026-03-31",
        "q=0",
        "q=episode-12345",
        "type=convert&status=failed&range=month&q=episode",
    ];
    println!(
        "\n{:<52} {:>8} {:>8} {:>8}   {:>9}",
        "filter (query string)", "page", "p50 ms", "p99 ms", "rows"
    );
    for combo in combos {
        let (filter, _) = parse_list_query(combo)?;
        let first = PageRequest::default();
        let page = service.list_jobs(account, &filter, &first).await?;
        let total = if page.total_is_lower_bound {
            format!("{}+", page.total)
        } else {
            page.total.to_string()
        };
        let (oldest, newest) = bounds(&url, account).await?;
        let middle = Cursor::After {
            created_at: Timestamp((oldest + newest) / 2),
            id: JobId(uuid::Uuid::max()),
        };
        let last = Cursor::After {
            created_at: Timestamp(oldest + 60_000),
            id: JobId(uuid::Uuid::max()),
        };
        for (label, cursor) in [("first", None), ("middle", Some(middle)), ("last", Some(last))] {
            let request = PageRequest { cursor, ..first };
            let mut times = Vec::with_capacity(ITERATIONS);
            for _ in 0..ITERATIONS {
                let t = Instant::now();
                let page = service.list_jobs(account, &filter, &request).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(page);
            }
            times.sort_by(f64::total_cmp);
            let p = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
            let shown = if combo.is_empty() { "(none)" } else { combo };
            println!(
                "{shown:<52} {label:>8} {:>8.2} {:>8.2}   {total:>9}",
                p(0.50),
                p(0.99)
            );
        }
    }
    Ok(())
}

async fn bounds(url: &str, account: AccountId) -> anyhow::Result<(i64, i64)> {
    let sql = "select min(created_at), max(created_at) from jobs where account_id = ";
    let row: (i64, i64) = if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        sqlx::query_as(&format!("{sql}$1"))
            .bind(account.to_string())
            .fetch_one(&mut conn)
            .await?
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query_as(&format!("{sql}?"))
            .bind(account.to_string())
            .fetch_one(&mut conn)
            .await?
    };
    Ok(row)
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

async fn seed(url: &str, account: AccountId, count: usize, seed: u64) -> anyhow::Result<()> {
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        seed_rows!(conn, sqlx::Postgres, account, count, seed)
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await?;
        seed_rows!(conn, sqlx::Sqlite, account, count, seed)
    }
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
            let created = now - (rng.below(span) as i64);
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
    }
    tx.commit().await?;
    }};
}
use seed_rows;
