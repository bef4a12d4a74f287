//! Configuration: environment variables, overridable by command-line flags.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings for `ccjobs serve` (and the database for every subcommand).
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database URL: `sqlite://PATH` (the folder is created).
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
}

impl Config {
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }
}
