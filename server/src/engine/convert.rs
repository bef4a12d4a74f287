//! The `convert` runner: source profile's reader, then target profile's writer.

use crate::captions::{self, decode};
use crate::store::{FileRow, Outcome};
use app::model::Job;

pub fn run(job: &Job, source: Option<&FileRow>, max_cues: usize) -> Outcome {
    match convert(job, source, max_cues) {
        Ok((target, warnings)) => Outcome::Passed { target, warnings },
        Err(error) => Outcome::Failed { error },
    }
}

fn convert(job: &Job, source: Option<&FileRow>, max_cues: usize) -> Result<(FileRow, Vec<String>), String> {
    let source =
        source.ok_or("the job has no source file; submit it again with the caption file attached")?;
    let (from, to) = (
        job.source_profile.as_deref().unwrap_or(""),
        job.target_profile.as_deref().unwrap_or(""),
    );
    let reader = captions::format(from)
        .and_then(|f| f.read)
        .ok_or_else(|| format!("source_profile {from:?} cannot be read by this server"))?;
    let format =
        captions::format(to).ok_or_else(|| format!("target_profile {to:?} is not known to this server"))?;
    let writer = format
        .write
        .ok_or_else(|| format!("target_profile {to:?} cannot be written by this server"))?;

    let decoded =
        decode(&source.data).map_err(|e| format!("{:?} could not be read as {from}: {e}", source.name))?;
    let doc = reader(&decoded.text).map_err(|e| {
        format!("{:?} could not be read as {from}: {e}. Check that the file is {from}, or set source_profile to the file's real format.", source.name)
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
    let written = writer(&doc);
    warnings.extend(written.warnings);
    let stem = source
        .name
        .rsplit_once('.')
        .map_or(source.name.as_str(), |(stem, _)| stem);
    let target = FileRow {
        name: format!("{stem}.{}", format.extension),
        content_type: format.content_type.to_string(),
        data: written.bytes,
    };
    Ok((target, warnings))
}
