//! WebVTT (`.vtt`), profile `WebVTT`, written per W3C "WebVTT: The Web Video Text Tracks
//! Format" (§4.1 file structure, §4.2.2 cue text: `&` and `<` escaped, `-->` never inside
//! cue text, no blank line inside a cue).

use super::{push_clock, Align, Document, Format, Output, Placement, Written};

pub const FORMAT: Format = Format {
    profile: "WebVTT",
    extension: "vtt",
    content_type: "text/vtt; charset=utf-8",
    binary: false,
    read: Some(super::vtt_read::read),
    write: Some(write),
    decode_options: &[],
    encode_options: &[],
};

/// Inline tags that mean the same in SubRip and WebVTT.
const KEPT_TAGS: [&str; 6] = ["<i>", "</i>", "<b>", "</b>", "<u>", "</u>"];

fn write(doc: &Document, _: &Output<'_>) -> Written {
    write_doc(doc)
}

fn write_doc(doc: &Document) -> Written {
    let text_len: usize = doc.cues.iter().flat_map(|c| &c.lines).map(|l| l.len() + 1).sum();
    let mut out = String::with_capacity(8 + text_len + doc.cues.len() * 32);
    out.push_str("WEBVTT\n\n");
    let mut dropped_tags = 0usize;
    for cue in &doc.cues {
        if let Some(id) = cue
            .id
            .as_deref()
            .filter(|id| !id.contains("-->") && !id.trim().is_empty())
        {
            out.push_str(id.trim());
            out.push('\n');
        }
        push_clock(&mut out, cue.start_ms, '.');
        out.push_str(" --> ");
        push_clock(&mut out, cue.end_ms, '.');
        if !cue.placement.is_default() {
            out.push_str(&settings(&cue.placement));
        }
        out.push('\n');
        for line in super::written_lines(&cue.lines, |l| {
            // Most lines need no escaping and carry no markup: written as they are.
            if l.contains(['<', '>', '&']) {
                cue_text(l, &mut dropped_tags).into()
            } else {
                l.into()
            }
        }) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push('\n');
    }
    // Exactly one newline at the end of the file.
    out.pop();
    let mut warnings = Vec::new();
    if dropped_tags > 0 {
        warnings.push(format!(
            "WebVTT has no equivalent for {dropped_tags} styling tag(s) (a font face or size, or a colour without a WebVTT colour class); their text was kept without the styling"
        ));
    }
    Written {
        bytes: out.into_bytes(),
        warnings,
    }
}

/// A percentage as WebVTT writes it: at most two decimals, no trailing zeros.
fn pc(value: f32) -> String {
    let text = format!("{:.2}", value.clamp(0.0, 100.0));
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Cue settings (§4.4) for a placement; empty for the default (bottom centre).
fn settings(p: &Placement) -> String {
    let mut out = String::new();
    if let Some(top) = p.top {
        out.push_str(&format!(" line:{}%", pc(top)));
    }
    if let Some(left) = p.left {
        out.push_str(&format!(" position:{}%,line-left", pc(left)));
    }
    if let Some(width) = p.width {
        out.push_str(&format!(" size:{}%", pc(width)));
    }
    if let Some(align) = p.align {
        let name = match align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
            Align::Start => "start",
            Align::End => "end",
        };
        out.push_str(&format!(" align:{name}"));
    }
    out
}

/// The WebVTT default colour class (§7.2.2) for a CSS colour, if there is one.
fn colour_class(colour: &str) -> Option<&'static str> {
    let c = colour.trim().to_ascii_lowercase();
    Some(match c.as_str() {
        "white" | "#ffffff" | "#fff" => "white",
        "lime" | "green" | "#00ff00" | "#0f0" => "lime",
        "cyan" | "aqua" | "#00ffff" | "#0ff" => "cyan",
        "red" | "#ff0000" | "#f00" => "red",
        "yellow" | "#ffff00" | "#ff0" => "yellow",
        "magenta" | "fuchsia" | "#ff00ff" | "#f0f" => "magenta",
        "blue" | "#0000ff" | "#00f" => "blue",
        "black" | "#000000" | "#000" => "black",
        _ => return None,
    })
}

