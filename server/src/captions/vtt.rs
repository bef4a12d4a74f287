//! WebVTT (`.vtt`), profile `WebVTT`, written per W3C "WebVTT: The Web Video Text Tracks
//! Format" (§4.1 file structure, §4.2.2 cue text: `&` and `<` escaped, `-->` never inside
//! cue text, no blank line inside a cue).

use super::{clock, Document, Format, Output, Written};

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
    let mut out = String::from("WEBVTT\n\n");
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
        out.push_str(&format!(
            "{} --> {}\n",
            clock(cue.start_ms, '.'),
            clock(cue.end_ms, '.')
        ));
        for line in super::written_lines(&cue.lines, |l| cue_text(l, &mut dropped_tags).into()) {
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
            "WebVTT has no equivalent for {dropped_tags} styling tag(s) such as <font>; their text was kept without the styling"
        ));
    }
    Written {
        bytes: out.into_bytes(),
        warnings,
    }
}

/// Escapes cue text, keeping the inline tags WebVTT shares with SubRip.
fn cue_text(line: &str, dropped_tags: &mut usize) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(tag) = KEPT_TAGS.iter().find(|t| starts_with_ignore_case(rest, t)) {
                out.push_str(&tag.to_ascii_lowercase());
                rest = &rest[tag.len()..];
                continue;
            }
            if let Some(end) = rest.find('>').filter(|_| is_tag_like(rest)) {
                *dropped_tags += 1;
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
            cue_text("<font color=\"red\">a < b --> c</font> <I>it</I>", &mut dropped),
            "a &lt; b --&gt; c <i>it</i>"
        );
        assert_eq!(dropped, 2);
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
