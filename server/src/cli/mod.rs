//! The client half of the `ccjobs` binary: submit jobs and look after them over HTTP.
//!
//! Exit codes: 0 success (with `--wait`: the job passed), 1 the job failed, 2 a usage error
//! or a request the server refused as invalid, 3 the server could not be reached, refused
//! the API key, or failed.

mod client;

use app::filter::{list_query_string, Cursor, DateRange, JobFilter, PageRequest, PageSize};
use app::model::{first_line, Job, JobPage, JobStatus, JobType};
use clap::{Args, Subcommand};
use client::{Client, Source};
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What went wrong, and so which exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    JobFailed(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Server(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::JobFailed(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Server(_) => 3,
        }
    }
}

/// Where the server is and how to authenticate.
#[derive(Args, Debug, Clone)]
pub struct Connection {
    /// The ccjobs server.
    #[arg(
        long,
        env = "CCJOBS_URL",
        default_value = "http://127.0.0.1:3000",
        global = true
    )]
    pub server: String,
    /// An API key of the account (`ccj_…`).
    #[arg(
        long = "api-key",
        env = "CCJOBS_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub api_key: Option<String>,
}

impl Connection {
    fn client(&self) -> Result<Client, CliError> {
        Client::new(&self.server, self.api_key.clone())
    }
}

#[derive(Args, Debug)]
pub struct SubmitArgs {
    /// The caption or media file to submit, or an http(s) URL to download it from.
    pub source: String,
    /// The source profile, e.g. "SubRip Video Subtitle Script" (`ccjobs profiles` lists them).
    #[arg(long)]
    pub source_profile: Option<String>,
    /// The target profile, e.g. "WebVTT".
    #[arg(long)]
    pub target_profile: Option<String>,
    /// The job type (convert, transcribe, translate); convert unless the config says otherwise.
    #[arg(long = "type")]
    pub job_type: Option<JobType>,
    /// A Job Description JSON file to start from; the flags above and --set override it.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Sets a Job Description field: `key=value`, the value read as JSON when it is JSON
    /// (numbers, true/false, objects) and as text otherwise; `a.b=value` sets a nested field.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Waits for the job to end, showing its progress, and writes the output file.
    #[arg(long)]
    pub wait: bool,
    /// Where --wait writes the output (default: the target file's name, here); `-` for stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Prints the server's JSON answer instead of a sentence.
    #[arg(long)]
    pub json: bool,
}

/// The dashboard's filters, as flags.
#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only jobs of these types (convert, transcribe, translate); repeatable.
    #[arg(long = "type")]
    pub types: Vec<JobType>,
    /// Only jobs with these statuses (queued, processing, passed, failed); repeatable.
    #[arg(long = "status")]
    pub statuses: Vec<JobStatus>,
    /// Only jobs submitted in the last 24h, 7d, 30d or 1y.
    #[arg(long, value_parser = parse_since)]
    pub since: Option<DateRange>,
    /// Only jobs whose ID or source file name contains this text.
    #[arg(long)]
    pub search: Option<String>,
}

fn parse_since(s: &str) -> Result<DateRange, String> {
    match s.trim() {
        "24h" | "1d" => Ok(DateRange::Last24Hours),
        "7d" | "1w" => Ok(DateRange::LastWeek),
        "30d" | "1m" => Ok(DateRange::LastMonth),
        "1y" | "365d" => Ok(DateRange::LastYear),
        other => Err(format!("{other:?} is not one of 24h, 7d, 30d, 1y")),
    }
}

