//! Test harness: a real server instance on its own SQLite file, driven in-process.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use ccjobs::config::Config;
use ccjobs::engine::Engine;
use ccjobs::Instance;
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};
use tower::ServiceExt;

pub const SRT: &str =
    "1\n00:00:01,000 --> 00:00:02,500\nHello <i>world</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nTom & Jerry\n";
pub const VTT: &str = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello <i>world</i>\n\n2\n00:00:03.000 --> 00:00:04.000\nTom &amp; Jerry\n";
pub const CONVERT: &str =
    r#"{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT"}"#;

/// The environment variable that runs the suite on PostgreSQL: the server's URL without a
/// database (e.g. `postgres://postgres@127.0.0.1:5432`). Each test gets its own database.
pub const POSTGRES_ENV: &str = "CCJOBS_TEST_POSTGRES";

/// The database of a test whose files live in `dir`: a SQLite file there, or, when
/// `CCJOBS_TEST_POSTGRES` is set, a fresh PostgreSQL database whose URL is kept in `dir`
/// (so a test that restarts its server finds the same data).
pub fn database_url(dir: &Path) -> String {
    let Ok(server) = std::env::var(POSTGRES_ENV) else {
        return format!("sqlite://{}", dir.join("ccjobs.db").display());
    };
    let kept = dir.join("postgres-url");
    if let Ok(url) = std::fs::read_to_string(&kept) {
        return url;
    }
    let name = format!("ccjobs_test_{}", &ccjobs::tokens::random_token("")[..16]);
    let server = server.trim_end_matches('/').to_string();
    let admin = format!("{server}/postgres");
    let create = format!("create database {name}");
    // Its own thread and runtime: callers may be inside a runtime already, or not.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            use sqlx::Connection;
            let mut connection = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but {admin} refuses connections: {e}"));
            sqlx::query(&create)
                .execute(&mut connection)
                .await
                .expect("create database");
        });
    })
    .join()
    .expect("database created");
    let url = format!("{server}/{name}");
    std::fs::write(&kept, &url).expect("keep the database URL");
    url
}

pub fn config(dir: &Path, workers: usize) -> Config {
    Config {
        database_url: database_url(dir),
        bind: "127.0.0.1:0".parse().expect("address"),
        public_url: None,
        site_root: "target/site".into(),
        workers,
        max_upload_bytes: 1024 * 1024,
        secure_cookies: false,
        allow_private_urls: false,
        translate_url: None,
        translate_api_key: None,
        retry_base_ms: 5000,
        webhook_first_retry_ms: 5000,
        fetch_timeout_secs: 300,
        lease_secs: 60,
        transcribe_url: None,
        transcribe_api_key: None,
        transcribe_model: "whisper-1".into(),
        editor_url_template: "https://editor.example/workorder?description=".into(),
        limits: ccjobs::config::Limits::default(),
        retention_days: 0,
    }
}

/// An instance with its own database; workers run when `workers > 0`.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub instance: Instance,
    pub engine: Option<Engine>,
    pub key: String,
}

impl TestApp {
    pub async fn start(workers: usize) -> Self {
        // Server logs (internal errors' causes) show up with a failing test's output.
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        let dir = tempfile::tempdir().expect("temp dir");
        Self::open(dir, workers).await
    }

    pub async fn open(dir: tempfile::TempDir, workers: usize) -> Self {
        Self::open_with(dir, workers, |_| {}).await
    }

    /// An instance whose configuration the test adjusts first (limits, say).
    pub async fn start_with(workers: usize, adjust: impl FnOnce(&mut Config)) -> Self {
        Self::open_with(tempfile::tempdir().expect("temp dir"), workers, adjust).await
    }

    pub async fn open_with(dir: tempfile::TempDir, workers: usize, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = config(dir.path(), workers);
        adjust(&mut config);
        let instance = ccjobs::build(config).await.expect("instance");
        let service = instance.state.service.clone();
        let engine = (workers > 0).then(|| {
            let mut config = (*instance.state.config).clone();
            config.retention_days = 0;
            Engine::start(&service, workers, &config)
        });
        let key = match service.store().account_by_name("alice").await.expect("lookup") {
            Some(account) => service.create_api_key(account.id).await.expect("key"),
            None => service.create_account("alice").await.expect("account").api_key,
        };
        Self {
            dir,
            instance,
            engine,
            key,
        }
    }

