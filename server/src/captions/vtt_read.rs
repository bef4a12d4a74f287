//! The WebVTT reader, per W3C "WebVTT: The Web Video Text Tracks Format": §4.1 file
//! structure (the `WEBVTT` line, NOTE, STYLE and REGION blocks, which are skipped), §4.3
//! timestamps (`mm:ss.ttt` or `hh:mm:ss.ttt`), §4.2.2 cue text (entities decoded; `<i>`,
//! `<b>`, `<u>` kept; voice, class, ruby, language spans and timestamp tags dropped with
//! their text kept).

use super::{blocks, hms_ms, Cue, Document, Input, ParseError};

/// `hh:mm:ss.ttt` or `mm:ss.ttt`.
fn parse_timestamp(s: &str) -> Option<i64> {
    let (clock, ms) = s.split_once('.')?;
    if ms.len() != 3 {
        return None;
    }
    match clock.split(':').collect::<Vec<_>>().as_slice() {
        [m, s] if m.len() == 2 && s.len() == 2 => hms_ms("0", m, s, ms),
        [h, m, s] if h.len() >= 2 && m.len() == 2 && s.len() == 2 => hms_ms(h, m, s, ms),
        _ => None,
    }
}

fn parse_timing(line: &str) -> Option<(i64, i64, bool)> {
    let (start, rest) = line.split_once("-->")?;
    let mut rest = rest.split_whitespace();
    let end = rest.next()?;
    Some((
        parse_timestamp(start.trim())?,
        parse_timestamp(end)?,
        rest.next().is_some(),
    ))
}

const KEPT: [&str; 6] = ["i", "/i", "b", "/b", "u", "/u"];

/// Cue text to the model's line form: entities decoded, shared tags kept, others dropped.
fn cue_line(line: &str, dropped: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let tag = &rest[1..end];
                let name = tag.split(['.', ' ']).next().unwrap_or("").to_ascii_lowercase();
                if KEPT.contains(&name.as_str()) {
                    out.push('<');
                    out.push_str(&name);
                    out.push('>');
                } else {
                    *dropped = true;
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        if c == '&' {
            let entities = [
                ("&amp;", '&'),
                ("&lt;", '<'),
                ("&gt;", '>'),
                ("&nbsp;", '\u{a0}'),
                ("&lrm;", '\u{200e}'),
                ("&rlm;", '\u{200f}'),
            ];
            if let Some((entity, ch)) = entities.iter().find(|(e, _)| rest.starts_with(e)) {
                out.push(*ch);
                rest = &rest[entity.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn starts_block(line: &str, word: &str) -> bool {
    line.strip_prefix(word)
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

pub fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    parse(input.text)
}

pub fn parse(text: &str) -> Result<Document, ParseError> {
    if !text
        .lines()
        .next()
        .is_some_and(|first| starts_block(first.trim_end(), "WEBVTT"))
    {
        return Err(ParseError::AtLine {
            line: 1,
            message: "expected \"WEBVTT\" at the start of the file; this is not a WebVTT file".into(),
        });
    }
    let mut doc = Document::default();
    let (mut dropped_spans, mut had_settings) = (false, false);
    // The first block is the header (the WEBVTT line and what follows it up to a blank line).
    for block in blocks(text).into_iter().skip(1) {
        let (n, first) = block[0];
        if ["NOTE", "STYLE", "REGION"].iter().any(|w| starts_block(first, w)) {
            continue;
        }
        // A line that starts with a timestamp is a (possibly broken) timing line, not an id.
        let timing_like = first
            .split_whitespace()
            .next()
            .and_then(parse_timestamp)
            .is_some();
        let (id, timing_at) = if first.contains("-->") || timing_like {
            (None, 0)
        } else {
            (Some(first.to_string()), 1)
        };
        let Some(&(timing_no, timing)) = block.get(timing_at) else {
            return Err(ParseError::AtLine {
                line: n,
                message: format!(
                    "expected a timing line after the cue identifier {first:?}, but the block ends"
                ),
            });
        };
        let (start_ms, end_ms, settings) = parse_timing(timing).ok_or_else(|| ParseError::AtLine {
            line: timing_no,
            message: format!(
                "expected a timing line like 00:00:01.000 --> 00:00:02.500, found {:?}",
                timing.chars().take(60).collect::<String>()
            ),
        })?;
        if end_ms < start_ms {
            return Err(ParseError::AtLine {
                line: timing_no,
                message: "the cue ends before it starts".into(),
            });
        }
        had_settings |= settings;
        let lines = block[timing_at + 1..]
            .iter()
            .map(|(_, l)| cue_line(l, &mut dropped_spans))
            .collect();
        doc.cues.push(Cue {
            id,
            start_ms,
            end_ms,
            lines,
            ..Cue::default()
        });
    }
    if doc.cues.is_empty() {
        return Err(ParseError::Empty);
    }
    if had_settings {
        doc.warnings
            .push("WebVTT cue settings (line, position, align, size) are not carried over yet".into());
    }
    if dropped_spans {
        doc.warnings
            .push("WebVTT voice, class, ruby and language spans were dropped; their text was kept".into());
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "WEBVTT - a title\nKind: captions\n\nSTYLE\n::cue { color: red }\n\nNOTE a comment\nthat spans lines\n\nintro\n00:01.000 --> 00:02.500 line:0 align:start\n<v Roger>Hello &amp; <i>welcome</i></v>\n<c.loud>there</c>\n\n01:00:00.000 --> 01:00:01.000\n&lt;3\n";

    #[test]
    fn reads_cues_skipping_blocks_and_spans() {
        let doc = parse(SAMPLE).expect("parses");
        assert_eq!(doc.cues.len(), 2);
        let c = &doc.cues[0];
        assert_eq!(
            (c.id.as_deref(), c.start_ms, c.end_ms),
            (Some("intro"), 1000, 2500)
        );
        assert_eq!(c.lines, ["Hello & <i>welcome</i>", "there"]);
        assert_eq!(doc.cues[1].start_ms, 3_600_000);
        assert_eq!(doc.cues[1].lines, ["<3"]);
        assert_eq!(doc.warnings.len(), 2);
    }

    #[test]
    fn refuses_what_is_not_webvtt_and_names_the_line() {
        assert!(parse("1\n00:00:01,000 --> 00:00:02,000\nx")
            .unwrap_err()
            .to_string()
            .contains("expected \"WEBVTT\""));
        let err = parse("WEBVTT\n\n00:01.000 -> 00:02.000\nx\n").unwrap_err();
        assert!(
            err.to_string().starts_with("line 3: expected a timing line"),
            "{err}"
        );
        assert_eq!(
            parse("WEBVTT\n\nNOTE only a note\n").unwrap_err(),
            ParseError::Empty
        );
    }
}
