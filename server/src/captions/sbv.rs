//! YouTube SBV (`.sbv`), profile `YouTube SBV`: blocks of `H:MM:SS.mmm,H:MM:SS.mmm` then
//! text lines, separated by blank lines (YouTube Help, "Supported subtitle and closed
//! caption files").

use super::{blocks, hms_ms, Cue, Document, Format, Input, Output, ParseError, Written};

pub const FORMAT: Format = Format {
    profile: "YouTube SBV",
    extension: "sbv",
    content_type: "text/plain; charset=utf-8",
    binary: false,
    read: Some(read),
    write: Some(write),
    decode_options: &[],
    encode_options: &[],
};

fn parse_clock(s: &str) -> Option<i64> {
    let (hms, ms) = s.trim().split_once('.')?;
    let mut parts = hms.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ms.len() != 3 {
        return None;
    }
    hms_ms(h, m, sec, ms)
}

fn clock(ms: i64) -> String {
    let ms = ms.max(0);
    format!(
        "{}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    parse(input.text)
}

fn parse(text: &str) -> Result<Document, ParseError> {
    let mut doc = Document::default();
    for block in blocks(text) {
        let (n, timing) = block[0];
        let (start, end) = timing
            .split_once(',')
            .and_then(|(a, b)| Some((parse_clock(a)?, parse_clock(b)?)))
            .ok_or_else(|| ParseError::AtLine {
                line: n,
                message: format!(
                    "expected a timing line like 0:00:01.000,0:00:02.500, found {:?}",
                    timing.chars().take(60).collect::<String>()
                ),
            })?;
        if end < start {
            return Err(ParseError::AtLine {
                line: n,
                message: "the cue ends before it starts".into(),
            });
        }
        let lines = block[1..].iter().map(|(_, l)| l.to_string()).collect();
        doc.cues.push(Cue {
            id: None,
            start_ms: start,
            end_ms: end,
            lines,
            ..Cue::default()
        });
    }
    if doc.cues.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(doc)
}

fn write(doc: &Document, _: &Output<'_>) -> Written {
    write_doc(doc)
}

fn write_doc(doc: &Document) -> Written {
    let mut out = String::new();
    let mut styled = false;
    for cue in &doc.cues {
        out.push_str(&format!("{},{}\n", clock(cue.start_ms), clock(cue.end_ms)));
        let plain = |l: &str| {
            let p = super::strip_tags(l);
            styled |= p != l;
            p.into()
        };
        for line in super::written_lines(&cue.lines, plain) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    let mut warnings = Vec::new();
    if styled {
        warnings.push("YouTube SBV has no styling; italic, bold and underline were dropped".to_string());
    }
    let placed = doc.cues.iter().filter(|c| !c.placement.is_default()).count();
    if placed > 0 {
        warnings.push(format!(
            "YouTube SBV has no positions; {placed} caption(s) placed elsewhere in the source will show at the bottom"
        ));
    }
    Written {
        bytes: out.into_bytes(),
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_explains_bad_timing() {
        let doc =
            parse("0:00:01.000,0:00:02.500\nHello\nthere\n\n1:02:03.004,1:02:04.000\nBye\n").expect("parses");
        assert_eq!((doc.cues[1].start_ms, doc.cues[0].lines.len()), (3_723_004, 2));
        let again = parse(std::str::from_utf8(&write_doc(&doc).bytes).expect("utf-8")).expect("re-parses");
        assert_eq!(doc, again);
        let err = parse("0:00:01,0:00:02\nx").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 1: expected a timing line like 0:00:01.000,0:00:02.500"),
            "{err}"
        );
    }

    #[test]
    fn a_line_that_is_only_markup_does_not_split_the_cue() {
        // Found by the sbv fuzz target: "</<<<<À>" stripped to a blank line.
        let doc = crate::captions::read_text(
            &crate::captions::srt::FORMAT,
            "1\n00:00:01,000 --> 00:00:02,000\nHi\n</x>\nthere\n",
        )
        .expect("parses");
        let text = String::from_utf8(write_doc(&doc).bytes).expect("utf-8");
        assert_eq!(text, "0:00:01.000,0:00:02.000\nHi\nthere\n\n");
        assert_eq!(parse(&text).expect("re-parses").cues.len(), 1);
    }
}