impl FilterArgs {
    fn filter(&self) -> JobFilter {
        JobFilter {
            types: self.types.clone(),
            statuses: self.statuses.clone(),
            range: self.since.clone(),
            q: self.search.clone().filter(|q| !q.trim().is_empty()),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum JobsCommand {
    /// Lists the account's jobs, newest first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Rows per page: 25, 50 or 100.
        #[arg(long, default_value_t = 25)]
        size: u32,
        /// Continues from a cursor that an earlier listing printed.
        #[arg(long)]
        cursor: Option<String>,
        /// Prints the server's JSON page instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Shows one job as JSON (what `GET /jobs/{id}` answers).
    Show { id: String },
    /// Submits a job again with the same file and Job Description.
    Retry { id: String },
    /// Deletes a job and its files.
    Delete { id: String },
    /// Shows a job's webhook deliveries: state, and every attempt with its answer.
    Webhook {
        id: String,
        /// Sends the webhook again now, then shows the log.
        #[arg(long)]
        redeliver: bool,
        /// Prints the server's JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Exports every job that matches the filters as CSV.
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// The file to write; `-` for stdout.
        #[arg(long)]
        csv: PathBuf,
    },
}

/// Submits a job; with `--wait`, follows it to the end and writes its output.
pub async fn submit(connection: &Connection, args: SubmitArgs) -> Result<(), CliError> {
    let client = connection.client()?;
    let config = job_description(&args)?;
    let source = if args.source.starts_with("http://") || args.source.starts_with("https://") {
        client.download_source(&args.source).await?
    } else {
        let path = Path::new(&args.source);
        let data = std::fs::read(path)
            .map_err(|e| CliError::Usage(format!("cannot read {} ({e}); check the path", path.display())))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "source".into());
        Source { name, data }
    };
    let job = client.submit(&config, Some(source)).await?;
    if !args.wait {
        if args.json {
            print_json(&serde_json::to_value(&job).unwrap_or_default());
        } else {
            println!(
                "job {} {} (`ccjobs jobs show {}` follows it)",
                job.id, job.status, job.id
            );
        }
        return Ok(());
    }
    let job = wait_for_end(&client, job).await?;
    if args.json {
        print_json(&serde_json::to_value(&job).unwrap_or_default());
    }
    match job.status {
        JobStatus::Passed => {
            let written = write_output(&client, &job, args.output.as_deref()).await?;
            if !args.json {
                eprintln!("job {} passed; {written}", job.id);
            }
            Ok(())
        }
        _ => Err(CliError::JobFailed(format!(
            "job {} failed: {}",
            job.id,
            job.error.as_deref().unwrap_or("no error was recorded")
        ))),
    }
}

/// The Job Description: the --config file, then the flags, then each --set.
fn job_description(args: &SubmitArgs) -> Result<String, CliError> {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::Usage(format!("cannot read the config file {} ({e})", path.display()))
            })?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => map,
                Ok(_) => {
                    return Err(CliError::Usage(format!(
                        "{} must hold a JSON object such as {{\"job_type\":\"convert\",…}}",
                        path.display()
                    )))
                }
                Err(e) => {
                    return Err(CliError::Usage(format!(
                        "{} is not valid JSON: {e}; fix it and try again",
                        path.display()
                    )))
                }
            }
        }
        None => Map::new(),
    };
    if let Some(t) = &args.job_type {
        config.insert("job_type".into(), Value::from(t.as_str()));
    }
    config.entry("job_type").or_insert_with(|| Value::from("convert"));
    if let Some(p) = &args.source_profile {
        config.insert("source_profile".into(), Value::from(p.as_str()));
    }
    if let Some(p) = &args.target_profile {
        config.insert("target_profile".into(), Value::from(p.as_str()));
    }
    for assignment in &args.set {
        let (key, value) = assignment.split_once('=').ok_or_else(|| {
            CliError::Usage(format!(
                "--set {assignment:?} needs the form key=value, e.g. --set default_frameRate=29.97"
            ))
        })?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        set_path(&mut config, key.trim(), value)?;
    }
    Ok(Value::Object(config).to_string())
}

fn set_path(config: &mut Map<String, Value>, key: &str, value: Value) -> Result<(), CliError> {
    let mut parts = key.split('.').peekable();
    let mut map = config;
    while let Some(part) = parts.next() {
        if part.is_empty() {
            return Err(CliError::Usage(format!("--set {key:?}: a field name is empty")));
        }
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return Ok(());
        }
        let entry = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        map = entry.as_object_mut().ok_or_else(|| {
            CliError::Usage(format!(
                "--set {key:?}: {part:?} is already a value, not an object"
            ))
        })?;
    }
    Ok(())
}

/// Polls the job until it ends, with a spinner on a terminal and nothing otherwise.
async fn wait_for_end(client: &Client, mut job: Job) -> Result<Job, CliError> {
    const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut frame = 0;
    while matches!(job.status, JobStatus::Queued | JobStatus::Processing) {
        if terminal {
            eprint!(
                "\r{} job {} {} {:.0}s ",
                FRAMES[frame % FRAMES.len()],
                job.id,
                job.status,
                started.elapsed().as_secs_f64()
            );
            frame += 1;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        job = client.job(&job.id.to_string()).await?;
    }
    if terminal {
        eprint!("\r\x1b[2K");
    }
    Ok(job)
}

async fn write_output(client: &Client, job: &Job, output: Option<&Path>) -> Result<String, CliError> {
    let response = client.file(&job.id.to_string(), "target").await?;
    let default_name = job
        .target_file_name
        .clone()
        .unwrap_or_else(|| format!("{}.out", job.id));
    let path = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(default_name));
    let written = stream_to(
        response,
        &path,
        "--output",
        &format!("try `ccjobs jobs show {}`", job.id),
    )
    .await?;
    Ok(match path.as_os_str() == "-" {
        true => format!("wrote {} bytes to stdout", written.bytes),
        false => format!("wrote {} ({} bytes)", path.display(), written.bytes),
    })
}

