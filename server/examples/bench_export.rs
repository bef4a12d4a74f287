//! CSV export benchmark: the bench database of N jobs (seeded as `bench_list` seeds it, and
//! shared with it), a real server in this process on 127.0.0.1, and `GET /jobs.csv` read as
//! a client would. Reports, for the whole account and two filtered views: rows, time to
//! first byte, rows per second, and the heap's peak above what it was before the request
//! (a counting allocator), which shows whether memory grows with the row count.
//!
//!     cargo run --release -p server --example bench_export -- [JOBS] [DB_PATH | postgres://…]
//!
//! JOBS defaults to 1,000,000; the database to target/bench/list-JOBS.db.

#[path = "support/alloc.rs"]
mod alloc;
#[path = "support/seed.rs"]
mod seed;

use alloc::{LIVE, PEAK};
use clap::Parser;
use std::sync::atomic::Ordering;
use std::time::Instant;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: ccjobs::config::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let jobs: usize = args
        .get(1)
        .map(|s| s.replace('_', "").parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let url = seed::database_url(jobs, args.get(2));
    let account = {
        let (service, account) = seed::open(&url, jobs).await?;
        drop(service);
        account
    };
    let config = Args::parse_from([
        "bench",
        "--database",
        &url,
        "--bind",
        "127.0.0.1:0",
        "--workers",
        "0",
        "--requests-per-minute-per-key",
        "0",
    ])
    .config;
    let instance = ccjobs::build(config).await?;
    let key = instance.state.service.create_api_key(account).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ccjobs::serve(instance, listener, async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::new();

    println!(
        "{:<36} {:>10} {:>9} {:>9} {:>12} {:>12}",
        "export (query string)", "rows", "TTFB ms", "total s", "rows/s", "peak heap MB"
    );
    for query in ["", "status=failed", "type=transcribe&status=failed"] {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let mut response = http
            .get(format!("{base}/jobs.csv?{query}"))
            .header("x-api-key", &key)
            .send()
            .await?
            .error_for_status()?;
        let mut first = None;
        let mut lines = 0usize;
        while let Some(chunk) = response.chunk().await? {
            first.get_or_insert_with(|| started.elapsed());
            lines += chunk.iter().filter(|&&b| b == b'\n').count();
        }
        let total = started.elapsed().as_secs_f64();
        let rows = lines.saturating_sub(1);
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        let shown = if query.is_empty() { "(all)" } else { query };
        println!(
            "{shown:<36} {rows:>10} {:>9.1} {total:>9.2} {:>12.0} {:>12.1}",
            first.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
            rows as f64 / total,
            peak as f64 / 1e6
        );
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}
