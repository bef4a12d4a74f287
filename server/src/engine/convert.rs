//! The `convert` runner: source profile's reader, then target profile's writer.

use crate::captions::{self, decode};
use crate::store::{FileRow, Outcome};
use app::model::Job;

pub fn run(job: &Job, source: Option<&FileRow>, max_cues: usize) -> Outcome {
    let converted = read_source(job, source, max_cues)
        .and_then(|read| Ok((target_format(job)?, read)))
        .map(|(target, read)| write_target(target, read));
    match converted {
        Ok((target, warnings)) => Outcome::Passed { target, warnings },
        Err(error) => Outcome::Failed { error },
    }
}

/// A source file read into cues, with what reading it had to say.
pub(super) struct Read {
    pub doc: captions::Document,
    pub warnings: Vec<String>,
    /// The source file's name without its extension, for the target's name.
    pub stem: String,
}

/// The job's target profile and its writer.
pub(super) fn target_format(job: &Job) -> Result<(&'static captions::Format, captions::Writer), String> {
    let to = job.target_profile.as_deref().unwrap_or("");
    let format =
        captions::format(to).ok_or_else(|| format!("target_profile {to:?} is not known to this server"))?;
    let writer = format
        .write
        .ok_or_else(|| format!("target_profile {to:?} cannot be written by this server"))?;
    Ok((format, writer))
}

/// Decodes and reads the source file in the job's source profile.
pub(super) fn read_source(job: &Job, source: Option<&FileRow>, max_cues: usize) -> Result<Read, String> {
    let source =
        source.ok_or("the job has no source file; submit it again with the caption file attached")?;
    let from = job.source_profile.as_deref().unwrap_or("");
    let reader = captions::format(from)
        .and_then(|f| f.read)
        .ok_or_else(|| format!("source_profile {from:?} cannot be read by this server"))?;
    let decoded =
        decode(&source.data).map_err(|e| format!("{:?} could not be read as {from}: {e}", source.name))?;
    let doc = reader(&decoded.text).map_err(|e| {
        let advice = match sniff(&decoded.text, from) {
            Some(other) => {
                format!("It looks like {other}: set source_profile to \"{other}\" and submit again.")
            }
            None => {
                format!("Check that the file is {from}, or set source_profile to the file's real format.")
            }
        };
        format!("{:?} could not be read as {from}: {e}. {advice}", source.name)
    })?;
    if doc.cues.len() > max_cues {
        return Err(format!(
            "{:?} has {} cues; this server converts at most {max_cues} per file (setting CCJOBS_MAX_CUES). Split the file, or ask the administrator to raise the limit.",
            source.name,
            doc.cues.len()
        ));
    }
    let mut warnings = doc.warnings.clone();
    if decoded.encoding == "Windows-1252" {
        warnings.push(format!(
            "{:?} is not UTF-8; it was read as Windows-1252. If accented letters look wrong, save it as UTF-8 and submit again",
            source.name
        ));
    }
    let stem = source
        .name
        .rsplit_once('.')
        .map_or(source.name.as_str(), |(stem, _)| stem)
        .to_string();
    Ok(Read { doc, warnings, stem })
}

/// The profile, other than `tried`, that reads the text into at least one cue: what a
/// file submitted with the wrong source_profile most likely is.
fn sniff(text: &str, tried: &str) -> Option<&'static str> {
    captions::FORMATS
        .iter()
        .filter(|f| f.profile != tried)
        .find(|f| {
            f.read
                .is_some_and(|read| read(text).is_ok_and(|doc| !doc.cues.is_empty()))
        })
        .map(|f| f.profile)
}

/// Writes the cues in the target format.
pub(super) fn write_target(
    (format, writer): (&'static captions::Format, captions::Writer),
    read: Read,
) -> (FileRow, Vec<String>) {
    let Read {
        doc,
        mut warnings,
        stem,
    } = read;
    let written = writer(&doc);
    warnings.extend(written.warnings);
    let target = FileRow {
        name: format!("{stem}.{}", format.extension),
        content_type: format.content_type.to_string(),
        data: written.bytes,
    };
    (target, warnings)
}
