//! The `transcribe` runner: the job's media (fetched from `media_path`, or the uploaded
//! source) goes to an OpenAI-compatible speech-to-text service
//! (`POST {url}/v1/audio/transcriptions`, `response_format=verbose_json`, as served by
//! whisper.cpp's server, faster-whisper servers and OpenAI). The timed segments it answers
//! are cut into captions by reading rules, then written in the target profile.
//!
//! Caption rules (each can be set in `transcribe_options`): at most `max_line_length`
//! characters per line (42) and `max_lines` lines per caption (2), at most `max_duration_ms`
//! on screen (7,000 ms), at least `min_duration_ms` (1,000 ms) and long enough to read at
//! `max_chars_per_second` (20) when the gap to the next caption allows; a sentence's end
//! closes a caption. Captions that still read too fast are counted in a warning.
//!
//! An unreachable, busy (429) or failing (5xx) service, or a media URL that times out, is
//! transient: the job is tried again later. A refusal is permanent and says why.

use super::convert::{default_rate, target_format, write_target, Read};
use crate::captions::{Cue, Document};
use crate::remote::{FetchPolicy, OutboundError};
use crate::store::{FileRow, Outcome};
use app::model::Job;
use serde_json::Value;
use std::time::Duration;

/// A configured speech-to-text service.
#[derive(Clone)]
pub struct Transcriber {
    http: reqwest::Client,
    base: String,
    api_key: Option<String>,
    model: String,
}

/// A timed piece of speech.
#[derive(Debug, Clone, PartialEq)]
struct Word {
    text: String,
    start_ms: i64,
    end_ms: i64,
}

/// How captions are cut.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    pub max_line_length: usize,
    pub max_lines: usize,
    pub max_duration_ms: i64,
    pub min_duration_ms: i64,
    pub max_chars_per_second: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            max_line_length: 42,
            max_lines: 2,
            max_duration_ms: 7_000,
            min_duration_ms: 1_000,
            max_chars_per_second: 20,
        }
    }
}

impl Rules {
    /// The defaults, with what `transcribe_options` sets; a bad value is an error that
    /// names it.
    fn from_options(options: &serde_json::Map<String, Value>) -> Result<Self, String> {
        let mut rules = Rules::default();
        let number = |key: &str, low: u64, high: u64| -> Result<Option<u64>, String> {
            match options.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .filter(|n| (low..=high).contains(n))
                    .map(Some)
                    .ok_or_else(|| {
                        format!("transcribe_options.{key} is {v}; use a whole number from {low} to {high}")
                    }),
            }
        };
        if let Some(n) = number("max_line_length", 10, 200)? {
            rules.max_line_length = n as usize;
        }
        if let Some(n) = number("max_lines", 1, 5)? {
            rules.max_lines = n as usize;
        }
        if let Some(n) = number("max_duration_ms", 1_000, 60_000)? {
            rules.max_duration_ms = n as i64;
        }
        if let Some(n) = number("min_duration_ms", 0, 10_000)? {
            rules.min_duration_ms = n as i64;
        }
        if let Some(n) = number("max_chars_per_second", 5, 50)? {
            rules.max_chars_per_second = n as i64;
        }
        Ok(rules)
    }
}

