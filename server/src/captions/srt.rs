//! SubRip (`.srt`), profile `SubRip Video Subtitle Script`.
//!
//! SubRip has no formal specification; this follows the de facto format: numbered blocks
//! separated by blank lines, a timing line `HH:MM:SS,mmm --> HH:MM:SS,mmm` (a `.` before
//! the milliseconds is accepted too, as many tools write it), then text lines. Position is
//! the `{\anN}` override many players honour (numpad layout: 7–9 top, 4–6 middle, 1–3
//! bottom; left, centre, right).

use super::{
    blocks, clock, hms_ms, Align, Cue, Document, Format, Input, Output, ParseError, Placement, Written,
};

pub const FORMAT: Format = Format {
    profile: "SubRip Video Subtitle Script",
    extension: "srt",
    content_type: "application/x-subrip; charset=utf-8",
    binary: false,
    read: Some(read),
    write: Some(write),
    decode_options: &[],
    encode_options: &[],
};

/// Parses `HH:MM:SS,mmm` (hours may exceed two digits) into milliseconds.
pub(crate) fn parse_clock(s: &str) -> Option<i64> {
    let (hms, frac) = s.trim().split_once([',', '.'])?;
    let mut parts = hms.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || frac.len() != 3 {
        return None;
    }
    hms_ms(h, m, sec, frac)
}

fn parse_timing(line: &str) -> Option<(i64, i64)> {
    let (start, rest) = line.split_once("-->")?;
    // Some files carry position coordinates (X1:… Y1:…) after the end time.
    let end = rest.split_whitespace().next()?;
    Some((parse_clock(start)?, parse_clock(end)?))
}

fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    parse(input.text)
}

fn parse(text: &str) -> Result<Document, ParseError> {
    let mut doc = Document::default();
    for block in blocks(text) {
        let (n, first) = block[0];
        // The cue number is optional in practice.
        let (id, timing_at) = if first.contains("-->") {
            (None, 0)
        } else {
            (Some(first.trim().to_string()), 1)
        };
        let Some(&(timing_no, timing)) = block.get(timing_at) else {
            return Err(ParseError::AtLine {
                line: n,
                message: format!("expected a timing line after cue number {first:?}, but the block ends"),
            });
        };
        let (start_ms, end_ms) = parse_timing(timing).ok_or_else(|| ParseError::AtLine {
            line: timing_no,
            message: format!(
                "expected a timing line like 00:00:01,000 --> 00:00:02,500, found {:?}",
                truncate(timing)
            ),
        })?;
        if end_ms < start_ms {
            return Err(ParseError::AtLine {
                line: timing_no,
                message: format!(
                    "the cue ends ({}) before it starts ({})",
                    clock(end_ms, ','),
                    clock(start_ms, ',')
                ),
            });
        }
        let mut lines: Vec<String> = block[timing_at + 1..]
            .iter()
            .map(|(_, l)| l.to_string())
            .collect();
        let placement = lines.first_mut().map(take_an).unwrap_or_default();
        doc.cues.push(Cue {
            id,
            start_ms,
            end_ms,
            lines,
            placement,
        });
    }
    if doc.cues.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(doc)
}

/// Removes a leading `{\anN}` from the line and returns the placement it asks for.
fn take_an(line: &mut String) -> Placement {
    let n = match line.as_bytes() {
        [b'{', b'\\', b'a', b'n', n @ b'1'..=b'9', b'}', ..] => n - b'0',
        _ => return Placement::default(),
    };
    line.replace_range(..6, "");
    Placement {
        top: match n {
            7..=9 => Some(TOP),
            4..=6 => Some(MIDDLE),
            _ => None,
        },
        align: match n % 3 {
            1 => Some(Align::Left),
            0 => Some(Align::Right),
            _ => None,
        },
        ..Placement::default()
    }
}

/// Where `{\an8}` and `{\an5}` put a cue's top, in percent of the frame.
const TOP: f32 = 10.0;
const MIDDLE: f32 = 45.0;

/// The `{\anN}` override for a placement; empty for bottom centre.
fn an(p: &Placement) -> String {
    let row = match p.top {
        Some(top) if top < 33.0 => 7,
        Some(top) if top < 60.0 => 4,
        _ => 1,
    };
    let column = match p.align {
        Some(Align::Left | Align::Start) => 0,
        Some(Align::Right | Align::End) => 2,
        _ => 1,
    };
    match row + column {
        2 => String::new(),
        n => format!("{{\\an{n}}}"),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

fn write(doc: &Document, _: &Output<'_>) -> Written {
    let mut out = String::new();
    for (i, cue) in doc.cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n",
            i + 1,
            clock(cue.start_ms, ','),
            clock(cue.end_ms, ',')
        ));
        out.push_str(&an(&cue.placement));
        for line in super::written_lines(&cue.lines, std::borrow::Cow::Borrowed) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    Written {
        bytes: out.into_bytes(),
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_without_numbers_and_with_coordinates() {
        let doc = parse(
            "00:00:00,500 --> 00:00:01,000 X1:10 X2:20\nA\n\n\n3\n100:00:00.000 --> 100:00:01.000\nB\n",
        )
        .expect("parses");
        assert_eq!(doc.cues.len(), 2);
        assert_eq!(
            (doc.cues[0].start_ms, doc.cues[0].end_ms, doc.cues[0].id.clone()),
            (500, 1000, None)
        );
        assert_eq!(doc.cues[1].start_ms, 360_000_000);
        assert_eq!(doc.cues[1].id.as_deref(), Some("3"));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("1\n00:00:01,000 -> 00:00:02,000\nHi\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2: expected a timing line like 00:00:01,000 --> 00:00:02,500, found \"00:00:01,000 -> 00:00:02,000\""
        );
        assert_eq!(parse("\n\n").unwrap_err(), ParseError::Empty);
        assert!(parse("1\n00:00:05,000 --> 00:00:02,000\nx")
            .unwrap_err()
            .to_string()
            .contains("before it starts"));
    }

    #[test]
    fn an_overrides_place_the_cue() {
        let doc = parse(
            "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}Top\n\n2\n00:00:03,000 --> 00:00:04,000\n{\\an1}Left\n",
        )
        .expect("parses");
        assert_eq!(doc.cues[0].lines, ["Top"]);
        assert_eq!(
            (doc.cues[0].placement.top, doc.cues[0].placement.align),
            (Some(TOP), None)
        );
        assert_eq!(doc.cues[1].placement.align, Some(Align::Left));
        let written = super::super::write_plain(&FORMAT, &doc).expect("writes");
        let text = String::from_utf8(written.bytes).expect("utf-8");
        assert!(
            text.contains("{\\an8}Top\n") && text.contains("{\\an1}Left\n"),
            "{text}"
        );
        assert_eq!(parse(&text).expect("re-reads").cues, doc.cues);
    }

    #[test]
    fn write_then_read_gives_the_same_cues() {
        let doc = parse("1\n00:00:01,000 --> 00:00:02,000\n<b>Hi</b>\nthere\n").expect("parses");
        let written = super::super::write_plain(&FORMAT, &doc).expect("writes");
        let again = parse(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("re-parses");
        assert_eq!(doc, again);
    }
}
