//! Scale-out on PostgreSQL: three `ccjobs serve` processes on one database take 10,000
//! jobs submitted across them; one is killed mid-run. Every job ends passed, none is lost,
//! and the claims audit (`job_claims`) shows that no job ran twice except those the killed
//! instance held, which the others took over once their lease expired.
//!
//! Runs when `CCJOBS_TEST_POSTGRES` is set (the README's test command sets it when a
//! PostgreSQL server answers); otherwise it says it skipped.

use crate::common::{database_url, POSTGRES_ENV, SRT};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ccjobs");
const JOBS: usize = 10_000;
const CONVERT: &str =
    r#"{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT"}"#;

struct Instance {
    child: Child,
    url: String,
}

impl Instance {
    /// Starts `ccjobs serve` on `database`; returns it and what it printed before listening.
    fn start(database: &str) -> (Self, String) {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(BIN)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--workers", "4"])
            .args(["--database", database])
            .env("CCJOBS_LEASE_SECS", "3")
            .env("CCJOBS_RATE_PER_KEY", "0")
            .env("CCJOBS_RATE_PER_IP", "0")
            .env("CCJOBS_MAX_RUNNING_PER_ACCOUNT", "1000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ccjobs serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut printed = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("server output");
            printed.push_str(&line);
            printed.push('\n');
            if line.contains("listening on") {
                break;
            }
        }
        let url = format!("http://127.0.0.1:{port}");
        (Self { child, url }, printed)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn counts(db: &mut sqlx::PgConnection) -> HashMap<String, i64> {
    sqlx::query_as::<_, (String, i64)>("select status, count(*) from jobs group by status")
        .fetch_all(db)
        .await
        .expect("counts")
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_run_every_job_once_and_survive_losing_one() {
    if std::env::var(POSTGRES_ENV).is_err() {
        eprintln!("skipped: the scale-out test needs PostgreSQL; set {POSTGRES_ENV} (make test does when one answers)");
        return;
    }
    use sqlx::Connection;
    let dir = tempfile::tempdir().expect("temp dir");
    let database = database_url(dir.path());
    let (first, printed) = Instance::start(&database);
    let key = printed
        .split_whitespace()
        .find(|w| w.starts_with("ccj_"))
        .expect("the first instance creates the account and prints its key")
        .to_string();
    let (second, _) = Instance::start(&database);
    let (mut third, _) = Instance::start(&database);
    let urls = [first.url.clone(), second.url.clone(), third.url.clone()];
    let victim = third.pid();

    let http = reqwest::Client::new();
    let submit = |n: usize, url: String| {
        let http = http.clone();
        let key = key.clone();
        async move {
            let form = reqwest::multipart::Form::new().text("config", CONVERT).part(
                "source",
                reqwest::multipart::Part::bytes(SRT.as_bytes().to_vec()).file_name(format!("job-{n}.srt")),
            );
            let response = http
                .post(format!("{url}/jobs"))
                .header("x-api-key", &key)
                .multipart(form)
                .send()
                .await
                .expect("submitted");
            assert_eq!(
                response.status(),
                201,
                "{}",
                response.text().await.unwrap_or_default()
            );
        }
    };

    let mut db = sqlx::PgConnection::connect(&database).await.expect("database");
    let started = Instant::now();
    // The first half across all three, 32 at a time.
    use futures_util::stream::{self, StreamExt};
    stream::iter(0..JOBS / 2)
        .map(|n| submit(n, urls[n % 3].clone()))
        .buffer_unordered(32)
        .collect::<Vec<()>>()
        .await;
    // Kill the third while it holds jobs.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let held: i64 = sqlx::query_scalar(
            "select count(*) from jobs where status = 'processing' and lease_token like $1",
        )
        .bind(format!("lease_{victim}_%"))
        .fetch_one(&mut db)
        .await
        .expect("held");
        if held > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the third instance never held a job");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    third.child.kill().expect("kill");
    let _ = third.child.wait();
    // The second half across the two left.
    stream::iter(JOBS / 2..JOBS)
        .map(|n| submit(n, urls[n % 2].clone()))
        .buffer_unordered(32)
        .collect::<Vec<()>>()
        .await;
    let submitted_in = started.elapsed();

    let deadline = Instant::now() + Duration::from_secs(180);
    let counts = loop {
        let counts = counts(&mut db).await;
        if counts.get("passed").copied().unwrap_or(0) as usize == JOBS {
            break counts;
        }
        assert!(Instant::now() < deadline, "not every job passed: {counts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    eprintln!(
        "{JOBS} jobs submitted in {submitted_in:?}, all passed after {:?}",
        started.elapsed()
    );
    assert_eq!(counts.len(), 1, "nothing queued, running or failed: {counts:?}");

    // The audit: claims per job, and whose.
    let claims: Vec<(String, String)> =
        sqlx::query_as("select job_id, lease_token from job_claims order by claimed_at")
            .fetch_all(&mut db)
            .await
            .expect("claims");
    let mut per_job: HashMap<&str, Vec<&str>> = HashMap::new();
    for (job, token) in &claims {
        per_job.entry(job).or_default().push(token);
    }
    assert_eq!(per_job.len(), JOBS, "every job was claimed");
    let victim_prefix = format!("lease_{victim}_");
    let mut taken_over = 0;
    for (job, tokens) in &per_job {
        match tokens.as_slice() {
            [_] => {}
            [first, rest @ ..] => {
                assert!(
                    first.starts_with(&victim_prefix),
                    "job {job} was claimed twice, but not after the killed instance: {tokens:?}"
                );
                assert!(
                    rest.iter().all(|t| !t.starts_with(&victim_prefix)),
                    "job {job}: {tokens:?}"
                );
                assert_eq!(
                    rest.len(),
                    1,
                    "job {job} was taken over more than once: {tokens:?}"
                );
                taken_over += 1;
            }
            [] => unreachable!(),
        }
    }
    assert!(
        taken_over >= 1,
        "the killed instance's jobs were finished by the others"
    );
    let attempts: i64 = sqlx::query_scalar("select sum(attempts)::bigint from jobs")
        .fetch_one(&mut db)
        .await
        .expect("attempts");
    assert_eq!(attempts as usize, claims.len(), "one attempt per claim");
    let instances: std::collections::HashSet<&str> = claims
        .iter()
        .map(|(_, t)| t.split('_').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(instances.len(), 3, "all three instances ran jobs");
    eprintln!("{taken_over} jobs of the killed instance were finished by the others");
}

#[tokio::test]
async fn a_queued_job_is_announced_to_every_instance() {
    if std::env::var(POSTGRES_ENV).is_err() {
        eprintln!("skipped: LISTEN/NOTIFY needs PostgreSQL; set {POSTGRES_ENV}");
        return;
    }
    let app = crate::common::TestApp::start(0).await;
    let database = database_url(app.dir.path());
    // Another instance's view: a listener of its own on the channel workers listen on.
    let mut listener = sqlx::postgres::PgListener::connect(&database)
        .await
        .expect("listener");
    listener
        .listen(ccjobs::store::JOBS_CHANNEL)
        .await
        .expect("listen");
    let (status, job) = app
        .submit(&app.key, crate::common::CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    assert_eq!(status, 201, "{job}");
    let notification = tokio::time::timeout(Duration::from_secs(10), listener.recv())
        .await
        .expect("a notification arrives")
        .expect("notification");
    assert_eq!(notification.channel(), ccjobs::store::JOBS_CHANNEL);
}
