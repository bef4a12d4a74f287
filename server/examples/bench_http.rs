//! Dashboard load benchmark against a separate `ccjobs serve` process (the release binary
//! beside this example), on the bench database of N jobs (seeded as `bench_list` seeds it),
//! measured from outside so the server's CPU time is its own:
//!
//! 1. render rate: CLIENTS signed-in clients load the dashboard (`GET /`, server-rendered
//!    with its first page of jobs) as fast as they can for 10 s: requests/s, p50, p99;
//! 2. 100 open dashboards auto-refreshing every 15 s: each calls the `list_jobs` server
//!    function the dashboard's timer calls, staggered evenly, for WINDOW seconds, while one
//!    API client lists jobs (`GET /jobs`) five times a second. Reported: the server's CPU
//!    (from /proc) as a share of one core, and that client's p50/p99, beside the same
//!    window without the dashboards.
//!
//! Run:
//!
//!     cargo build --release -p server --bin ccjobs --example bench_http
//!     target/release/examples/bench_http [JOBS] [DB_PATH] [CLIENTS] [WINDOW]
//!
//! JOBS 1,000,000; DB target/bench/list-JOBS.db; CLIENTS 8; WINDOW 60 s.

#[path = "support/seed.rs"]
mod seed;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DASHBOARDS: usize = 100;
const REFRESH: Duration = Duration::from_secs(15);

/// The server process; killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process's CPU time so far (user + system), from /proc/PID/stat.
fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> anyhow::Result<f64> { Ok(fields.get(i).unwrap_or(&"0").parse::<f64>()?) };
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    let hz = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .unwrap_or(100.0);
    Ok((ticks(11)? + ticks(12)?) / hz)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// One API client listing jobs five times a second until `until`: its latencies in ms.
async fn api_client(http: reqwest::Client, base: String, key: String, until: Instant) -> Vec<f64> {
    let mut times = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    while Instant::now() < until {
        tick.tick().await;
        let t = Instant::now();
        let ok = http
            .get(format!("{base}/jobs?limit=25"))
            .header("x-api-key", &key)
            .send()
            .await
            .map(|r| r.status().is_success());
        if matches!(ok, Ok(true)) {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    times
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize, default: usize| -> anyhow::Result<usize> {
        Ok(args
            .get(i)
            .map(|s| s.replace('_', "").parse())
            .transpose()?
            .unwrap_or(default))
    };
    let jobs = number(1, 1_000_000)?;
    let url = seed::database_url(jobs, args.get(2).filter(|s| !s.is_empty()));
    let clients = number(3, 8)?;
    let window = Duration::from_secs(number(4, 60)? as u64);
    let (key, session) = {
        let (service, account) = seed::open(&url, jobs).await?;
        (
            service.create_api_key(account).await?,
            service.start_session(account).await?,
        )
    };

    let binary = std::env::current_exe()?
        .parent()
        .and_then(|examples| examples.parent())
        .map(|release| release.join("ccjobs"))
        .filter(|p| p.exists())
        .ok_or_else(|| {
            anyhow::anyhow!("build the server first: cargo build --release -p server --bin ccjobs")
        })?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let server = Server(
        Command::new(binary)
            .args([
                "serve",
                "--database",
                &url,
                "--bind",
                &format!("127.0.0.1:{port}"),
            ])
            .args([
                "--workers",
                "0",
                "--requests-per-minute-per-key",
                "0",
                "--requests-per-minute-per-ip",
                "0",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let pid = server.0.id();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(DASHBOARDS + clients)
        .build()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{base}/health")).send().await.is_err() {
        anyhow::ensure!(Instant::now() < deadline, "the server did not answer within 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cookie = format!("ccjobs_session={session}");

    // 1. Render rate.
    let until = Instant::now() + Duration::from_secs(10);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (http, base, cookie) = (http.clone(), base.clone(), cookie.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                while Instant::now() < until {
                    let t = Instant::now();
                    let response = http
                        .get(format!("{base}/"))
                        .header("cookie", &cookie)
                        .send()
                        .await;
                    if let Ok(r) = response {
                        if r.status().is_success() && r.bytes().await.is_ok() {
                            times.push(t.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    times.sort_by(f64::total_cmp);
    println!(
        "dashboard render (GET /, {clients} clients, {jobs} jobs): {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms",
        times.len() as f64 / elapsed,
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );

    // 2. The API client alone, then beside 100 auto-refreshing dashboards.
    for with_dashboards in [false, true] {
        let cpu_before = cpu_seconds(pid)?;
        let started = Instant::now();
        let until = started + window;
        let dashboards: Vec<_> = (0..if with_dashboards { DASHBOARDS } else { 0 })
            .map(|i| {
                let (http, base, cookie) = (http.clone(), base.clone(), cookie.clone());
                tokio::spawn(async move {
                    let mut refreshes = 0usize;
                    tokio::time::sleep(REFRESH * i as u32 / DASHBOARDS as u32).await;
                    let mut tick = tokio::time::interval(REFRESH);
                    loop {
                        tick.tick().await;
                        if Instant::now() >= until {
                            return refreshes;
                        }
                        let response = http
                            .post(format!("{base}/api/list_jobs"))
                            .header("cookie", &cookie)
                            .form(&[("query", "")])
                            .send()
                            .await;
                        if let Ok(r) = response {
                            if r.status().is_success() && r.bytes().await.is_ok() {
                                refreshes += 1;
                            }
                        }
                    }
                })
            })
            .collect();
        let times = api_client(http.clone(), base.clone(), key.clone(), until).await;
        let mut refreshes = 0;
        for d in dashboards {
            refreshes += d.await?;
        }
        let cpu = cpu_seconds(pid)? - cpu_before;
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{}: server CPU {:.2} % of one core; GET /jobs p50 {:.1} ms, p99 {:.1} ms ({} requests); {refreshes} dashboard refreshes",
            if with_dashboards {
                format!("{DASHBOARDS} dashboards refreshing every 15 s for {seconds:.0} s")
            } else {
                format!("no dashboards, {seconds:.0} s")
            },
            cpu / seconds * 100.0,
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times.len()
        );
    }
    drop(server);
    Ok(())
}