    /// Stops the workers and closes the instance, keeping the database folder.
    pub async fn stop(self) -> tempfile::TempDir {
        if let Some(engine) = self.engine {
            engine.shutdown().await;
        }
        self.dir
    }

    /// The ID of the account with this name.
    pub async fn account(&self, name: &str) -> app::model::AccountId {
        let store = self.instance.state.service.store();
        store
            .account_by_name(name)
            .await
            .expect("db")
            .expect("account exists")
            .id
    }

    /// A signed-in session of the named account, as a `Cookie` header value.
    pub async fn session_cookie_for(&self, name: &str) -> String {
        let account = self.account(name).await;
        let token = self
            .instance
            .state
            .service
            .start_session(account)
            .await
            .expect("session");
        format!("ccjobs_session={token}")
    }

    /// A signed-in session of the test account, as a `Cookie` header value.
    pub async fn session_cookie(&self) -> String {
        self.session_cookie_for("alice").await
    }

    pub fn router(&self) -> Router {
        self.instance.router.clone()
    }

    pub async fn new_key(&self, account_name: &str) -> String {
        self.instance
            .state
            .service
            .create_account(account_name)
            .await
            .expect("account")
            .api_key
    }

    pub async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self.router().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }

    pub async fn json(&self, request: Request<Body>) -> (StatusCode, Value) {
        let (status, _, body) = self.send(request).await;
        let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, value)
    }

    pub async fn get(&self, key: &str, uri: &str) -> (StatusCode, Value) {
        self.json(
            Request::get(uri)
                .header("x-api-key", key)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn submit(&self, key: &str, config: &str, file: Option<(&str, &[u8])>) -> (StatusCode, Value) {
        self.json(submit_request(key, config, file)).await
    }

    /// Runs one SQL statement (no parameters, SQL both databases speak) straight on the
    /// test's database: for what no API does, such as backdating jobs.
    pub async fn execute(&self, statement: &str) {
        use sqlx::Connection;
        let url = database_url(self.dir.path());
        if url.starts_with("postgres") {
            let mut db = sqlx::PgConnection::connect(&url).await.expect("database");
            sqlx::query(statement).execute(&mut db).await.expect(statement);
        } else {
            let mut db = sqlx::SqliteConnection::connect(&url).await.expect("database");
            sqlx::query(statement).execute(&mut db).await.expect(statement);
        }
    }

    /// Moves a job's submission time (what a test of old jobs needs).
    pub async fn backdate(&self, id: &str, created_at: i64) {
        // IDs are UUIDs: nothing to quote.
        assert!(id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'), "{id}");
        self.execute(&format!(
            "update jobs set created_at = {created_at} where id = '{id}'"
        ))
        .await;
    }

    /// A job's file (`source`, `target`, `response`) as text; it must be there.
    pub async fn file_text(&self, id: &str, kind: &str) -> String {
        let (status, _, body) = self
            .send(
                Request::get(format!("/jobs/{id}/files/{kind}"))
                    .header("x-api-key", &self.key)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{kind} file of job {id}");
        String::from_utf8(body).expect("utf-8")
    }

    /// Polls a job until it ends, for at most ten seconds.
    pub async fn wait_for_end(&self, key: &str, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (_, job) = self.get(key, &format!("/jobs/{id}")).await;
            if matches!(job["status"].as_str(), Some("passed" | "failed")) {
                return job;
            }
            assert!(Instant::now() < deadline, "job {id} did not end: {job}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

pub fn multipart_body(config: Option<&str>, file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "ccjobs-test-boundary-7d1f";
    let mut body = Vec::new();
    if let Some(config) = config {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n{config}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, data)) = file {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"source\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend(data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub fn submit_request(key: &str, config: &str, file: Option<(&str, &[u8])>) -> Request<Body> {
    let (content_type, body) = multipart_body(Some(config), file);
    Request::post("/jobs")
        .header("x-api-key", key)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request")
}
