//! The CLI: the real `ccjobs` binary against a real `ccjobs serve` on 127.0.0.1.

use crate::common::SRT;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_ccjobs");
const SRT_PROFILE: &str = "SubRip Video Subtitle Script";

/// A `ccjobs serve` process on its own port and database, killed when dropped.
struct Served {
    child: Child,
    url: String,
    key: String,
    dir: tempfile::TempDir,
}

impl Served {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(BIN)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--workers", "1"])
            .arg("--database")
            .arg(database_url(dir.path()))
            .env_remove("CCJOBS_URL")
            .env_remove("CCJOBS_API_KEY")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("ccjobs serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut key = None;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("server output");
            if let Some(at) = line.find("ccj_") {
                key = Some(
                    line[at..]
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            if line.contains("listening on") {
                break;
            }
        }
        Served {
            child,
            url: format!("http://127.0.0.1:{port}"),
            key: key.expect("the first start prints an API key"),
            dir,
        }
    }

    fn database(&self) -> String {
        database_url(self.dir.path())
    }

    /// Runs the CLI in the server's temp dir, with the server and key in the environment.
    fn run(&self, args: &[&str]) -> Output {
        self.run_with_key(&self.key, args)
    }

    fn run_with_key(&self, key: &str, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(self.dir.path())
            .env("CCJOBS_URL", &self.url)
            .env("CCJOBS_API_KEY", key)
            .output()
            .expect("the CLI runs")
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        path
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn database_url(dir: &Path) -> String {
    crate::common::database_url(dir)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn submit_args<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "submit",
        file,
        "--source-profile",
        SRT_PROFILE,
        "--target-profile",
        "WebVTT",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn submit_wait_writes_the_output_and_the_job_is_recorded_as_cli() {
    let server = Served::start();
    server.write("episode 1.srt", SRT);
    let out = server.run(&submit_args("episode 1.srt", &["--wait", "--json"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let job = json(&out);
    assert_eq!(job["status"], "passed");
    assert_eq!(job["source"], "cli", "the dashboard's source column says cli");
    let vtt = std::fs::read_to_string(server.dir.path().join("episode 1.vtt")).expect("output written");
    assert!(
        vtt.starts_with("WEBVTT") && vtt.contains("00:00:01.000 --> 00:00:02.500"),
        "{vtt}"
    );

    // --output picks the path; `-` streams to stdout.
    let out = server.run(&submit_args("episode 1.srt", &["--wait", "--output", "-"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("WEBVTT"), "{}", stdout(&out));

    // --set and --config reach the Job Description.
    server.write(
        "job.json",
        r#"{"customer_ref": "PO-77", "default_frameRate": 25}"#,
    );
    let out = server.run(&submit_args(
        "episode 1.srt",
        &[
            "--config",
            "job.json",
            "--set",
            "default_frameRate=29.97",
            "--json",
        ],
    ));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let job = json(&out);
    assert_eq!(job["description"]["customer_ref"], "PO-77");
    assert_eq!(job["description"]["default_frameRate"], 29.97);
    assert_eq!(job["frame_rate"], "29.97");
}

#[test]
fn a_failed_job_exits_1_with_its_error() {
    let server = Served::start();
    server.write("bad.srt", "1\n00:00:0x,000 --> 00:00:02,000\nHi\n");
    let out = server.run(&submit_args("bad.srt", &["--wait"]));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("failed") && err.contains("line 2"), "{err}");
    assert!(!err.contains("CliError"), "a message, not a debug dump: {err}");
}

#[test]
fn exit_codes_tell_usage_errors_from_server_trouble() {
    let server = Served::start();
    server.write("a.srt", SRT);
    // An unknown profile: the server's message, exit 2.
    let out = server.run(&[
        "submit",
        "a.srt",
        "--source-profile",
        "Nope",
        "--target-profile",
        "WebVTT",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("\"Nope\" is not a profile"),
        "{}",
        stderr(&out)
    );
    // A missing file and a missing argument: exit 2.
    let out = server.run(&submit_args("missing.srt", &[]));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot read missing.srt"),
        "{}",
        stderr(&out)
    );
    assert_eq!(code(&server.run(&["submit"])), 2);
    // A wrong key: exit 3, saying the key was refused.
    let out = server.run_with_key("ccj_wrong", &["jobs", "list"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("refused the API key"), "{}", stderr(&out));
    // Nobody listening: exit 3, saying so.
    let out = server.run(&["jobs", "list", "--server", "http://127.0.0.1:9"]);
    assert_eq!(code(&out), 3);
    assert!(
        stderr(&out).contains("cannot reach the ccjobs server"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn list_show_export_retry_and_delete() {
    let server = Served::start();
    server.write("a.srt", SRT);
    server.write("bad.srt", "not a caption file\n");
    let passed = json(&server.run(&submit_args("a.srt", &["--wait", "--json", "-o", "a.vtt"])));
    let failed = server.run(&submit_args("bad.srt", &["--wait"]));
    assert_eq!(code(&failed), 1);

    let out = server.run(&["jobs", "list"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.starts_with("JOB ID"), "{table}");
    assert!(table.contains(passed["id"].as_str().expect("id")), "{table}");
    assert!(table.contains("2 of 2 jobs"), "{table}");

    let page = json(&server.run(&["jobs", "list", "--status", "failed", "--since", "24h", "--json"]));
    assert_eq!(page["total"], 1);
    assert_eq!(page["jobs"][0]["status"], "failed");
    let out = server.run(&["jobs", "list", "--since", "2w"]);
    assert_eq!(code(&out), 2, "an unknown --since is a usage error");

    let id = passed["id"].as_str().expect("id");
    let shown = json(&server.run(&["jobs", "show", id]));
    assert_eq!(shown["id"], id);
    assert_eq!(shown["target_file_name"], "a.vtt");

    let out = server.run(&["jobs", "export", "--csv", "jobs.csv", "--status", "passed"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let csv = std::fs::read_to_string(server.dir.path().join("jobs.csv")).expect("csv written");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "header and the passed job: {csv}");
    assert!(lines[0].starts_with("Job ID,"), "{csv}");
    assert!(lines[1].starts_with(id), "{csv}");

    let out = server.run(&["jobs", "retry", id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("retried as job"), "{}", stdout(&out));

    let out = server.run(&["jobs", "delete", id]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = server.run(&["jobs", "show", id]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no job"), "{}", stderr(&out));
}

#[test]
fn profiles_lists_what_the_server_reads_and_writes() {
    let server = Served::start();
    let out = server.run(&["profiles"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("PROFILE"), "{text}");
    assert!(text.contains("WebVTT") && text.contains(".vtt"), "{text}");
    let scc = text
        .lines()
        .find(|l| l.starts_with("Scenarist V1.0 (SCC)"))
        .unwrap_or_default();
    assert!(
        scc.contains(".scc") && scc.contains("decode: channel, encode: channel, encode: max_line_length"),
        "{text}"
    );
    let all = json(&server.run(&["profiles", "--json"]));
    assert!(all["profiles"].as_array().is_some_and(|p| p.len() == 10), "{all}");
}

#[test]
fn api_keys_are_created_listed_and_revoked() {
    let server = Served::start();
    let db = server.database();
    let admin = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .args(["--database", &db])
            .output()
            .expect("runs");
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let key = admin(&["account", "keys", "create", "default"])
        .trim()
        .to_string();
    assert!(key.starts_with("ccj_"), "{key}");
    assert_eq!(code(&server.run_with_key(&key, &["jobs", "list"])), 0);

    let listing = admin(&["account", "keys", "list", "default"]);
    assert_eq!(listing.lines().count(), 3, "header and two keys: {listing}");
    assert!(!listing.contains(&key), "a listing never shows a key: {listing}");
    let prefix = &key[..10];
    assert!(listing.contains(prefix), "{listing}");

    admin(&["account", "keys", "revoke", "default", prefix]);
    let out = server.run_with_key(&key, &["jobs", "list"]);
    assert_eq!(code(&out), 3, "a revoked key is refused at once");
    assert!(stderr(&out).contains("revoked"), "{}", stderr(&out));
    assert_eq!(
        code(&server.run(&["jobs", "list"])),
        0,
        "the other key still works"
    );
    let listing = admin(&["account", "keys", "list", "default"]);
    let line = listing.lines().find(|l| l.contains(prefix)).expect("listed");
    assert!(
        !line.trim_end().ends_with('—'),
        "shows when it was revoked: {line}"
    );

    // Mistakes get a sentence and exit 2, not a debug dump.
    for (args, expected) in [
        (
            vec!["account", "keys", "list", "nobody"],
            "no account named \"nobody\"",
        ),
        (
            vec!["account", "keys", "revoke", "default", "ccj_000000"],
            "has no API key \"ccj_000000\"",
        ),
    ] {
        let out = Command::new(BIN)
            .args(&args)
            .args(["--database", &db])
            .output()
            .expect("runs");
        assert_eq!(code(&out), 2, "{args:?}");
        let err = stderr(&out);
        assert!(err.starts_with("ccjobs: ") && err.contains(expected), "{err}");
        assert!(!err.contains("Caused by") && !err.contains("Error {"), "{err}");
    }
}

#[test]
fn a_url_source_is_downloaded_and_submitted() {
    let server = Served::start();
    let files = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = files.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in files.incoming().take(2) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 2048];
            let n = stream.read(&mut request).unwrap_or(0);
            let head = String::from_utf8_lossy(&request[..n]).into_owned();
            let response = if head.starts_with("GET /media/episode-9.srt ") {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{SRT}",
                    SRT.len()
                )
            } else {
                "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string()
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    let url = format!("http://{addr}/media/episode-9.srt");
    let out = server.run(&submit_args(&url, &["--wait", "--json"]));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let job = json(&out);
    assert_eq!(job["status"], "passed");
    assert_eq!(job["source_file_name"], "episode-9.srt");

    let expired = format!("http://{addr}/media/expired.srt");
    let out = server.run(&submit_args(&expired, &[]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("HTTP 403"), "{}", stderr(&out));
}

#[test]
fn webhook_secret_and_delivery_log_from_the_cli() {
    let server = Served::start();
    let out = server.run(&["webhook-secret"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let first = stdout(&out).trim().to_string();
    assert!(first.starts_with("whsec_"), "{first}");
    let out = server.run(&["webhook-secret", "--rotate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let second = stdout(&out).trim().to_string();
    assert!(second.starts_with("whsec_") && second != first, "{second}");
    assert!(
        stderr(&out).contains("previous secret also signs until"),
        "{}",
        stderr(&out)
    );

    // A webhook on the loopback address: refused by the server's default outbound guard,
    // and the log says so.
    server.write("a.srt", SRT);
    let out = server.run(&submit_args(
        "a.srt",
        &["--set", "webhook=http://127.0.0.1:9/hook", "--wait", "--json"],
    ));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let id = json(&out)["id"].as_str().expect("id").to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let log = loop {
        let out = server.run(&["jobs", "webhook", &id]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        if stdout(&out).contains(": failed") || std::time::Instant::now() > deadline {
            break stdout(&out);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(log.starts_with("webhook http://127.0.0.1:9/hook (msg_"), "{log}");
    assert!(
        log.contains(": failed") && log.contains("ATTEMPTED") && log.contains("internal address"),
        "{log}"
    );

    // Redeliver, and a job without a webhook: the server's message, exit code 2.
    let out = server.run(&["jobs", "webhook", &id, "--redeliver", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["state"], "pending");
    let out = server.run(&submit_args("a.srt", &["--wait", "--json"]));
    let plain = json(&out)["id"].as_str().expect("id").to_string();
    let out = server.run(&["jobs", "webhook", &plain, "--redeliver"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("has no webhook"), "{}", stderr(&out));
}

#[test]
fn the_configuration_reference_lists_every_setting() {
    let help = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .expect("help");
    let help = stdout(&help);
    let reference = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/CONFIGURATION.md"))
        .expect("docs/CONFIGURATION.md");
    // clap's help: one block per flag, "      --flag <VALUE>\n          text [env: NAME=…]".
    let mut settings = 0;
    for block in help.split("\n      --").skip(1) {
        let flag = block.split_whitespace().next().unwrap_or_default();
        let Some(env) = block
            .split("[env: ")
            .nth(1)
            .and_then(|e| e.split(['=', ']']).next())
        else {
            continue;
        };
        settings += 1;
        let row = reference
            .lines()
            .find(|l| l.starts_with(&format!("| `--{flag}`")))
            .unwrap_or_else(|| panic!("docs/CONFIGURATION.md has no row for --{flag}"));
        assert!(
            row.contains(&format!("`{env}`")),
            "the row of --{flag} names {env}: {row}"
        );
    }
    assert!(
        settings >= 25,
        "read only {settings} settings from `ccjobs serve --help`"
    );
}
