//! Dashboard list benchmark: seeds N jobs into a SQLite file or a PostgreSQL database with
//! a realistic mix (bulk insert, not the API), then times the list service call — what
//! the `list_jobs` server function runs — for each filter combination at the first, a
//! middle and the last page.
//!
//!     cargo run --release -p server --example bench_list -- [JOBS] [DB_PATH | postgres://…]
//!
//! JOBS defaults to 1,000,000; the database to target/bench/list-JOBS.db. Either is reused
//! when it already holds the bench account's jobs.

#[path = "support/seed.rs"]
mod seed;

use app::filter::{parse_list_query, Cursor, PageRequest};
use app::model::{AccountId, JobId};
use app::time::Timestamp;
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
    let url = seed::database_url(jobs, args.get(2));
    let (service, account) = seed::open(&url, jobs).await?;

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
        "q=episode",
        "status=failed&q=episode",
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
