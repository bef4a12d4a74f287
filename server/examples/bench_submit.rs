//! Submission benchmark: a real server (in this process, on 127.0.0.1) and CLIENTS
//! concurrent HTTP clients posting `POST /jobs` (multipart, a small SubRip file) for
//! SECONDS; then the workers drain the queue. Reports accepted submissions per second,
//! request latency, and enqueue-to-passed latency (finished_at − created_at).
//!
//!     cargo run --release -p server --example bench_submit -- [DATABASE_URL] [SECONDS] [CLIENTS] [WORKERS]
//!
//! DATABASE_URL (empty: the default) is a fresh sqlite://target/bench/submit.db; a postgres:// URL
//! names an existing database (a new account is made in it for the run). SECONDS 20,
//! CLIENTS 32, WORKERS 2. Rate limits are off for the run.

use app::filter::{JobFilter, PageRequest};
use clap::Parser;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: ccjobs::config::Config,
}

const SRT: &str =
    "1\n00:00:01,000 --> 00:00:02,500\nHello <i>world</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nTom & Jerry\n";
const CONVERT: &str =
    r#"{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT"}"#;

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).filter(|s| !s.is_empty()).cloned().unwrap_or_else(|| {
        let path = "target/bench/submit.db";
        let _ = std::fs::create_dir_all("target/bench");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        format!("sqlite://{path}")
    });
    let number = |i: usize, default: u64| -> anyhow::Result<u64> {
        Ok(args.get(i).map(|s| s.parse()).transpose()?.unwrap_or(default))
    };
    let seconds = number(2, 20)?;
    let clients = number(3, 32)? as usize;
    let workers = number(4, 2)?;
    let config = Args::parse_from([
        "bench",
        "--database",
        &url,
        "--bind",
        "127.0.0.1:0",
        "--workers",
        &workers.to_string(),
        "--requests-per-minute-per-key",
        "0",
        "--requests-per-minute-per-ip",
        "0",
        "--max-running-per-account",
        "1000",
    ])
    .config;
    let instance = ccjobs::build(config).await?;
    let service = instance.state.service.clone();
    let name = format!("bench-{}", ccjobs::store::now_ms());
    let credentials = service.create_account(&name).await?;
    let account = credentials.account;
    let key = credentials.api_key.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ccjobs::serve(instance, listener, async {
        let _ = stopped.await;
    }));

    println!("{url}: {clients} clients for {seconds} s, {workers} workers");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let http = http.clone();
            let key = key.clone();
            let base = base.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0u64;
                let mut first_failure = None;
                let mut n = 0;
                while Instant::now() < deadline {
                    n += 1;
                    let form = reqwest::multipart::Form::new().text("config", CONVERT).part(
                        "source",
                        reqwest::multipart::Part::bytes(SRT.as_bytes()).file_name(format!("c{c}-{n}.srt")),
                    );
                    let t = Instant::now();
                    let response = http
                        .post(format!("{base}/jobs"))
                        .header("x-api-key", &key)
                        .multipart(form)
                        .send()
                        .await;
                    match response {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let _ = r.bytes().await;
                            latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                        }
                        Ok(r) => {
                            failures += 1;
                            first_failure.get_or_insert(format!("HTTP {}", r.status()));
                        }
                        Err(e) => {
                            failures += 1;
                            first_failure.get_or_insert(e.to_string());
                        }
                    }
                }
                (latencies, failures, first_failure)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (l, f, first) = task.await?;
        latencies.extend(l);
        failures += f;
        if let Some(first) = first {
            println!("a refused submission: {first}");
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    println!(
        "accepted {} submissions in {elapsed:.1} s: {:.0}/s; refused {failures}; request latency p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );

    // Drain: until nothing is queued or running.
    let drain = Instant::now();
    let waiting = JobFilter {
        statuses: vec![app::model::JobStatus::Queued, app::model::JobStatus::Processing],
        ..JobFilter::default()
    };
    loop {
        let page = service
            .list_jobs(account, &waiting, &PageRequest::default())
            .await?;
        if page.total == 0 {
            break;
        }
        if drain.elapsed() > Duration::from_secs(900) {
            anyhow::bail!("the queue did not drain in 15 minutes ({} left)", page.total);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "the workers finished the queue {:.1} s after the last submission",
        drain.elapsed().as_secs_f64()
    );
    let store = service.store();
    let search = store.plan_search(&JobFilter::default()).await?;
    let mut after = None;
    let mut to_passed = Vec::new();
    let mut failed = 0;
    loop {
        let chunk = store
            .export_chunk(account, &JobFilter::default(), store.now(), after, &search, 5000)
            .await?;
        if chunk.rows == 0 {
            break;
        }
        after = chunk.last;
        // The export's columns: 1 Submitted, 6 Status, 10 Finished.
        let mut rows = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(chunk.csv.as_slice());
        for row in rows.records() {
            let row = row?;
            let time = |i: usize| row.get(i).and_then(app::time::Timestamp::parse_rfc3339);
            match (row.get(6), time(1), time(10)) {
                (Some("passed"), Some(submitted), Some(finished)) => {
                    to_passed.push((finished.0 - submitted.0) as f64)
                }
                _ => failed += 1,
            }
        }
    }
    to_passed.sort_by(f64::total_cmp);
    println!(
        "enqueue to passed: p50 {:.0} ms, p99 {:.0} ms over {} jobs ({failed} not passed)",
        percentile(&to_passed, 0.5),
        percentile(&to_passed, 0.99),
        to_passed.len()
    );
    let _ = stop.send(());
    server.await??;
    Ok(())
}
