//! Caption formats: each reads into, or writes from, one intermediate cue model.
//!
//! A format is a profile name (the hosted service's exact spelling), an extension, its
//! options, and an optional reader and writer. Adding a format is adding a module and one
//! line to [`FORMATS`]. [`detect`] says what a file really is, for a wrong source_profile.

mod detect;
mod encoding;
mod model;
mod options;
#[cfg(test)]
mod properties;
mod sami;
mod sbv;
mod scc;
mod srt;
mod stl;
mod text;
pub mod timecode;
mod ttml;
mod vtt;
mod vtt_read;

pub use detect::{detect, Detected};
pub use encoding::{decode, Decoded};
pub use model::{Align, Cue, Document, Placement};
pub use options::{Allowed, OptionSpec, Options};
pub(crate) use srt::parse_clock;
pub use timecode::{FrameRate, Timecode};

/// Why a caption file could not be read. Says where and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("line {line}: {message}")]
    AtLine { line: usize, message: String },
    #[error("byte {offset}: {message}")]
    AtByte { offset: usize, message: String },
    #[error(
        "the file is not valid {encoding} text (first bad byte at offset {offset}); save it as UTF-8 and submit again"
    )]
    Encoding { offset: usize, encoding: &'static str },
    #[error("the file has no captions")]
    Empty,
}

/// What a writer produced, and what the target format could not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

/// What a reader is given: the file, decoded to text unless the format is binary, the
/// frame rate to read timecodes at, and the job's validated `decode_options`.
pub struct Input<'a> {
    /// The decoded text (empty for binary formats).
    pub text: &'a str,
    /// The file as submitted.
    pub bytes: &'a [u8],
    /// `source_frameRate`, else `default_frameRate` (29.97 drop-frame when neither is set).
    pub frame_rate: FrameRate,
    /// True when the job named the rate (`source_frameRate`): a file's own declaration
    /// gives way to it.
    pub frame_rate_given: bool,
    pub options: &'a Options,
}

/// What a writer is given besides the cues: the frame rate to write timecodes at and the
/// job's validated `encode_options`.
pub struct Output<'a> {
    pub frame_rate: FrameRate,
    pub options: &'a Options,
}

pub type Reader = fn(&Input<'_>) -> Result<Document, ParseError>;
pub type Writer = fn(&Document, &Output<'_>) -> Written;

/// One caption format.
pub struct Format {
    pub profile: &'static str,
    pub extension: &'static str,
    pub content_type: &'static str,
    /// Binary formats (EBU STL) are read from bytes; the rest from decoded text.
    pub binary: bool,
    pub read: Option<Reader>,
    pub write: Option<Writer>,
    pub decode_options: &'static [OptionSpec],
    pub encode_options: &'static [OptionSpec],
}

/// Every format ccjobs knows.
pub static FORMATS: &[Format] = &[
    srt::FORMAT,
    vtt::FORMAT,
    scc::FORMAT,
    ttml::TTML,
    ttml::DFXP,
    ttml::IMSC,
    sbv::FORMAT,
    sami::FORMAT,
    stl::FORMAT,
    text::FORMAT,
];

/// The format with this exact profile name.
pub fn format(profile: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.profile == profile)
}

/// Reads a text format's source with no options, at 29.97 drop-frame: for tests and tools.
pub fn read_text(format: &Format, text: &str) -> Result<Document, ParseError> {
    let options = Options::defaults(format.decode_options);
    let read = format.read.ok_or(ParseError::Empty)?;
    read(&Input {
        text,
        bytes: text.as_bytes(),
        frame_rate: FrameRate::NTSC_DF,
        frame_rate_given: false,
        options: &options,
    })
}

/// Reads a file as a job with no options would (decoded unless the format is binary, at
/// 29.97 drop-frame): for benchmarks, fuzzing and tools. `None` if the profile cannot be read.
pub fn read_bytes(format: &Format, bytes: &[u8]) -> Option<Result<Document, ParseError>> {
    let read = format.read?;
    let decoded;
    let text = if format.binary {
        ""
    } else {
        decoded = match decode(bytes) {
            Ok(d) => d,
            Err(e) => return Some(Err(e)),
        };
        &decoded.text
    };
    let options = Options::defaults(format.decode_options);
    Some(read(&Input {
        text,
        bytes,
        frame_rate: FrameRate::NTSC_DF,
        frame_rate_given: false,
        options: &options,
    }))
}

/// Writes with no options at 29.97 drop-frame: for tests and tools.
pub fn write_plain(format: &Format, doc: &Document) -> Option<Written> {
    let options = Options::defaults(format.encode_options);
    format.write.map(|write| {
        write(
            doc,
            &Output {
                frame_rate: FrameRate::NTSC_DF,
                options: &options,
            },
        )
    })
}

/// Profiles that can be read (for error messages).
pub fn readable_profiles() -> Vec<&'static str> {
    FORMATS
        .iter()
        .filter(|f| f.read.is_some())
        .map(|f| f.profile)
        .collect()
}

