//! The `convert` runner: source profile's reader, the Job Description's timing options
//! (`incode`, `offset`), then the target profile's writer at the target frame rate.

use crate::captions::{self, decode, detect, Document, FrameRate, Input, Options, Output, Timecode};
use crate::store::{FileRow, Outcome};
use app::model::Job;

pub fn run(job: &Job, source: Option<&FileRow>, max_cues: usize) -> Outcome {
    let converted = target_format(job)
        .and_then(|target| Ok((target, read_source(job, source, max_cues)?)))
        .and_then(|(target, read)| write_target(job, target, read));
    match converted {
        Ok((target, warnings)) => Outcome::Passed { target, warnings },
        Err(error) => Outcome::Failed { error },
    }
}

/// A source file read into cues, with what reading it had to say.
pub(super) struct Read {
    pub doc: Document,
    pub warnings: Vec<String>,
    /// The source file's name without its extension, for the target's name.
    pub stem: String,
    /// The rate the source's timecodes were read at.
    pub frame_rate: FrameRate,
}

/// The job's target profile, its writer, its checked `encode_options` and `target_frameRate`.
pub(super) struct Target {
    format: &'static captions::Format,
    writer: captions::Writer,
    options: Options,
    /// `None`: `auto`, the source's rate.
    frame_rate: Option<FrameRate>,
}

/// The job's target profile and how to write it.
pub(super) fn target_format(job: &Job) -> Result<Target, String> {
    let to = job.target_profile.as_deref().unwrap_or("");
    let format =
        captions::format(to).ok_or_else(|| format!("target_profile {to:?} is not known to this server"))?;
    let writer = format
        .write
        .ok_or_else(|| format!("target_profile {to:?} cannot be written by this server"))?;
    let fields = &job.description.fields;
    let options = Options::check(
        "encode_options",
        format.profile,
        format.encode_options,
        fields.encode_options.as_ref(),
    )?;
    let frame_rate = rate_field(job, "target_frameRate", fields.target_frame_rate.as_deref())?;
    Ok(Target {
        format,
        writer,
        options,
        frame_rate,
    })
}

/// `default_frameRate` with `default_dropFrame` (29.97 drop-frame when neither is set).
pub(super) fn default_rate(job: &Job) -> Result<FrameRate, String> {
    let fields = &job.description.fields;
    let drop = fields.default_drop_frame.unwrap_or(true);
    match fields.default_frame_rate.as_deref() {
        None => Ok(FrameRate::parse("29.97", drop)?),
        Some(rate) => FrameRate::parse(rate, drop).map_err(|e| format!("default_frameRate: {e}")),
    }
}

/// A `source_frameRate` / `target_frameRate` field: `None` when absent or `auto`.
fn rate_field(job: &Job, name: &str, value: Option<&str>) -> Result<Option<FrameRate>, String> {
    let drop = job.description.fields.default_drop_frame.unwrap_or(true);
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("auto") => Ok(None),
        Some(v) => FrameRate::parse(v, drop)
            .map(Some)
            .map_err(|e| format!("{name}: {e} (or \"auto\")")),
    }
}

