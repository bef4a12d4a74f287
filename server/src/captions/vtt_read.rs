//! The WebVTT reader, per W3C "WebVTT: The Web Video Text Tracks Format": §4.1 file
//! structure (the `WEBVTT` line, NOTE, STYLE and REGION blocks, which are skipped), §4.3
//! timestamps (`mm:ss.ttt` or `hh:mm:ss.ttt`), §4.2.2 cue text (entities decoded; `<i>`,
//! `<b>`, `<u>` kept; voice, class, ruby, language spans and timestamp tags dropped with
//! their text kept).

use super::{blocks, hms_ms, Align, Cue, Document, Input, ParseError, Placement};

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

/// The timing line: start, end, and the cue settings after the end time.
fn parse_timing(line: &str) -> Option<(i64, i64, &str)> {
    let (start, rest) = line.split_once("-->")?;
    let rest = rest.trim_start();
    let (end, settings) = rest.split_once([' ', '\t']).unwrap_or((rest, ""));
    Some((
        parse_timestamp(start.trim())?,
        parse_timestamp(end)?,
        settings.trim(),
    ))
}

/// The height of one line in WebVTT's default rendering (§7.2: line numbers count in
/// multiples of the cue's line height, 5vh font at the UA's usual 1.066 line spacing), in
/// percent of the video height.
pub(crate) const LINE_HEIGHT: f32 = 5.33;

/// A percentage like `12.5%`, within 0–100.
fn percent(value: &str) -> Option<f32> {
    let n: f32 = value.strip_suffix('%')?.parse().ok()?;
    (n.is_finite() && (0.0..=100.0).contains(&n)).then_some(n)
}

/// Cue settings (§4.4: `line`, `position`, `size`, `align`, `region`; `vertical` is
/// reported) to a [`Placement`]. Settings that do not parse are ignored, as the spec's
/// parser does; the caller is told which kinds of setting were ignored.
fn placement(settings: &str, lines: usize, ignored: &mut Vec<&'static str>) -> Placement {
    let mut p = Placement::default();
    let mut position = None;
    let mut position_align = None;
    for setting in settings.split_whitespace() {
        let Some((name, value)) = setting.split_once(':') else {
            continue;
        };
        match name {
            "line" => {
                let (line, line_align) = value.split_once(',').unwrap_or((value, "start"));
                let block = LINE_HEIGHT * lines.max(1) as f32;
                let top = match percent(line) {
                    Some(pc) => match line_align {
                        "center" => Some(pc - block / 2.0),
                        "end" => Some(pc - block),
                        _ => Some(pc),
                    },
                    // A line number: from the top if positive, from the bottom if negative.
                    None => line.parse::<i32>().ok().filter(|n| n.abs() < 100).map(|n| {
                        if n >= 0 {
                            n as f32 * LINE_HEIGHT
                        } else {
                            100.0 + n as f32 * LINE_HEIGHT - block + LINE_HEIGHT
                        }
                    }),
                };
                p.top = top.map(|t| t.clamp(0.0, 100.0));
            }
            "position" => {
                let (pos, align) = value.split_once(',').unwrap_or((value, "auto"));
                position = percent(pos);
                position_align = Some(align);
            }
            "size" => p.width = percent(value),
            "align" => {
                p.align = match value {
                    "start" => Some(Align::Start),
                    "center" | "middle" => Some(Align::Center),
                    "end" => Some(Align::End),
                    "left" => Some(Align::Left),
                    "right" => Some(Align::Right),
                    _ => None,
                }
            }
            "region" => p.region = Some(value.to_string()),
            "vertical" => ignored.push("vertical text"),
            _ => {}
        }
    }
    if let Some(pos) = position {
        let width = p.width.unwrap_or(100.0);
        // §7.2 "computed position alignment": from the setting, else from the text alignment.
        let anchor = match (position_align, p.align) {
            (Some("line-left"), _) => 0.0,
            (Some("line-right"), _) => 1.0,
            (Some("center"), _) => 0.5,
            (_, Some(Align::Left | Align::Start)) => 0.0,
            (_, Some(Align::Right | Align::End)) => 1.0,
            _ => 0.5,
        };
        p.left = Some((pos - width * anchor).clamp(0.0, 100.0));
        p.width = Some(width.min(100.0 - p.left.unwrap_or(0.0)));
    }
    p
}

