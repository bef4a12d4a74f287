//! The typed job model: one definition for the store, the REST API, SSR and the WASM client.

use crate::description::JobDescription;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A job's identifier: a UUID (v7 for new jobs, so IDs sort roughly by creation time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub uuid::Uuid);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl FromStr for JobId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::parse_str(s.trim()).map(Self)
    }
}

/// An account: owns jobs and API keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub uuid::Uuid);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

/// Declares a closed, lowercase string enum with `as_str`, `FromStr`, `ALL` and serde.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($variant:ident = $word:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($(#[serde(alias = $alias)])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($word $(| $alias)* => Ok($name::$variant),)+
                    _ => Err(UnknownWord {
                        what: $what,
                        got: s.to_string(),
                        allowed: &[$($word),+],
                    }),
                }
            }
        }
    };
}

word_enum!(
    /// What a job does.
    JobType, "job_type" { Convert = "convert", Transcribe = "transcribe", Translate = "translate" }
);

word_enum!(
    /// Where a job is in its life. The hosted service said "completed" for passed; we
    /// accept it on the way in and store one canonical value.
    JobStatus, "status" {
        Queued = "queued",
        Processing = "processing",
        Passed = "passed" | "completed",
        Failed = "failed",
    }
);

word_enum!(
    /// How a job arrived.
    JobSource, "source" { Api = "api", Playground = "playground", Cli = "cli" }
);

word_enum!(
    /// How a job's webhook delivery stands: pending (another attempt is scheduled),
    /// delivered, failed (every scheduled attempt failed, or the URL is refused), stopped
    /// (the receiver answered 410 Gone).
    DeliveryState, "delivery state" {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
        Stopped = "stopped",
    }
);

/// A job's webhook: where it goes, how delivery stands, and every attempt, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookLog {
    pub url: String,
    /// The `webhook-id` header of every attempt.
    pub message_id: String,
    pub state: DeliveryState,
    pub next_attempt_at: Option<Timestamp>,
    pub attempts: Vec<WebhookAttempt>,
}

/// An account's webhook signing secret, as the account sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    /// `whsec_` and base64: the HMAC-SHA256 key is the base64-decoded part.
    pub secret: String,
    /// After a rotation, the previous secret also signs until then.
    pub previous_valid_until: Option<Timestamp>,
}

/// One try at delivering a webhook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookAttempt {
    pub at: Timestamp,
    /// The receiver's HTTP status; none when no answer came.
    pub http_status: Option<u16>,
    pub latency_ms: u32,
    /// What went wrong, and what to do; none for a delivered attempt.
    pub error: Option<String>,
}

impl JobStatus {
    pub fn is_terminal(self) -> bool {
        matches!(self, JobStatus::Passed | JobStatus::Failed)
    }
}

/// A word that is not one of an enum's values; the message lists the accepted ones.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} {got:?} is not recognised; use one of: {}", allowed.join(", "))]
pub struct UnknownWord {
    pub what: &'static str,
    pub got: String,
    pub allowed: &'static [&'static str],
}

/// One row of the dashboard table: no heavy columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSummary {
    pub id: JobId,
    pub created_at: Timestamp,
    pub job_type: JobType,
    pub status: JobStatus,
    pub source: JobSource,
    pub source_profile: Option<String>,
    pub target_profile: Option<String>,
    pub frame_rate: Option<String>,
    pub source_file_name: Option<String>,
    /// The first line of the error, for the table; the full text is on [`Job`].
    pub error_summary: Option<String>,
    pub retry_of: Option<JobId>,
}

/// A job in full: what `GET /jobs/{id}` answers and the detail view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub status: JobStatus,
    pub job_type: JobType,
    pub source: JobSource,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub source_profile: Option<String>,
    pub target_profile: Option<String>,
    pub frame_rate: Option<String>,
    pub source_file_name: Option<String>,
    pub target_file_name: Option<String>,
    pub error: Option<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    pub attempts: u32,
    pub retry_of: Option<JobId>,
    /// The Job Description as submitted (verbatim JSON).
    pub description: JobDescription,
}

/// A caption profile: what `GET /profiles` lists and the Playground offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInfo {
    pub name: String,
    pub extension: String,
    /// Can be a `source_profile`.
    pub read: bool,
    /// Can be a `target_profile`.
    pub write: bool,
    /// Options that change how the profile is written (`encode_options`).
    pub encode_options: Vec<ProfileOption>,
    /// Options that change how the profile is read (`decode_options`).
    pub decode_options: Vec<ProfileOption>,
}

/// One `encode_options` / `decode_options` entry of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileOption {
    pub name: String,
    /// `string`, `integer` or `boolean`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The allowed values of a `string` or `boolean` option.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<i64>,
    pub default: String,
    pub description: String,
}

impl ProfileOption {
    /// The allowed values in words, as the server's messages say them.
    pub fn allowed_text(&self) -> String {
        match (self.minimum, self.maximum) {
            (Some(min), Some(max)) => format!("a whole number from {min} to {max}"),
            _ => self.values.join(", "),
        }
    }

    /// Whether a JSON value is one this option takes.
    pub fn accepts(&self, value: &serde_json::Value) -> bool {
        let text = match value {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => return false,
        };
        match (self.minimum, self.maximum) {
            (Some(min), Some(max)) => text.parse::<i64>().is_ok_and(|n| (min..=max).contains(&n)),
            _ if self.kind == "boolean" => {
                ["true", "false", "yes", "no", "1", "0"].contains(&text.to_ascii_lowercase().as_str())
            }
            _ => self.values.iter().any(|v| v.eq_ignore_ascii_case(&text)),
        }
    }
}

/// One page of the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobPage {
    pub jobs: Vec<JobSummary>,
    /// Cursor of the next (older) page, if there is one.
    pub next_cursor: Option<String>,
    /// Cursor of the previous (newer) page, if this is not the first.
    pub prev_cursor: Option<String>,
    /// Rows matching the filter, counted up to [`JobPage::COUNT_LIMIT`].
    pub total: u64,
    /// True when `total` stopped at the limit ("10,000+").
    pub total_is_lower_bound: bool,
    /// Rows before this page (newer ones), counted up to [`JobPage::COUNT_LIMIT`].
    pub offset: u64,
}

impl JobPage {
    /// Counting every match of a broad filter at millions of rows is slow; past this the
    /// dashboard says "10,000+".
    pub const COUNT_LIMIT: u64 = 10_000;
}

/// The first line of an error message, as the table shows it.
pub fn first_line(text: &str) -> String {
    const MAX: usize = 200;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if line.chars().count() > MAX {
        let cut: String = line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_accepts_the_hosted_services_word() {
        assert_eq!("completed".parse::<JobStatus>(), Ok(JobStatus::Passed));
        assert_eq!(
            serde_json::from_str::<JobStatus>("\"completed\"").ok(),
            Some(JobStatus::Passed)
        );
        assert_eq!(
            serde_json::to_string(&JobStatus::Passed).ok().as_deref(),
            Some("\"passed\"")
        );
    }

    #[test]
    fn unknown_words_list_the_accepted_ones() {
        let err = "convertt".parse::<JobType>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "job_type \"convertt\" is not recognised; use one of: convert, transcribe, translate"
        );
    }

    #[test]
    fn first_line_skips_blank_lines_and_truncates() {
        assert_eq!(first_line("\n  boom at line 3\nstack"), "boom at line 3");
        let long = "x".repeat(500);
        assert_eq!(first_line(&long).chars().count(), 200);
    }
}