/// Escapes cue text, keeping the inline tags WebVTT shares with SubRip; `<font color>`
/// becomes a colour class span where WebVTT has a class for the colour.
fn cue_text(line: &str, dropped_tags: &mut usize) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    // Open `<font>` tags: true when written as `<c.colour>`.
    let mut fonts: Vec<bool> = Vec::new();
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(tag) = KEPT_TAGS.iter().find(|t| starts_with_ignore_case(rest, t)) {
                out.push_str(&tag.to_ascii_lowercase());
                rest = &rest[tag.len()..];
                continue;
            }
            if let Some(end) = rest.find('>').filter(|_| is_tag_like(rest)) {
                let tag = &rest[1..end];
                if starts_with_ignore_case(tag, "font") {
                    let class = super::font_colour(tag).and_then(colour_class);
                    if let Some(class) = class {
                        out.push_str(&format!("<c.{class}>"));
                    } else {
                        *dropped_tags += 1;
                    }
                    fonts.push(class.is_some());
                } else if starts_with_ignore_case(tag, "/font") {
                    if fonts.pop() == Some(true) {
                        out.push_str("</c>");
                    }
                } else {
                    *dropped_tags += 1;
                }
                rest = &rest[end + 1..];
                continue;
            }
            out.push_str("&lt;");
        } else if c == '&' {
            out.push_str("&amp;");
        } else if c == '>' {
            out.push_str("&gt;");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    for coloured in fonts.into_iter().rev() {
        if coloured {
            out.push_str("</c>");
        }
    }
    out
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// `<font color="red">` or `</font>`: a letter or `/` right after `<`.
fn is_tag_like(s: &str) -> bool {
    s[1..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_drops_unknown_tags_with_a_warning() {
        let mut dropped = 0;
        assert_eq!(
            cue_text(
                "<font face=\"Arial\">a < b --> c</font> <I>it</I> <font color=#FF0000>red",
                &mut dropped
            ),
            "a &lt; b --&gt; c <i>it</i> <c.red>red</c>"
        );
        assert_eq!(dropped, 1);
    }

    #[test]
    fn a_line_that_is_only_markup_does_not_split_the_cue() {
        // Found by the webvtt fuzz target: a line that is one unknown tag wrote as blank.
        let doc = Document {
            cues: vec![crate::captions::Cue {
                id: Some("intro".into()),
                start_ms: 1000,
                end_ms: 2000,
                lines: vec!["<v Bob >".into(), "Hi".into()],
                ..Default::default()
            }],
            ..Document::default()
        };
        let text = String::from_utf8(write_doc(&doc).bytes).expect("utf-8");
        assert_eq!(text, "WEBVTT\n\nintro\n00:00:01.000 --> 00:00:02.000\nHi\n");
        assert_eq!(
            crate::captions::vtt_read::parse(&text)
                .expect("re-parses")
                .cues
                .len(),
            1
        );
    }
}

#[cfg(test)]
mod placement_tests {
    use super::*;
    use crate::captions::{read_text, write_plain, Cue};

    #[test]
    fn placements_are_written_as_settings_and_read_back() {
        let placed = Placement {
            top: Some(10.0),
            left: Some(12.5),
            width: Some(75.0),
            align: Some(Align::Left),
            region: None,
        };
        assert_eq!(
            settings(&placed),
            " line:10% position:12.5%,line-left size:75% align:left"
        );
        assert_eq!(settings(&Placement::default()), "");
        let doc = Document {
            cues: vec![Cue {
                start_ms: 0,
                end_ms: 1000,
                lines: vec!["top left".into()],
                placement: placed,
                ..Cue::default()
            }],
            ..Document::default()
        };
        let written = write_plain(&FORMAT, &doc).expect("writes");
        let again = read_text(&FORMAT, std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
        assert_eq!(again.cues, doc.cues);
    }
}