const KEPT: [&str; 6] = ["i", "/i", "b", "/b", "u", "/u"];

/// WebVTT's default colour classes (§7.2.2 "::cue(.yellow)" and the rest), as CSS colours.
const COLOUR_CLASSES: [&str; 8] = [
    "white", "lime", "cyan", "red", "yellow", "magenta", "blue", "black",
];

/// Cue text to the model's line form: entities decoded, shared tags kept, others dropped.
fn cue_line(line: &str, dropped: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    // Open `<c>` spans: true when it became a `<font color>`.
    let mut classes: Vec<bool> = Vec::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let tag = &rest[1..end];
                let name = tag.split(['.', ' ']).next().unwrap_or("").to_ascii_lowercase();
                let colour = (name == "c")
                    .then(|| {
                        tag.split('.')
                            .skip(1)
                            .find(|class| COLOUR_CLASSES.contains(class))
                    })
                    .flatten();
                if let Some(colour) = colour {
                    out.push_str(&format!("<font color=\"{colour}\">"));
                    classes.push(true);
                } else if name == "c" {
                    classes.push(false);
                } else if name == "/c" {
                    if classes.pop() == Some(true) {
                        out.push_str("</font>");
                    }
                } else if KEPT.contains(&name.as_str()) {
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
    for coloured in classes.into_iter().rev() {
        if coloured {
            out.push_str("</font>");
        }
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
    let mut dropped_spans = false;
    let mut ignored = Vec::new();
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
        let lines: Vec<String> = block[timing_at + 1..]
            .iter()
            .map(|(_, l)| cue_line(l, &mut dropped_spans))
            .collect();
        let placement = placement(settings, lines.len(), &mut ignored);
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
    ignored.sort_unstable();
    ignored.dedup();
    for what in ignored {
        doc.warnings.push(format!(
            "WebVTT {what} is not carried over; those cues are placed horizontally"
        ));
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
        assert_eq!(c.lines, ["Hello & <i>welcome</i>", "there"]);
        assert_eq!(
            (c.placement.top, c.placement.align),
            (Some(0.0), Some(Align::Start))
        );
        assert!(doc.cues[1].placement.is_default());
        assert_eq!(
            doc.warnings,
            ["WebVTT voice, class, ruby and language spans were dropped; their text was kept"]
        );
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

#[cfg(test)]
mod settings_tests {
    use super::*;

    fn place(settings: &str, lines: usize) -> Placement {
        placement(settings, lines, &mut Vec::new())
    }

    #[test]
    fn settings_become_a_placement() {
        let p = place(
            "line:10% position:20%,line-left size:50% align:left region:fred",
            1,
        );
        assert_eq!(
            (p.top, p.left, p.width, p.align, p.region.as_deref()),
            (
                Some(10.0),
                Some(20.0),
                Some(50.0),
                Some(Align::Left),
                Some("fred")
            )
        );
        // position with the default (centre) anchor: the box is centred on it.
        let p = place("position:50% size:40%", 2);
        assert_eq!((p.left, p.width), (Some(30.0), Some(40.0)));
        // line numbers: 0 is the top line, -1 the bottom line (a two-line cue ends there).
        assert_eq!(place("line:0", 1).top, Some(0.0));
        let bottom = place("line:-1", 2).top.expect("top");
        assert!((bottom - (100.0 - 2.0 * LINE_HEIGHT)).abs() < 0.01, "{bottom}");
        assert_eq!(place("line:90%,end", 2).top, Some(90.0 - 2.0 * LINE_HEIGHT));
        assert!(place("line:abc position:200% align:diagonal", 1).is_default());
        let mut ignored = Vec::new();
        placement("vertical:rl", 1, &mut ignored);
        assert_eq!(ignored, ["vertical text"]);
    }

    #[test]
    fn colour_classes_become_font_colours() {
        let mut dropped = false;
        assert_eq!(
            cue_line(
                "<c.yellow.bg_blue>Warning</c> <c.loud>plain</c> <c.red>open",
                &mut dropped
            ),
            "<font color=\"yellow\">Warning</font> plain <font color=\"red\">open</font>"
        );
    }
}