impl Transcriber {
    pub fn new(base: &str, api_key: Option<String>, model: &str) -> Option<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // Long media take a while to transcribe.
            .timeout(Duration::from_secs(1800))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .ok()?;
        let base = base.trim().trim_end_matches('/');
        Some(Self {
            http,
            base: base.strip_suffix("/v1").unwrap_or(base).to_string(),
            api_key: api_key.filter(|k| !k.trim().is_empty()),
            model: model.to_string(),
        })
    }

    /// The service's timed words (or segments, when it gives no word timings).
    async fn transcribe(&self, media: &FileRow, language: Option<&str>) -> Result<Vec<Vec<Word>>, Outcome> {
        let file = reqwest::multipart::Part::bytes(media.data.clone())
            .file_name(media.name.clone())
            .mime_str(&media.content_type)
            .unwrap_or_else(|_| {
                reqwest::multipart::Part::bytes(media.data.clone()).file_name(media.name.clone())
            });
        let mut form = reqwest::multipart::Form::new()
            .part("file", file)
            .text("model", self.model.clone())
            .text("response_format", "verbose_json")
            .text("timestamp_granularities[]", "segment")
            .text("timestamp_granularities[]", "word");
        if let Some(language) = language {
            form = form.text("language", language.to_string());
        }
        let url = format!("{}/v1/audio/transcriptions", self.base);
        let mut request = self.http.post(&url).multipart(form);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        let reply = super::call_service("The speech-to-text service", &self.base, request).await?;
        let status = reply.status;
        let text = &reply.text;
        let answer = serde_json::from_str::<Value>(text).ok();
        if !status.is_success() {
            // OpenAI: {"error": {"message": …}}; others: {"error": "…"} or plain text.
            let message = answer
                .as_ref()
                .and_then(|v| {
                    v["error"]["message"]
                        .as_str()
                        .or(v["error"].as_str())
                        .or(v["detail"].as_str())
                })
                .map(str::to_string)
                .unwrap_or_else(|| text.chars().take(200).collect());
            let code = status.as_u16();
            if reply.is_transient() {
                return Err(Outcome::Retry {
                    error: format!("The speech-to-text service was busy or failing (HTTP {code}: {message})"),
                    retry_after: reply.retry_after,
                });
            }
            let advice = match code {
                401 | 403 => "check CCJOBS_TRANSCRIBE_API_KEY on the server",
                404 => "check that CCJOBS_TRANSCRIBE_URL is the service's base URL (ccjobs adds /v1/audio/transcriptions) and CCJOBS_TRANSCRIBE_MODEL a model it has",
                _ => "check that the media is an audio or video file the service accepts, and transcribe_options.source_language",
            };
            return Err(Outcome::Failed {
                error: format!(
                    "The speech-to-text service refused the job (HTTP {code}: {message}); {advice}"
                ),
            });
        }
        let answer = answer.ok_or_else(|| Outcome::Failed {
            error: format!(
                "The speech-to-text service at {} did not answer with JSON; check that CCJOBS_TRANSCRIBE_URL is an OpenAI-compatible service",
                self.base
            ),
        })?;
        timed_words(&answer).ok_or_else(|| Outcome::Failed {
            error: "The speech-to-text service answered without segment timings (verbose_json); use a service that supports response_format=verbose_json".into(),
        })
    }
}

/// Seconds (a JSON number) as milliseconds.
fn ms(v: &Value) -> Option<i64> {
    v.as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| (s * 1000.0).round() as i64)
}

/// The answer's speech as groups of timed words, one group per segment. Word timings come
/// from `words` when the service gives them; otherwise a segment's time is shared among
/// its words by length.
fn timed_words(answer: &Value) -> Option<Vec<Vec<Word>>> {
    let segments = answer["segments"].as_array()?;
    let all_words = words(&answer["words"]);
    let mut groups = Vec::with_capacity(segments.len());
    for segment in segments {
        let (Some(start), Some(end)) = (ms(&segment["start"]), ms(&segment["end"])) else {
            continue;
        };
        let end = end.max(start);
        let text = segment["text"].as_str().unwrap_or_default();
        // Word timings of this segment, when given (inside it, or the answer's own list).
        let nested = words(&segment["words"]);
        let words = if !nested.is_empty() {
            nested
        } else {
            let inside: Vec<Word> = all_words
                .iter()
                .filter(|w| w.start_ms >= start && w.start_ms < end.max(start + 1))
                .cloned()
                .collect();
            if inside.is_empty() {
                spread(text, start, end)
            } else {
                inside
            }
        };
        if !words.is_empty() {
            groups.push(words);
        }
    }
    Some(groups)
}

/// A `words` array (`{"word", "start", "end"}` in seconds), as timed words.
fn words(list: &Value) -> Vec<Word> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| {
            Some(Word {
                text: w["word"].as_str()?.trim().to_string(),
                start_ms: ms(&w["start"])?,
                end_ms: ms(&w["end"])?,
            })
        })
        .filter(|w| !w.text.is_empty())
        .collect()
}

/// A segment's words with its time shared among them by length.
fn spread(text: &str, start: i64, end: i64) -> Vec<Word> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let weight: usize = words.iter().map(|w| w.chars().count() + 1).sum();
    let span = end - start;
    let mut at = 0usize;
    words
        .iter()
        .map(|w| {
            let from = start + (span as i128 * at as i128 / weight.max(1) as i128) as i64;
            at += w.chars().count() + 1;
            let to = start + (span as i128 * at as i128 / weight.max(1) as i128) as i64;
            Word {
                text: (*w).to_string(),
                start_ms: from,
                end_ms: to,
            }
        })
        .collect()
}

/// Lines of at most `width` characters (a longer word stands alone).
fn wrap(words: &[Word], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for w in words {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + w.text.chars().count() <= width => {
                line.push(' ');
                line.push_str(&w.text);
            }
            _ => lines.push(w.text.clone()),
        }
    }
    lines
}