/// What [`stream_to`] wrote.
struct Streamed {
    bytes: usize,
    lines: usize,
}

/// Streams a response body into a file, or to stdout for `-`. `flag` names the option that
/// chose the path; `again` says what to do if the download breaks off.
async fn stream_to(
    mut response: reqwest::Response,
    path: &Path,
    flag: &str,
    again: &str,
) -> Result<Streamed, CliError> {
    let cannot_write = |e: std::io::Error| {
        CliError::Usage(format!(
            "cannot write {} ({e}); pick another {flag}",
            path.display()
        ))
    };
    let mut sink: Box<dyn Write> = if path.as_os_str() == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(path).map_err(cannot_write)?)
    };
    let mut written = Streamed { bytes: 0, lines: 0 };
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| CliError::Server(format!("the download broke off ({e}); {again}")))?
    {
        written.bytes += chunk.len();
        written.lines += chunk.iter().filter(|&&b| b == b'\n').count();
        sink.write_all(&chunk).map_err(cannot_write)?;
    }
    sink.flush().map_err(cannot_write)?;
    Ok(written)
}

pub async fn jobs(connection: &Connection, command: JobsCommand) -> Result<(), CliError> {
    let client = connection.client()?;
    match command {
        JobsCommand::List {
            filter,
            size,
            cursor,
            json,
        } => {
            let size = PageSize::new(size)
                .ok_or_else(|| CliError::Usage(format!("--size {size} is not one of 25, 50, 100")))?;
            let cursor = match cursor {
                Some(c) => Some(Cursor::decode(c.trim()).ok_or_else(|| {
                    CliError::Usage("--cursor is not one that `ccjobs jobs list` printed".into())
                })?),
                None => None,
            };
            let query = list_query_string(&filter.filter(), &PageRequest { size, cursor });
            let page = client.list(&query).await?;
            if json {
                print_json(&page);
                return Ok(());
            }
            let page: JobPage = serde_json::from_value(page).map_err(|e| {
                CliError::Server(format!("the server's page was not the JSON expected ({e})"))
            })?;
            print!("{}", job_table(&page));
            Ok(())
        }
        JobsCommand::Show { id } => {
            print_json(&client.job_json(&id).await?);
            Ok(())
        }
        JobsCommand::Retry { id } => {
            let job = client.retry(&id).await?;
            println!("job {} retried as job {} ({})", id.trim(), job.id, job.status);
            Ok(())
        }
        JobsCommand::Webhook { id, redeliver, json } => {
            let log = match redeliver {
                true => client.redeliver(&id).await?,
                false => client.webhook_log(&id).await?,
            };
            if json {
                print_json(&serde_json::to_value(&log).unwrap_or_default());
            } else {
                print!("{}", webhook_log_text(&log));
            }
            Ok(())
        }
        JobsCommand::Delete { id } => {
            client.delete(&id).await?;
            println!("deleted job {}", id.trim());
            Ok(())
        }
        JobsCommand::Export { filter, csv } => {
            let query = list_query_string(&filter.filter(), &PageRequest::default());
            let response = client.export(&query).await?;
            let written = stream_to(response, &csv, "--csv", "run the export again").await?;
            if csv.as_os_str() != "-" {
                eprintln!(
                    "wrote {} ({} lines with the header)",
                    csv.display(),
                    written.lines
                );
            }
            Ok(())
        }
    }
}

/// A plain-text table of one page, with how to get the next one.
fn job_table(page: &JobPage) -> String {
    let mut rows = vec![[
        "JOB ID".to_string(),
        "SUBMITTED (UTC)".into(),
        "TYPE".into(),
        "SOURCE PROFILE".into(),
        "TARGET PROFILE".into(),
        "STATUS".into(),
        "ERROR".into(),
    ]];
    for job in &page.jobs {
        let error = job.error_summary.as_deref().map(first_line).unwrap_or_default();
        rows.push([
            job.id.to_string(),
            utc(job.created_at.millis()),
            job.job_type.to_string(),
            job.source_profile.clone().unwrap_or_else(|| "—".into()),
            job.target_profile.clone().unwrap_or_else(|| "—".into()),
            job.status.to_string(),
            truncate(&error, 60),
        ]);
    }
    let mut out = table(&rows);
    let total = match page.total_is_lower_bound {
        true => format!("{}+", page.total),
        false => page.total.to_string(),
    };
    out.push_str(&format!("{} of {total} jobs", page.jobs.len()));
    if let Some(next) = &page.next_cursor {
        out.push_str(&format!("; next page: --cursor {next}"));
    }
    out.push('\n');
    out
}

fn truncate(text: &str, max: usize) -> String {
    match text.chars().count() > max {
        true => format!("{}…", text.chars().take(max - 1).collect::<String>()),
        false => text.to_string(),
    }
}

