//! A forgiving scanner for SAMI's HTML tag soup: tags and text with their line numbers,
//! attributes quoted or not, entities.

use crate::captions::ParseError;

fn at(line: usize, message: impl Into<String>) -> ParseError {
    ParseError::AtLine {
        line,
        message: message.into(),
    }
}

/// A piece of the file: a tag, or the text between tags.
#[derive(Debug)]
pub(super) enum Token<'a> {
    /// A start tag: its lowercase name and its attributes' text.
    Open(String, &'a str),
    /// An end tag's lowercase name.
    Close(String),
    Text(&'a str),
}

/// Splits the file into tags and text, each with the line it starts on. Comments are
/// dropped except inside STYLE, whose text is returned whole (the CSS hides in a comment).
pub(super) fn tokens(text: &str) -> Result<Vec<(usize, Token<'_>)>, ParseError> {
    fn flush<'a>(out: &mut Vec<(usize, Token<'a>)>, from: &'a str, upto: usize, at: usize) {
        if let Some(text) = from.get(..upto).filter(|t| !t.is_empty()) {
            out.push((at, Token::Text(text)));
        }
    }
    let mut out = Vec::new();
    let mut line = 1;
    let mut rest = text;
    let mut text_start = rest;
    let mut text_line = line;
    while let Some(i) = rest.find('<') {
        line += rest[..i].matches('\n').count();
        let tail = &rest[i..];
        let consumed_text = text_start.len() - tail.len();
        if let Some(body) = tail.strip_prefix("<!--") {
            flush(&mut out, text_start, consumed_text, text_line);
            let end = body.find("-->").map_or(body.len(), |e| e + 3);
            line += body[..end].matches('\n').count();
            rest = &body[end..];
            text_start = rest;
            text_line = line;
            continue;
        }
        let next = tail[1..].chars().next();
        if !next.is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?') {
            // A lone `<` in text.
            rest = &tail[1..];
            continue;
        }
        flush(&mut out, text_start, consumed_text, text_line);
        let Some(end) = tail.find('>') else {
            let shown: String = tail.chars().take(30).collect();
            return Err(at(line, format!("the tag {shown:?} is not closed with \">\"")));
        };
        let inside = &tail[1..end];
        let tag_line = line;
        line += inside.matches('\n').count();
        rest = &tail[end + 1..];
        if let Some(name) = inside.strip_prefix('/') {
            out.push((tag_line, Token::Close(name.trim().to_ascii_lowercase())));
        } else if !inside.starts_with(['!', '?']) {
            let name_end = inside
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(inside.len());
            let name = inside[..name_end].to_ascii_lowercase();
            if name == "style" {
                // The style sheet, raw up to </STYLE>.
                let lower_end = find_ignore_case(rest, "</style").unwrap_or(rest.len());
                out.push((tag_line, Token::Open(name, "")));
                out.push((line, Token::Text(&rest[..lower_end])));
                line += rest[..lower_end].matches('\n').count();
                rest = &rest[lower_end..];
            } else {
                out.push((tag_line, Token::Open(name, &inside[name_end..])));
            }
        }
        text_start = rest;
        text_line = line;
    }
    flush(&mut out, text_start, text_start.len(), text_line);
    Ok(out)
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// An attribute's value from a tag's attribute text (`Start=1000`, `class="ENUSCC"`),
/// names matched ignoring case, values quoted or not.
pub(super) fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let key_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    value = &body[..end];
                    rest = body.get(end + 1..).unwrap_or("");
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    value = &after[..end];
                    rest = &after[end..];
                }
            }
        }
        if key.eq_ignore_ascii_case(name) {
            return Some(value);
        }
    }
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` (the first four and `&nbsp` also
/// without the `;`, as old HTML allows), `&#NNN;` and `&#xHH;`. Others stay as written.
pub(super) fn entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let named = [
            ("nbsp", '\u{a0}'),
            ("amp", '&'),
            ("lt", '<'),
            ("gt", '>'),
            ("quot", '"'),
            ("apos", '\''),
        ];
        let mut done = false;
        if let Some(num) = tail.strip_prefix('#') {
            let end = num.find(';').filter(|e| *e <= 8);
            let value = end.and_then(|e| {
                let digits = &num[..e];
                match digits.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => digits.parse().ok(),
                }
            });
            if let (Some(c), Some(e)) = (value.and_then(char::from_u32), end) {
                out.push(c);
                rest = &num[e + 1..];
                done = true;
            }
        } else if let Some((name, c)) = named.iter().find(|(name, _)| {
            tail.get(..name.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(name))
        }) {
            out.push(*c);
            let after = &tail[name.len()..];
            rest = after.strip_prefix(';').unwrap_or(after);
            done = true;
        }
        if !done {
            out.push('&');
            rest = tail;
        }
    }
    out.push_str(rest);
    out.into()
}
