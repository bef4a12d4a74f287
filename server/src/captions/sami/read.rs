//! The SAMI reader: a forgiving tag-soup scanner (SAMI files are HTML, rarely well-formed
//! XML), the STYLE block's class rules, and SYNC/P content turned into cues.

use super::soup::{attribute, entities, tokens, Token};
use crate::captions::{Cue, Document, Input, ParseError};

fn at(line: usize, message: impl Into<String>) -> ParseError {
    ParseError::AtLine {
        line,
        message: message.into(),
    }
}

/// A class the STYLE block declares, with its `lang`.
#[derive(Debug, Clone)]
pub(super) struct Class {
    pub(super) name: String,
    pub(super) lang: Option<String>,
}

/// The class rules (`.ENUSCC { lang: en-US; }`) of a style sheet, in order.
fn classes(css: &str) -> Vec<Class> {
    let mut out: Vec<Class> = Vec::new();
    let css = css.replace("<!--", " ").replace("-->", " ");
    for rule in css.split('}') {
        let Some((selector, body)) = rule.split_once('{') else {
            continue;
        };
        let Some(name) = selector.trim().strip_prefix('.') else {
            continue;
        };
        let name = name.trim().to_string();
        if name.is_empty() || out.iter().any(|c| c.name.eq_ignore_ascii_case(&name)) {
            continue;
        }
        let lang = body.split(';').find_map(|decl| {
            let (key, value) = decl.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("lang")
                .then(|| value.trim().to_string())
                .filter(|v| !v.is_empty())
        });
        out.push(Class { name, lang });
    }
    out
}

/// Whether a class is the language `code` (an ISO 639-1 code): by its `lang`, else by
/// the common naming (`ENUSCC`, `FRFRCC`).
fn is_language(class: &Class, code: &str) -> bool {
    match &class.lang {
        Some(lang) => lang
            .split(['-', '_'])
            .next()
            .is_some_and(|primary| primary.eq_ignore_ascii_case(code)),
        None => class
            .name
            .get(..code.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(code)),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tag {
    I,
    B,
    U,
    /// `<font>`: with the colour it sets, if any.
    Font(Option<String>),
}

impl Tag {
    fn name(&self) -> &'static str {
        match self {
            Tag::I => "i",
            Tag::B => "b",
            Tag::U => "u",
            Tag::Font(_) => "font",
        }
    }
}

/// Builds the model's lines from P content: whitespace collapsed as HTML does, `<br>`
/// breaking lines, styling tags opened just before text and closed at each line's end so
/// every line is properly nested whatever the source's tag soup.
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    out: String,
    /// Styling in force (from the source's tags).
    wanted: Vec<Tag>,
    /// Tags opened in `out`.
    open: Vec<Tag>,
    space: bool,
}

impl Lines {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            // HTML collapses white space; `&nbsp;` (U+00A0) is not collapsed.
            if c.is_ascii_whitespace() {
                self.space = true;
                continue;
            }
            let keep = self
                .open
                .iter()
                .zip(&self.wanted)
                .take_while(|(a, b)| a == b)
                .count();
            while self.open.len() > keep {
                if let Some(tag) = self.open.pop() {
                    close(&mut self.out, &tag);
                }
            }
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
            for tag in &self.wanted[keep..] {
                match tag {
                    Tag::Font(Some(colour)) => {
                        self.out.push_str("<font color=\"");
                        self.out.push_str(colour);
                        self.out.push_str("\">");
                    }
                    Tag::Font(None) => {}
                    t => {
                        self.out.push('<');
                        self.out.push_str(t.name());
                        self.out.push('>');
                    }
                }
                self.open.push(tag.clone());
            }
            self.out.push(c);
        }
    }

    fn open_tag(&mut self, tag: Tag) {
        self.wanted.push(tag);
    }

    fn close_tag(&mut self, name: &str) {
        if let Some(i) = self.wanted.iter().rposition(|t| t.name() == name) {
            self.wanted.remove(i);
        }
    }

    fn line_break(&mut self) {
        while let Some(tag) = self.open.pop() {
            close(&mut self.out, &tag);
        }
        let line = std::mem::take(&mut self.out);
        let trimmed = line.trim_matches(|c: char| c.is_whitespace());
        if !super::super::strip_tags(trimmed).trim().is_empty() {
            self.lines.push(line);
        }
        self.space = false;
    }

    fn finish(mut self) -> Vec<String> {
        self.line_break();
        self.lines
    }
}

