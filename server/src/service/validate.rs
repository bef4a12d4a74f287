//! What can be checked before a job is queued, so that mistakes fail fast with a 400.

use super::{ServiceError, Upload};
use crate::captions;
use app::description::JobDescription;
use app::model::JobType;

/// How deeply objects and arrays nest in a JSON value (a scalar is 0).
pub(super) fn json_depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(json_depth).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(json_depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn quoted_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks what can be checked before queueing, so that mistakes fail fast with a 400.
pub(super) fn validate(description: &JobDescription, file: Option<&Upload>) -> Result<(), ServiceError> {
    let f = &description.fields;
    if let Some(url) = f.webhook.as_deref() {
        check_url("webhook", url)?;
    }
    if let Some(url) = f.media_path.as_deref() {
        check_url("media_path", url)?;
    }
    if description.job_type() == JobType::Transcribe {
        if f.media_path.is_none() && file.is_none_or(|f| f.data.is_empty()) {
            return Err(ServiceError::invalid(
                "missing_media",
                "a transcribe job needs its audio or video: set media_path to the file's http(s) URL (a pre-signed URL works), or attach the file as the \"source\" field",
            ));
        }
        return check_target(f, &captions::writable_profiles());
    }
    if description.job_type() == JobType::Translate {
        let target = f
            .translate_options
            .as_ref()
            .and_then(|o| o.get("target_language"))
            .and_then(|v| v.as_str())
            .filter(|l| !l.trim().is_empty());
        if target.is_none() {
            return Err(ServiceError::invalid(
                "missing_language",
                "a translate job needs translate_options.target_language, e.g. \"translate_options\": {\"source_language\": \"en\", \"target_language\": \"fr\"}",
            ));
        }
    }
    let readable = captions::readable_profiles();
    let writable = captions::writable_profiles();
    match f.source_profile.as_deref() {
        None => {
            return Err(ServiceError::invalid(
                "missing_profile",
                format!(
                    "config has no source_profile; set it to one of: {}",
                    quoted_list(&readable)
                ),
            ))
        }
        Some(p) if !readable.contains(&p) => {
            return Err(ServiceError::invalid(
                "unknown_profile",
                format!(
                    "source_profile {p:?} is not a profile ccjobs can read; use one of: {}",
                    quoted_list(&readable)
                ),
            ))
        }
        Some(_) => {}
    }
    check_target(f, &writable)?;
    match file {
        None => Err(ServiceError::invalid(
            "missing_source",
            "the request has no source file; attach the caption file as a multipart field named \"source\" (curl: -F source=@captions.srt)",
        )),
        Some(f) if f.data.is_empty() => Err(ServiceError::invalid(
            "empty_source",
            format!("the source file {:?} is empty; attach the caption file itself", f.name),
        )),
        Some(_) => Ok(()),
    }
}

pub(crate) fn content_type_for(name: &str) -> String {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    captions::FORMATS
        .iter()
        .find(|f| f.extension == ext)
        .map(|f| f.content_type)
        .unwrap_or("application/octet-stream")
        .to_string()
}

/// The target profile is given and writable.
fn check_target(f: &app::description::DescriptionFields, writable: &[&str]) -> Result<(), ServiceError> {
    match f.target_profile.as_deref() {
        None => {
            return Err(ServiceError::invalid(
                "missing_profile",
                format!(
                    "config has no target_profile; set it to one of: {}",
                    quoted_list(writable)
                ),
            ))
        }
        Some(p) if !writable.contains(&p) => {
            return Err(ServiceError::invalid(
                "unknown_profile",
                format!(
                    "target_profile {p:?} is not a profile ccjobs can write; use one of: {}",
                    quoted_list(writable)
                ),
            ))
        }
        Some(_) => {}
    }
    Ok(())
}

/// A URL field holds an http(s) address (reachability is checked when it is used).
fn check_url(field: &str, url: &str) -> Result<(), ServiceError> {
    let invalid = |why: String| {
        ServiceError::invalid(
            "invalid_url",
            format!("{field} {url:?} {why}; give a full http:// or https:// address"),
        )
    };
    match reqwest::Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(u) => Err(invalid(format!("uses {}: or has no host", u.scheme()))),
        Err(e) => Err(invalid(format!("is not a valid URL ({e})"))),
    }
}