/// A time as the tables show it: `2026-12-05 00:15:10`, UTC.
/// Prints the account's webhook signing secret; a new one first with `rotate`.
pub async fn webhook_secret(connection: &Connection, rotate: bool) -> Result<(), CliError> {
    let answer = connection.client()?.webhook_secret(rotate).await?;
    println!("{}", answer["secret"].as_str().unwrap_or_default());
    if let Some(until) = answer["previous_valid_until"].as_str() {
        eprintln!("the previous secret also signs until {until}");
    }
    Ok(())
}

/// A webhook log as people read it: where, how it stands, and each attempt.
fn webhook_log_text(log: &app::model::WebhookLog) -> String {
    let mut text = format!("webhook {} ({}): {}", log.url, log.message_id, log.state);
    if let Some(at) = log.next_attempt_at {
        text.push_str(&format!(", next attempt {}", utc(at.0)));
    }
    text.push('\n');
    let mut rows = vec![[
        "ATTEMPTED".to_string(),
        "HTTP".into(),
        "LATENCY".into(),
        "ERROR".into(),
    ]];
    rows.extend(log.attempts.iter().map(|a| {
        [
            utc(a.at.0),
            a.http_status.map_or("—".into(), |s| s.to_string()),
            format!("{} ms", a.latency_ms),
            a.error.clone().unwrap_or_default(),
        ]
    }));
    text.push_str(&table(&rows));
    text
}

pub fn utc(ms: i64) -> String {
    app::time::Timestamp(ms)
        .to_display_utc()
        .trim_end_matches(" UTC")
        .to_string()
}

/// Columns padded to their widest cell; the last column is not padded.
pub fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == N {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `ccjobs profiles`: every profile, what it can do and its options.
pub async fn profiles(connection: &Connection, json: bool) -> Result<(), CliError> {
    let answer = Client::new(&connection.server, None)?.profiles().await?;
    if json {
        print_json(&answer);
        return Ok(());
    }
    let mut rows = vec![[
        "PROFILE".to_string(),
        "EXTENSION".into(),
        "READ".into(),
        "WRITE".into(),
        "OPTIONS".into(),
    ]];
    let yes_no = |v: &Value| if v.as_bool() == Some(true) { "yes" } else { "no" }.to_string();
    for p in answer["profiles"].as_array().into_iter().flatten() {
        let options: Vec<String> = [("decode", "decode_options"), ("encode", "encode_options")]
            .iter()
            .flat_map(|(side, k)| {
                let list = p[*k].as_array().cloned().unwrap_or_default();
                list.into_iter().map(move |o| match o["name"].as_str() {
                    Some(name) => format!("{side}: {name}"),
                    None => o.to_string(),
                })
            })
            .collect();
        rows.push([
            p["name"].as_str().unwrap_or("?").to_string(),
            format!(".{}", p["extension"].as_str().unwrap_or("?")),
            yes_no(&p["read"]),
            yes_no(&p["write"]),
            match options.is_empty() {
                true => "—".to_string(),
                false => options.join(", "),
            },
        ]);
    }
    print!("{}", table(&rows));
    Ok(())
}

fn print_json(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(set: &[&str]) -> SubmitArgs {
        SubmitArgs {
            source: "x.srt".into(),
            source_profile: Some("SubRip Video Subtitle Script".into()),
            target_profile: Some("WebVTT".into()),
            job_type: None,
            config: None,
            set: set.iter().map(|s| s.to_string()).collect(),
            wait: false,
            output: None,
            json: false,
        }
    }

    #[test]
    fn set_reads_json_values_text_and_nested_keys() {
        let config = job_description(&args(&[
            "default_frameRate=29.97",
            "default_dropFrame=true",
            "encode_options.line_length=32",
            "customer_ref=PO 77",
        ]))
        .expect("valid");
        let v: Value = serde_json::from_str(&config).expect("json");
        assert_eq!(v["job_type"], "convert");
        assert_eq!(v["target_profile"], "WebVTT");
        assert_eq!(v["default_frameRate"], 29.97);
        assert_eq!(v["default_dropFrame"], true);
        assert_eq!(v["encode_options"]["line_length"], 32);
        assert_eq!(v["customer_ref"], "PO 77");
    }

    #[test]
    fn set_without_equals_or_into_a_value_is_a_usage_error() {
        let e = job_description(&args(&["oops"])).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("key=value"), "{e}");
        let e = job_description(&args(&["a=1", "a.b=2"])).unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
    }

    #[test]
    fn the_table_pads_columns_and_keeps_the_last_one_ragged() {
        let t = table(&[
            ["A".to_string(), "BB".into(), "C".into()],
            ["aaa".into(), "b".into(), "long last".into()],
        ]);
        assert_eq!(t, "A    BB  C\naaa  b   long last\n");
    }
}