/// Decodes and reads the source file in the job's source profile.
pub(super) fn read_source(job: &Job, source: Option<&FileRow>, max_cues: usize) -> Result<Read, String> {
    let source =
        source.ok_or("the job has no source file; submit it again with the caption file attached")?;
    let from = job.source_profile.as_deref().unwrap_or("");
    let (format, reader) = captions::format(from)
        .and_then(|f| Some((f, f.read?)))
        .ok_or_else(|| format!("source_profile {from:?} cannot be read by this server"))?;
    if let Some(detected) = detect(&source.data).filter(|d| !d.accepts(from)) {
        return Err(format!(
            "source_profile is \"{from}\" but the file looks like {}; use the \"{}\" profile",
            detected.what, detected.profile
        ));
    }
    let fields = &job.description.fields;
    let options = Options::check(
        "decode_options",
        format.profile,
        format.decode_options,
        fields.decode_options.as_ref(),
    )?;
    let given = rate_field(job, "source_frameRate", fields.source_frame_rate.as_deref())?;
    let default = default_rate(job)?;
    let decoded = if format.binary {
        None
    } else {
        Some(
            decode(&source.data)
                .map_err(|e| format!("{:?} could not be read as {from}: {e}", source.name))?,
        )
    };
    let input = Input {
        text: decoded.as_ref().map_or("", |d| &d.text),
        bytes: &source.data,
        frame_rate: given.unwrap_or(default),
        frame_rate_given: given.is_some(),
        options: &options,
    };
    let doc = reader(&input).map_err(|e| {
        format!(
            "{:?} could not be read as {from}: {e}. Check that the file is {from}, or set source_profile to the file's real format.",
            source.name
        )
    })?;
    if doc.cues.len() > max_cues {
        return Err(format!(
            "{:?} has {} cues; this server converts at most {max_cues} per file (setting CCJOBS_MAX_CUES). Split the file, or ask the administrator to raise the limit.",
            source.name,
            doc.cues.len()
        ));
    }
    let mut warnings = doc.warnings.clone();
    if decoded.is_some_and(|d| d.encoding == "Windows-1252") {
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
    let frame_rate = given.or(doc.frame_rate).unwrap_or(default);
    Ok(Read {
        doc,
        warnings,
        stem,
        frame_rate,
    })
}

/// Applies `incode` and `offset`, then writes the cues in the target format.
pub(super) fn write_target(job: &Job, target: Target, read: Read) -> Result<(FileRow, Vec<String>), String> {
    let Read {
        mut doc,
        mut warnings,
        stem,
        frame_rate,
    } = read;
    shift(job, frame_rate, &mut doc, &mut warnings)?;
    let output = Output {
        frame_rate: target.frame_rate.unwrap_or(frame_rate),
        options: &target.options,
    };
    let written = (target.writer)(&doc, &output);
    warnings.extend(written.warnings);
    let file = FileRow {
        name: format!("{stem}.{}", target.format.extension),
        content_type: target.format.content_type.to_string(),
        data: written.bytes,
    };
    Ok((file, warnings))
}

/// `incode` (the programme's start: subtracted; `auto` = the first cue's start) and
/// `offset` (added, or subtracted with `offset_type: "subtract"`). Cues pushed wholly
/// before zero are dropped, and counted in a warning.
fn shift(job: &Job, rate: FrameRate, doc: &mut Document, warnings: &mut Vec<String>) -> Result<(), String> {
    let fields = &job.description.fields;
    let incode = match fields.incode.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(v) if v.eq_ignore_ascii_case("auto") => doc.cues.iter().map(|c| c.start_ms).min().unwrap_or(0),
        Some(v) => time_value(v, rate).map_err(|e| format!("incode {v:?}: {e}, or \"auto\""))?,
    };
    let offset = match fields.offset.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(v) => time_value(v, rate).map_err(|e| format!("offset {v:?}: {e}"))?,
    };
    let offset = match fields.offset_type.as_deref().map(str::trim) {
        None | Some("") | Some("add") => offset,
        Some("subtract") => -offset,
        Some(other) => {
            return Err(format!(
                "offset_type {other:?} is not known; use \"add\" or \"subtract\""
            ))
        }
    };
    let delta = offset - incode;
    if delta == 0 {
        return Ok(());
    }
    let before = doc.cues.len();
    doc.cues.retain_mut(|cue| {
        cue.start_ms = (cue.start_ms + delta).max(0);
        cue.end_ms += delta;
        cue.end_ms > 0
    });
    let dropped = before - doc.cues.len();
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} caption(s) ended before 00:00:00:00 after incode/offset were applied and were left out; check incode and offset"
        ));
    }
    Ok(())
}

/// A time given as a SMPTE timecode at `rate` (`01:00:00:00`, `;` for drop-frame), a clock
/// time (`00:00:01.500` or `00:00:01,500`), or seconds (`-2.5`). In milliseconds.
fn time_value(text: &str, rate: FrameRate) -> Result<i64, String> {
    if let Ok(seconds) = text.parse::<f64>() {
        if seconds.is_finite() && seconds.abs() < 360_000_000.0 {
            return Ok((seconds * 1000.0).round() as i64);
        }
    }
    if let Some(ms) = crate::captions::parse_clock(text) {
        return Ok(ms);
    }
    let expected = "expected a timecode like 01:00:00:00, a time like 00:00:01.500, or seconds";
    let tc = Timecode::parse(text).ok_or(expected)?;
    let rate = FrameRate {
        drop: tc.drop && rate.drop,
        ..rate
    };
    rate.label_to_ms(tc).ok_or_else(|| {
        format!(
            "not a valid timecode at {} (frames run 00–{:02}{})",
            rate.name(),
            rate.nominal() - 1,
            if rate.drop {
                "; drop-frame skips ;00 and ;01 at most minute starts"
            } else {
                ""
            }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_timecodes_clock_times_or_seconds() {
        let df = FrameRate::NTSC_DF;
        let pal = FrameRate::parse("25", false).expect("rate");
        assert_eq!(time_value("00:00:10:00", pal), Ok(10_000));
        assert_eq!(time_value("00:00:00:12", pal), Ok(480));
        assert_eq!(time_value("01:00:00;00", df), Ok(3_599_996));
        assert_eq!(time_value("00:00:01.500", df), Ok(1500));
        assert_eq!(time_value("-2.5", df), Ok(-2500));
        assert!(time_value("00:01:00;00", df)
            .unwrap_err()
            .contains("drop-frame skips"));
        assert!(time_value("soon", df)
            .unwrap_err()
            .starts_with("expected a timecode"));
    }
}