/// Captions from timed speech, by the rules.
fn captions(groups: &[Vec<Word>], rules: &Rules) -> Vec<Cue> {
    let mut cues: Vec<Cue> = Vec::new();
    for group in groups {
        let mut chunk: Vec<Word> = Vec::new();
        for word in group {
            if let Some(first) = chunk.first() {
                let mut longer = chunk.clone();
                longer.push(word.clone());
                let too_long = wrap(&longer, rules.max_line_length).len() > rules.max_lines
                    || word.end_ms - first.start_ms > rules.max_duration_ms;
                if too_long {
                    cues.push(cue(&chunk, rules));
                    chunk.clear();
                }
            }
            let ends_sentence = word.text.ends_with(['.', '?', '!', '…']);
            chunk.push(word.clone());
            if ends_sentence {
                cues.push(cue(&chunk, rules));
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            cues.push(cue(&chunk, rules));
        }
    }
    // At least the minimum time on screen and the time to read it, as far as the next
    // caption allows; never overlapping.
    for i in 0..cues.len() {
        let next_start = cues.get(i + 1).map(|c| c.start_ms);
        let cue = &mut cues[i];
        let reading = reading_ms(cue, rules).min(rules.max_duration_ms);
        let wanted = cue.end_ms.max(cue.start_ms + rules.min_duration_ms.max(reading));
        cue.end_ms = next_start.map_or(wanted, |n| wanted.min(n.max(cue.end_ms)));
        if let Some(n) = next_start {
            cue.end_ms = cue.end_ms.min(n).max(cue.start_ms);
        }
    }
    cues.retain(|c| c.end_ms > c.start_ms);
    cues
}

/// The time a caption takes to read at the rules' rate.
fn reading_ms(cue: &Cue, rules: &Rules) -> i64 {
    let chars: usize = cue.lines.iter().map(|l| l.chars().count()).sum();
    chars as i64 * 1000 / rules.max_chars_per_second.max(1)
}

fn cue(words: &[Word], rules: &Rules) -> Cue {
    Cue {
        id: None,
        start_ms: words.first().map_or(0, |w| w.start_ms),
        end_ms: words.iter().map(|w| w.end_ms).max().unwrap_or(0),
        lines: wrap(words, rules.max_line_length),
        ..Cue::default()
    }
}

/// Runs a transcribe job.
pub async fn run(
    job: &Job,
    source: Option<&FileRow>,
    transcriber: Option<&Transcriber>,
    media_policy: &FetchPolicy,
) -> Outcome {
    let Some(transcriber) = transcriber else {
        return Outcome::Failed {
            error: "This server cannot run transcribe jobs: no speech-to-text service is configured. The administrator sets CCJOBS_TRANSCRIBE_URL to an OpenAI-compatible service (whisper.cpp's server, a faster-whisper server, or OpenAI).".into(),
        };
    };
    let options = job
        .description
        .fields
        .transcribe_options
        .clone()
        .unwrap_or_default();
    let rules = match Rules::from_options(&options) {
        Ok(rules) => rules,
        Err(error) => return Outcome::Failed { error },
    };
    let (target, frame_rate) = match target_format(job).and_then(|t| Ok((t, default_rate(job)?))) {
        Ok(parts) => parts,
        Err(error) => return Outcome::Failed { error },
    };
    let media =
        match job.description.fields.media_path.as_deref() {
            Some(url) => match crate::remote::fetch("The media_path URL", url, media_policy).await {
                Ok(upload) => FileRow {
                    content_type: crate::service::content_type_for(&upload.name),
                    name: upload.name,
                    data: upload.data,
                },
                Err(OutboundError {
                    message,
                    transient: true,
                }) => {
                    return Outcome::Retry {
                        error: message,
                        retry_after: None,
                    }
                }
                Err(OutboundError { message, .. }) => return Outcome::Failed { error: message },
            },
            None => match source {
                Some(file) => file.clone(),
                None => return Outcome::Failed {
                    error:
                        "the job has neither media_path nor an uploaded media file; submit it again with one"
                            .into(),
                },
            },
        };
    let language = options
        .get("source_language")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "auto");
    let groups = match transcriber.transcribe(&media, language).await {
        Ok(groups) => groups,
        Err(outcome) => return outcome,
    };
    let cues = captions(&groups, &rules);
    let mut warnings = Vec::new();
    let fast = cues
        .iter()
        .filter(|c| c.end_ms - c.start_ms < reading_ms(c, &rules))
        .count();
    if fast > 0 {
        warnings.push(format!(
            "{fast} of {} captions read faster than {} characters per second (the speech is fast, and the next caption follows at once); edit them, or raise transcribe_options.max_chars_per_second",
            cues.len(),
            rules.max_chars_per_second
        ));
    }
    if cues.is_empty() {
        warnings.push(
            "the speech-to-text service heard no speech in the media; the captions are empty".to_string(),
        );
    }
    let stem = media
        .name
        .rsplit_once('.')
        .map_or(media.name.as_str(), |(stem, _)| stem)
        .to_string();
    let read = Read {
        doc: Document {
            cues,
            ..Document::default()
        },
        warnings,
        stem,
        frame_rate,
    };
    let (file, warnings) = match write_target(job, target, read) {
        Ok(written) => written,
        Err(error) => return Outcome::Failed { error },
    };
    Outcome::Passed {
        target: file,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_segments_become_captions_of_two_lines_of_42() {
        let text = "This is a fairly long segment of speech that goes on and on well past what fits on two lines of a caption";
        let answer = json!({ "segments": [{ "start": 1.0, "end": 9.0, "text": text }] });
        let groups = timed_words(&answer).unwrap_or_default();
        let cues = captions(&groups, &Rules::default());
        assert!(cues.len() >= 2, "{cues:?}");
        for c in &cues {
            assert!(c.lines.len() <= 2, "{c:?}");
            assert!(c.lines.iter().all(|l| l.chars().count() <= 42), "{c:?}");
            assert!(c.end_ms - c.start_ms <= 7_000, "{c:?}");
        }
        assert_eq!(cues[0].start_ms, 1_000);
        assert_eq!(cues.last().map(|c| c.end_ms), Some(9_000));
        let words: Vec<String> = cues.iter().flat_map(|c| c.lines.clone()).collect();
        assert_eq!(words.join(" "), text, "no word lost or reordered");
        assert!(cues.windows(2).all(|w| w[0].end_ms <= w[1].start_ms));
    }

    #[test]
    fn word_timings_and_sentence_ends_cut_captions() {
        let answer = json!({
            "segments": [{ "start": 0.0, "end": 3.0, "text": "Hi there. Bye now." }],
            "words": [
                { "word": "Hi", "start": 0.0, "end": 0.4 },
                { "word": "there.", "start": 0.5, "end": 0.9 },
                { "word": "Bye", "start": 2.0, "end": 2.3 },
                { "word": "now.", "start": 2.4, "end": 2.9 }
            ]
        });
        let cues = captions(&timed_words(&answer).unwrap_or_default(), &Rules::default());
        assert_eq!(cues.len(), 2, "{cues:?}");
        assert_eq!(
            (cues[0].start_ms, cues[0].lines.clone()),
            (0, vec!["Hi there.".to_string()])
        );
        // Stretched to the minimum second on screen: the next caption starts later.
        assert_eq!(cues[0].end_ms, 1_000);
        assert_eq!((cues[1].start_ms, cues[1].end_ms), (2_000, 3_000));
    }

    #[test]
    fn captions_stay_up_long_enough_to_read_when_the_gap_allows() {
        // 37 characters spoken in 0.5 s, then silence: held for 37 / 20 = 1.85 s.
        let answer = json!({ "segments": [
            { "start": 0.0, "end": 0.5, "text": "Quickly said, but long enough to read" },
            { "start": 10.0, "end": 10.3, "text": "Next." }
        ] });
        let cues = captions(&timed_words(&answer).unwrap_or_default(), &Rules::default());
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (0, 1_850));
        // No gap: the caption cannot be held, and stops where the next starts.
        let answer = json!({ "segments": [
            { "start": 0.0, "end": 0.5, "text": "Quickly said, but long enough to read" },
            { "start": 0.6, "end": 1.0, "text": "Next." }
        ] });
        let cues = captions(&timed_words(&answer).unwrap_or_default(), &Rules::default());
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (0, 600));
    }

    #[test]
    fn options_change_the_rules_and_bad_values_are_named() {
        let options = json!({ "max_line_length": 20, "max_lines": 1 });
        let rules =
            Rules::from_options(options.as_object().unwrap_or(&Default::default())).unwrap_or_default();
        assert_eq!((rules.max_line_length, rules.max_lines), (20, 1));
        let bad = json!({ "max_lines": 0 });
        let error = Rules::from_options(bad.as_object().unwrap_or(&Default::default()))
            .err()
            .unwrap_or_default();
        assert_eq!(
            error,
            "transcribe_options.max_lines is 0; use a whole number from 1 to 5"
        );
    }
}
