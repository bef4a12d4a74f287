//! Configuration: environment variables, overridable by command-line flags.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings for `ccjobs serve` (and the database for every subcommand).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://PATH` (the file and its folder are created), or
    /// `postgres://USER@HOST/DATABASE` for several instances on one database.
    #[arg(
        long = "database",
        env = "DATABASE_URL",
        default_value = "sqlite://data/ccjobs.db"
    )]
    pub database_url: String,
    /// Address to listen on.
    #[arg(long, env = "CCJOBS_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// The URL users reach this server at (sign-in links use it). Defaults to http://BIND.
    #[arg(long, env = "CCJOBS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Folder with the built site (pkg/, favicon): what `make build` writes.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Jobs run at once by this instance.
    #[arg(long, env = "CCJOBS_WORKERS", default_value_t = 2)]
    pub workers: usize,
    /// Largest accepted upload (source file plus config), in bytes.
    #[arg(long, env = "CCJOBS_MAX_UPLOAD_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// "Open in Closed Caption Creator" link: the URL-encoded JSON work order replaces
    /// `{work_order}`, or is appended when the template has no placeholder.
    #[arg(
        long,
        env = "CCJOBS_EDITOR_URL_TEMPLATE",
        default_value = "https://app.closedcaptioncreator.com/workorder?description="
    )]
    pub editor_url_template: String,
    /// Mark the session cookie `Secure` (set this when serving over HTTPS).
    #[arg(long, env = "CCJOBS_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Allow source URLs, `media_path` and webhooks that point at private or loopback
    /// addresses (self-hosted setups whose files and receivers sit on the internal
    /// network). Off: such URLs are refused.
    #[arg(long, env = "CCJOBS_ALLOW_PRIVATE_URLS", default_value_t = false)]
    pub allow_private_urls: bool,
    /// How long fetching a source URL or a `media_path` may take in all, in seconds.
    #[arg(long, env = "CCJOBS_FETCH_TIMEOUT_SECS", default_value_t = 300)]
    pub fetch_timeout_secs: u64,
    /// A LibreTranslate-compatible service (`POST {url}/translate`) that runs translate jobs.
    #[arg(long, env = "CCJOBS_TRANSLATE_URL")]
    pub translate_url: Option<String>,
    /// The API key the translation service wants, if any.
    #[arg(long, env = "CCJOBS_TRANSLATE_API_KEY", hide_env_values = true)]
    pub translate_api_key: Option<String>,
    /// The first wait (ms) before a job whose engine failed transiently runs again; each
    /// further wait is six times longer (5 s, then 30 s with the default).
    #[arg(long, env = "CCJOBS_RETRY_BASE_MS", default_value_t = 5000)]
    pub retry_base_ms: u64,
    /// The first wait (ms) before a failed webhook delivery is tried again; the later waits
    /// keep the schedule's proportions (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h by default;
    /// 0 retries at once).
    #[arg(long, env = "CCJOBS_WEBHOOK_FIRST_RETRY_MS", default_value_t = 5000)]
    pub webhook_first_retry_ms: u64,
    /// An OpenAI-compatible speech-to-text service (`POST {url}/v1/audio/transcriptions`:
    /// whisper.cpp's server, faster-whisper servers, OpenAI) that runs transcribe jobs.
    #[arg(long, env = "CCJOBS_TRANSCRIBE_URL")]
    pub transcribe_url: Option<String>,
    /// The API key the speech-to-text service wants, if any (sent as a Bearer token).
    #[arg(long, env = "CCJOBS_TRANSCRIBE_API_KEY", hide_env_values = true)]
    pub transcribe_api_key: Option<String>,
    /// The model name sent to the speech-to-text service.
    #[arg(long, env = "CCJOBS_TRANSCRIBE_MODEL", default_value = "whisper-1")]
    pub transcribe_model: String,
    /// How long a worker's claim on a job holds without renewal (it renews every third of
    /// that while the job runs); a job whose server died runs again elsewhere after it.
    #[arg(long, env = "CCJOBS_LEASE_SECS", default_value_t = 60)]
    pub lease_secs: u64,
    /// Delete finished jobs (and their files) this many days after submission; 0 keeps them.
    #[arg(long, env = "CCJOBS_RETENTION_DAYS", default_value_t = 0)]
    pub retention_days: u32,
    #[command(flatten)]
    pub limits: Limits,
}

/// What one account or client may ask of the server. Every limit answers with a message
/// that names it and the setting that changes it.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Largest Job Description (the `config` field), in bytes.
    #[arg(long, env = "CCJOBS_MAX_CONFIG_BYTES", default_value_t = Limits::DEFAULT.max_config_bytes)]
    pub max_config_bytes: usize,
    /// Deepest nesting of objects and arrays in a Job Description.
    #[arg(long, env = "CCJOBS_MAX_CONFIG_DEPTH", default_value_t = Limits::DEFAULT.max_config_depth)]
    pub max_config_depth: usize,
    /// Most cues a caption file may have.
    #[arg(long, env = "CCJOBS_MAX_CUES", default_value_t = Limits::DEFAULT.max_cues)]
    pub max_cues: usize,
    /// Requests per minute for one API key or session, per instance (429 beyond, with
    /// Retry-After).
    #[arg(long, env = "CCJOBS_RATE_PER_KEY", default_value_t = Limits::DEFAULT.requests_per_minute_per_key)]
    pub requests_per_minute_per_key: u32,
    /// Requests per minute from one IP address, per instance (429 beyond, with Retry-After).
    #[arg(long, env = "CCJOBS_RATE_PER_IP", default_value_t = Limits::DEFAULT.requests_per_minute_per_ip)]
    pub requests_per_minute_per_ip: u32,
    /// Jobs of one account that run at once, counted over every instance on the database
    /// (its other jobs wait, queued).
    #[arg(long, env = "CCJOBS_MAX_RUNNING_PER_ACCOUNT", default_value_t = Limits::DEFAULT.max_running_per_account)]
    pub max_running_per_account: u32,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_config_bytes: 64 * 1024,
        max_config_depth: 32,
        max_cues: 200_000,
        requests_per_minute_per_key: 600,
        requests_per_minute_per_ip: 1200,
        max_running_per_account: 4,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Config {
    /// How source URLs and `media_path` are fetched.
    pub fn fetch_policy(&self) -> crate::remote::FetchPolicy {
        self.outbound_policy(std::time::Duration::from_secs(self.fetch_timeout_secs))
    }

    /// How this server fetches URLs (sources, media) and connects to webhooks: the size
    /// cap is the upload limit; the total timeout fits the request.
    pub fn outbound_policy(&self, total_timeout: std::time::Duration) -> crate::remote::FetchPolicy {
        let total_timeout = total_timeout.max(std::time::Duration::from_millis(1));
        crate::remote::FetchPolicy {
            max_bytes: self.max_upload_bytes,
            allow_private: self.allow_private_urls,
            connect_timeout: std::time::Duration::from_secs(10).min(total_timeout),
            total_timeout,
        }
    }

    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }
}
