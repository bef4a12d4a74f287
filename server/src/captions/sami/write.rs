//! The SAMI writer: one language class, a SYNC per cue start and a clearing SYNC at each
//! cue's end unless the next cue starts then.

use crate::captions::{Document, Output, Written};

/// The class name SAMI files conventionally use for a language: its letters, upper
/// case, then `CC` (`en-US` → `ENUSCC`).
fn class_name(lang: &str) -> String {
    let mut name: String = lang
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if name.is_empty() {
        name.push_str("ENUS");
    }
    name.push_str("CC");
    name
}

/// Text escaped for SAMI, keeping `<i>`, `<b>`, `<u>`, `<font color>` and their end tags.
fn escape(line: &str, dropped: &mut usize) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let tag_like = rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/');
            if let Some(end) = rest.find('>').filter(|_| tag_like) {
                let tag = rest[1..end].trim();
                let lower = tag.to_ascii_lowercase();
                match lower.as_str() {
                    "i" | "/i" | "b" | "/b" | "u" | "/u" | "/font" => {
                        out.push('<');
                        out.push_str(&lower);
                        out.push('>');
                    }
                    _ if lower.starts_with("font") => match super::super::font_colour(tag) {
                        Some(colour) => {
                            out.push_str("<font color=\"");
                            out.push_str(&colour.replace(['"', '<', '>', '&'], ""));
                            out.push_str("\">");
                        }
                        // Keeps `</font>` balanced.
                        None => out.push_str("<font>"),
                    },
                    _ => *dropped += 1,
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

pub(super) fn write(doc: &Document, _: &Output<'_>) -> Written {
    let lang = doc
        .language
        .as_deref()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .unwrap_or("en-US");
    let class = class_name(lang);
    let mut out = String::with_capacity(256 + doc.cues.len() * 96);
    out.push_str("<SAMI>\n<HEAD>\n<STYLE TYPE=\"text/css\">\n<!--\n");
    out.push_str("P { margin-left: 8pt; margin-right: 8pt; margin-bottom: 2pt; margin-top: 2pt;\n");
    out.push_str("    text-align: center; font-size: 20pt; font-family: Arial, sans-serif;\n");
    out.push_str("    font-weight: normal; color: white; }\n");
    out.push_str(&format!(
        ".{class} {{ Name: {lang}; lang: {lang}; SAMIType: CC; }}\n"
    ));
    out.push_str("-->\n</STYLE>\n</HEAD>\n<BODY>\n");
    let (mut dropped, mut placed, mut overlaps) = (0usize, 0usize, 0usize);
    let clear = format!("<P Class={class}>&nbsp;</P>");
    let mut cues = doc.cues.iter().peekable();
    while let Some(cue) = cues.next() {
        let lines: Vec<String> = super::super::written_lines(&cue.lines, |l| escape(l, &mut dropped).into())
            .map(|l| l.into_owned())
            .collect();
        if lines.is_empty() {
            continue;
        }
        placed += usize::from(!cue.placement.is_default());
        let start = cue.start_ms.max(0);
        out.push_str(&format!("<SYNC Start={start}><P Class={class}>"));
        out.push_str(&lines.join("<br>"));
        out.push_str("</P></SYNC>\n");
        let end = cue.end_ms.max(start);
        match cues.peek().map(|next| next.start_ms.max(0)) {
            Some(next) if next == end => {}
            Some(next) if next < end => overlaps += 1,
            _ => out.push_str(&format!("<SYNC Start={end}>{clear}</SYNC>\n")),
        }
    }
    out.push_str("</BODY>\n</SAMI>\n");
    let mut warnings = Vec::new();
    if dropped > 0 {
        warnings.push(format!(
            "SAMI keeps <i>, <b>, <u> and <font color>; {dropped} other tag(s) were dropped, their text kept"
        ));
    }
    if placed > 0 {
        warnings.push(format!(
            "SAMI has no per-caption position: {placed} positioned caption(s) were written in the default place"
        ));
    }
    if overlaps > 0 {
        warnings.push(format!(
            "SAMI shows one caption at a time: {overlaps} caption(s) that overlapped the next now end when the next starts"
        ));
    }
    Written {
        bytes: out.into_bytes(),
        warnings,
    }
}
