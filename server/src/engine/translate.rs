//! The `translate` runner: the source captions' texts go to a LibreTranslate-compatible
//! service (`POST {url}/translate`) in batches; timings stay; the target profile is written.
//!
//! An unreachable, busy (429) or failing (5xx) service is a transient failure: the job is
//! tried again later. A refusal (4xx) is permanent: the job fails at once, saying why.

use super::convert::{read_source, target_format, write_target};
use crate::captions::strip_tags;
use crate::store::{FileRow, Outcome};
use app::model::Job;
use serde_json::{json, Value};
use std::time::Duration;

/// Cues per request, and characters per request, at most.
const BATCH_CUES: usize = 50;
const BATCH_CHARS: usize = 5_000;

/// A configured translation service.
#[derive(Clone)]
pub struct Translator {
    http: reqwest::Client,
    base: String,
    api_key: Option<String>,
}

impl Translator {
    pub fn new(base: &str, api_key: Option<String>) -> Option<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok()?;
        Some(Self {
            http,
            base: base.trim().trim_end_matches('/').to_string(),
            api_key: api_key.filter(|k| !k.trim().is_empty()),
        })
    }

    /// Translates the texts, in order.
    async fn translate(&self, texts: &[String], source: &str, target: &str) -> Result<Vec<String>, Outcome> {
        let mut body = json!({ "q": texts, "source": source, "target": target, "format": "text" });
        if let Some(key) = &self.api_key {
            body["api_key"] = Value::from(key.as_str());
        }
        let url = format!("{}/translate", self.base);
        let request = self.http.post(&url).json(&body);
        let answer = super::call_service("The translation service", &self.base, request).await?;
        let super::ServiceAnswer {
            status,
            retry_after,
            ref text,
        } = answer;
        let message = serde_json::from_str::<Value>(text)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_string))
            .unwrap_or_else(|| text.chars().take(200).collect());
        if answer.is_transient() {
            return Err(Outcome::Retry {
                error: format!(
                    "The translation service was busy or failing (HTTP {}: {message})",
                    status.as_u16()
                ),
                retry_after,
            });
        }
        if !status.is_success() {
            let advice = match status.as_u16() {
                401 | 403 => "check CCJOBS_TRANSLATE_API_KEY on the server",
                _ => "check translate_options.source_language and target_language",
            };
            return Err(Outcome::Failed {
                error: format!(
                    "The translation service refused the job (HTTP {}: {message}); {advice}",
                    status.as_u16()
                ),
            });
        }
        let answer: Value = serde_json::from_str(text).map_err(|_| Outcome::Failed {
            error: format!(
                "The translation service at {} did not answer with JSON; check CCJOBS_TRANSLATE_URL",
                self.base
            ),
        })?;
        let translated: Vec<String> = match &answer["translatedText"] {
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect(),
            Value::String(one) if texts.len() == 1 => vec![one.clone()],
            _ => Vec::new(),
        };
        if translated.len() != texts.len() {
            return Err(Outcome::Failed {
                error: format!(
                    "The translation service answered {} texts for {}; check that CCJOBS_TRANSLATE_URL is a LibreTranslate-compatible service",
                    translated.len(),
                    texts.len()
                ),
            });
        }
        Ok(translated)
    }
}

/// Runs a translate job.
pub async fn run(
    job: &Job,
    source: Option<&FileRow>,
    max_cues: usize,
    translator: Option<&Translator>,
) -> Outcome {
    let Some(translator) = translator else {
        return Outcome::Failed {
            error: "This server cannot run translate jobs: no translation service is configured. The administrator sets CCJOBS_TRANSLATE_URL to a LibreTranslate-compatible service.".into(),
        };
    };
    let options = job
        .description
        .fields
        .translate_options
        .clone()
        .unwrap_or_default();
    let language = |key: &str| options.get(key).and_then(Value::as_str).map(str::to_string);
    let source_language = language("source_language").unwrap_or_else(|| "auto".into());
    let Some(target_language) = language("target_language") else {
        return Outcome::Failed {
            error: "translate_options has no target_language; set it, e.g. {\"target_language\": \"fr\"}"
                .into(),
        };
    };
    let (target, mut read) =
        match target_format(job).and_then(|t| Ok((t, read_source(job, source, max_cues)?))) {
            Ok(parts) => parts,
            Err(error) => return Outcome::Failed { error },
        };
    let mut styled = false;
    let texts: Vec<String> = read
        .doc
        .cues
        .iter()
        .map(|c| {
            let text = c.lines.join("\n");
            let plain = strip_tags(&text);
            styled |= plain != text;
            plain
        })
        .collect();
    if styled {
        read.warnings.push(
            "inline styling (italics, bold, colours) was dropped: the translation service gets plain text"
                .into(),
        );
    }
    let mut translated = Vec::with_capacity(texts.len());
    let mut start = 0;
    while start < texts.len() {
        let mut end = start;
        let mut chars = 0;
        while end < texts.len()
            && end - start < BATCH_CUES
            && (end == start || chars + texts[end].len() <= BATCH_CHARS)
        {
            chars += texts[end].len();
            end += 1;
        }
        match translator
            .translate(&texts[start..end], &source_language, &target_language)
            .await
        {
            Ok(batch) => translated.extend(batch),
            Err(outcome) => return outcome,
        }
        start = end;
    }
    for (cue, text) in read.doc.cues.iter_mut().zip(translated) {
        cue.lines = text.lines().map(str::to_string).collect();
    }
    let (file, warnings) = match write_target(job, target, read) {
        Ok(written) => written,
        Err(error) => return Outcome::Failed { error },
    };
    Outcome::Passed {
        target: file,
        warnings,
    }
}