/// Profiles that can be written (for error messages).
pub fn writable_profiles() -> Vec<&'static str> {
    FORMATS
        .iter()
        .filter(|f| f.write.is_some())
        .map(|f| f.profile)
        .collect()
}

/// The runs of non-blank lines of a text file ("blocks"), each line with its 1-based
/// number and without trailing whitespace: the shape SubRip, SBV and WebVTT share.
pub(crate) fn blocks(text: &str) -> Vec<Vec<(usize, &str)>> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push((i + 1, line));
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// The most hours a caption time may have (about eleven years): beyond it is garbage, and
/// arithmetic on it could overflow.
const MAX_HOURS: i64 = 99_999;

/// Hours, minutes, seconds and milliseconds, each all digits, to milliseconds; `None` if
/// a field is empty, not a number, minutes or seconds are 60 or more, or hours are past
/// [`MAX_HOURS`].
pub(crate) fn hms_ms(h: &str, m: &str, s: &str, ms: &str) -> Option<i64> {
    let num =
        |p: &str| (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<i64>().ok())?;
    let (h, m, s, ms) = (num(h)?, num(m)?, num(s)?, num(ms)?);
    (h <= MAX_HOURS && m < 60 && s < 60 && ms < 1000).then(|| ((h * 60 + m) * 60 + s) * 1000 + ms)
}

/// A cue's text lines as a writer puts them out: each through `render`, and none left
/// blank — a blank line ends a cue, so our own output would not read back.
pub(crate) fn written_lines<'a>(
    lines: &'a [String],
    mut render: impl FnMut(&'a str) -> std::borrow::Cow<'a, str> + 'a,
) -> impl Iterator<Item = std::borrow::Cow<'a, str>> + 'a {
    lines
        .iter()
        .map(move |line| render(line))
        .filter(|line| !line.trim().is_empty())
}

/// A line without inline markup: `<i>`, `<font color=…>` and the like go, text stays.
pub(crate) fn strip_tags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let tag_like = tail[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match tail.find('>').filter(|_| tag_like) {
            Some(end) => rest = &tail[end + 1..],
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `color` attribute of a `<font …>` tag's inside (`font color="red"`, quoted or not).
pub(crate) fn font_colour(tag: &str) -> Option<&str> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find("color")? + "color".len();
    let rest = tag[at..].trim_start().strip_prefix('=')?.trim_start();
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split(|c: char| c.is_whitespace() || c == '>').next()?,
    };
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// Formats milliseconds as `HH:MM:SS` plus `sep` and milliseconds (`,` for SRT, `.` for VTT).
pub(crate) fn clock(ms: i64, sep: char) -> String {
    let mut out = String::with_capacity(12);
    push_clock(&mut out, ms, sep);
    out
}

/// [`clock`], appended to `out` without a temporary string (writers call it per cue).
pub(crate) fn push_clock(out: &mut String, ms: i64, sep: char) {
    let ms = ms.max(0);
    let hours = ms / 3_600_000;
    if hours > 99 {
        out.push_str(&hours.to_string());
    } else {
        push_digits(out, hours, 2);
    }
    out.push(':');
    push_digits(out, ms / 60_000 % 60, 2);
    out.push(':');
    push_digits(out, ms / 1000 % 60, 2);
    out.push(sep);
    push_digits(out, ms % 1000, 3);
}

/// `n` (0 ≤ n < 10^width) with leading zeros.
fn push_digits(out: &mut String, n: i64, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10_i64.pow(place) % 10) as u8;
        out.push(char::from(b'0' + digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_zero_padded_and_hours_may_grow() {
        assert_eq!(clock(0, ','), "00:00:00,000");
        assert_eq!(clock(3_723_004, '.'), "01:02:03.004");
        assert_eq!(clock(360_000_000 + 59_999, ','), "100:00:59,999");
        assert_eq!(clock(-5, '.'), "00:00:00.000");
    }

    #[test]
    fn font_colours_are_found_quoted_or_not() {
        assert_eq!(font_colour("font color=\"#ff0000\""), Some("#ff0000"));
        assert_eq!(font_colour("FONT size=2 COLOR='yellow'"), Some("yellow"));
        assert_eq!(font_colour("font color=red"), Some("red"));
        assert_eq!(font_colour("font face=x"), None);
    }

    #[test]
    fn srt_to_webvtt_keeps_timing_and_text() {
        let srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello <i>world</i>\r\n\r\n\
                   2\r\n00:01:02,030 --> 01:00:00,000\r\nTom & Jerry\r\nsecond line\r\n";
        let (read, write) = (format("SubRip Video Subtitle Script"), format("WebVTT"));
        let doc = read_text(read.expect("srt"), srt).expect("parses");
        let out = write_plain(write.expect("vtt"), &doc).expect("vtt writes");
        assert_eq!(
            String::from_utf8(out.bytes).expect("utf-8"),
            "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello <i>world</i>\n\n\
             2\n00:01:02.030 --> 01:00:00.000\nTom &amp; Jerry\nsecond line\n"
        );
        assert!(out.warnings.is_empty());
    }
}