fn close(out: &mut String, tag: &Tag) {
    match tag {
        Tag::Font(None) => {}
        t => {
            out.push_str("</");
            out.push_str(t.name());
            out.push('>');
        }
    }
}

/// One SYNC: its start, and the P content for the chosen language (`None`: it had
/// none, so it does not end the language's caption).
struct Sync {
    line: usize,
    start_ms: i64,
    lines: Option<Vec<String>>,
    /// Whether it has a P of any class: one with none (`<SYNC Start=5000>&nbsp;`) clears
    /// every language.
    any_p: bool,
}

/// `Start=1000` (also `1000ms`) in milliseconds.
fn start_ms(value: &str) -> Option<i64> {
    let digits = value.trim();
    let digits = digits.strip_suffix("ms").unwrap_or(digits).trim();
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// How long the last caption shows when no SYNC clears it.
const LAST_CUE_MS: i64 = 4000;

pub(super) fn read(input: &Input<'_>) -> Result<Document, ParseError> {
    parse(input.text, input.options.get("language"))
}

pub(super) fn parse(text: &str, language: &str) -> Result<Document, ParseError> {
    let tokens = tokens(text)?;
    if !tokens
        .iter()
        .any(|(_, t)| matches!(t, Token::Open(name, _) if name == "sami"))
    {
        return Err(at(
            1,
            "expected a <SAMI> document: this file has no <SAMI> element",
        ));
    }
    let mut doc = Document::default();
    let mut style_line = 1;
    let mut declared = Vec::new();
    for (i, (line, token)) in tokens.iter().enumerate() {
        if matches!(token, Token::Open(name, _) if name == "style") {
            style_line = *line;
            if let Some((_, Token::Text(css))) = tokens.get(i + 1) {
                declared.extend(classes(css));
            }
        }
    }
    // The class to read: by the option, else the first declared, else the first used.
    let chosen: Option<String> = if language == "auto" || language.is_empty() {
        declared.first().map(|c| c.name.clone()).or_else(|| {
            tokens.iter().find_map(|(_, t)| match t {
                Token::Open(name, attrs) if name == "p" => attribute(attrs, "class").map(str::to_string),
                _ => None,
            })
        })
    } else {
        let found = declared.iter().find(|c| is_language(c, language));
        match found {
            Some(class) => Some(class.name.clone()),
            None => {
                let have: Vec<String> = declared
                    .iter()
                    .map(|c| match &c.lang {
                        Some(lang) => format!("{} ({lang})", c.name),
                        None => c.name.clone(),
                    })
                    .collect();
                return Err(at(
                    style_line,
                    format!(
                        "decode option language is {language:?}, but the STYLE block declares no class for it; it declares {}",
                        if have.is_empty() { "no classes".to_string() } else { have.join(", ") }
                    ),
                ));
            }
        }
    };
    if let Some(class) = declared.iter().find(|c| Some(&c.name) == chosen.as_ref()) {
        doc.language = class.lang.clone();
    }
    if declared.len() > 1 {
        doc.warnings.push(format!(
            "the file has {} language classes ({}); {} was read (decode option language picks another)",
            declared.len(),
            declared
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            chosen.as_deref().unwrap_or("the first")
        ));
    }
    let syncs = syncs(&tokens, chosen.as_deref(), &mut doc)?;
    cues(syncs, &mut doc);
    if doc.cues.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(doc)
}

/// Walks the BODY: each SYNC's P content for the chosen class.
fn syncs(
    tokens: &[(usize, Token<'_>)],
    chosen: Option<&str>,
    doc: &mut Document,
) -> Result<Vec<Sync>, ParseError> {
    let mut syncs: Vec<Sync> = Vec::new();
    // The P being read, if it is of the chosen class.
    let mut p: Option<Lines> = None;
    let mut in_body_text = false;
    let mut dropped_tags = 0usize;
    let finish_p = |p: &mut Option<Lines>, syncs: &mut Vec<Sync>| {
        if let (Some(lines), Some(sync)) = (p.take(), syncs.last_mut()) {
            sync.lines.get_or_insert_with(Vec::new).extend(lines.finish());
        }
    };
    for (line, token) in tokens {
        match token {
            Token::Open(name, attrs) => match name.as_str() {
                "sync" => {
                    finish_p(&mut p, &mut syncs);
                    let start = attribute(attrs, "start").and_then(start_ms).ok_or_else(|| {
                        at(
                            *line,
                            format!(
                                "expected <SYNC Start=milliseconds>, found <SYNC{}>",
                                attrs.chars().take(40).collect::<String>()
                            ),
                        )
                    })?;
                    syncs.push(Sync {
                        line: *line,
                        start_ms: start,
                        lines: None,
                        any_p: false,
                    });
                    in_body_text = true;
                }
                "p" => {
                    finish_p(&mut p, &mut syncs);
                    let class = attribute(attrs, "class");
                    let ours = match (class, chosen) {
                        (Some(class), Some(chosen)) => class.eq_ignore_ascii_case(chosen),
                        _ => true,
                    };
                    if let Some(sync) = syncs.last_mut() {
                        sync.any_p = true;
                        // A P of another class in the same SYNC does not clear ours.
                        if ours {
                            sync.lines.get_or_insert_with(Vec::new);
                            p = Some(Lines::default());
                        }
                    }
                }
                "br" => {
                    if let Some(lines) = p.as_mut() {
                        lines.line_break();
                    }
                }
                "i" | "b" | "u" | "em" | "strong" => {
                    if let Some(lines) = p.as_mut() {
                        lines.open_tag(match name.as_str() {
                            "i" | "em" => Tag::I,
                            "b" | "strong" => Tag::B,
                            _ => Tag::U,
                        });
                    }
                }
                "font" => {
                    if let Some(lines) = p.as_mut() {
                        let colour = attribute(attrs, "color")
                            .map(|c| c.trim().to_string())
                            .filter(|c| !c.is_empty());
                        dropped_tags += usize::from(colour.is_none());
                        lines.open_tag(Tag::Font(colour));
                    }
                }
                "body" | "sami" | "head" | "title" | "samiparam" | "style" => {}
                _ => dropped_tags += usize::from(p.is_some()),
            },
            Token::Close(name) => match name.as_str() {
                "p" => finish_p(&mut p, &mut syncs),
                "sync" => finish_p(&mut p, &mut syncs),
                "body" | "sami" => {
                    finish_p(&mut p, &mut syncs);
                    in_body_text = false;
                }
                "i" | "em" => close_in(&mut p, "i"),
                "b" | "strong" => close_in(&mut p, "b"),
                "u" => close_in(&mut p, "u"),
                "font" => close_in(&mut p, "font"),
                _ => {}
            },
            Token::Text(text) => {
                if let Some(lines) = p.as_mut() {
                    lines.text(&entities(text));
                } else if in_body_text && syncs.last().is_some_and(|s| !s.any_p) && !text.trim().is_empty() {
                    // Text right in a SYNC, before any P: for every language.
                    let mut lines = Lines::default();
                    lines.text(&entities(text));
                    p = Some(lines);
                }
            }
        }
    }
    finish_p(&mut p, &mut syncs);
    if dropped_tags > 0 {
        doc.warnings.push(format!(
            "{dropped_tags} tag(s) with no caption meaning (a span, a font face or size) were dropped, their text kept"
        ));
    }
    Ok(syncs)
}

fn close_in(p: &mut Option<Lines>, name: &str) {
    if let Some(lines) = p.as_mut() {
        lines.close_tag(name);
    }
}

/// Each SYNC with text starts a cue that ends at the next SYNC for the same language.
fn cues(mut syncs: Vec<Sync>, doc: &mut Document) {
    if syncs.windows(2).any(|w| w[1].start_ms < w[0].start_ms) {
        doc.warnings
            .push("the SYNC elements are not in time order; they were sorted".into());
        syncs.sort_by_key(|s| s.start_ms);
    }
    let ours: Vec<&Sync> = syncs.iter().filter(|s| s.lines.is_some() || !s.any_p).collect();
    let mut guessed = None;
    for (i, sync) in ours.iter().enumerate() {
        let Some(lines) = sync.lines.as_ref().filter(|l| !l.is_empty()) else {
            // A SYNC with `&nbsp;` only, or nothing: it clears the screen.
            continue;
        };
        let end_ms = match ours.get(i + 1) {
            Some(next) => next.start_ms,
            None => {
                guessed = Some(sync.line);
                sync.start_ms + LAST_CUE_MS
            }
        };
        doc.cues.push(Cue {
            id: None,
            start_ms: sync.start_ms,
            end_ms,
            lines: lines.clone(),
            ..Cue::default()
        });
    }
    if let Some(line) = guessed {
        doc.warnings.push(format!(
            "the last caption (line {line}) has no SYNC after it to clear it; it was shown for {} seconds",
            LAST_CUE_MS / 1000
        ));
    }
}
