//! A paragraph's text as it is read: runs of characters with their computed style, white
//! space handled per TTML2 §7.3 (`xml:space`), `br` breaking lines; then each line rendered
//! as the model's inline tags. All of a paragraph's text lives in one reused buffer, so
//! reading allocates little more than the finished lines.

use super::style::Colour;

/// The tags a run of text carries, in the order they nest (outermost first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TextStyle {
    pub colour: Option<Colour>,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Font(Colour),
    Bold,
    Italic,
    Underline,
}

impl Tag {
    fn open(self, out: &mut String) {
        match self {
            Tag::Font(c) => {
                out.push_str("<font color=\"");
                out.push_str(&c.css());
                out.push_str("\">");
            }
            Tag::Bold => out.push_str("<b>"),
            Tag::Italic => out.push_str("<i>"),
            Tag::Underline => out.push_str("<u>"),
        }
    }

    fn close(self, out: &mut String) {
        out.push_str(match self {
            Tag::Font(_) => "</font>",
            Tag::Bold => "</b>",
            Tag::Italic => "</i>",
            Tag::Underline => "</u>",
        });
    }
}

impl TextStyle {
    fn tags(self) -> [Option<Tag>; 4] {
        [
            self.colour.map(Tag::Font),
            self.bold.then_some(Tag::Bold),
            self.italic.then_some(Tag::Italic),
            self.underline.then_some(Tag::Underline),
        ]
    }
}

/// A line's runs as the model's text: tags opened and closed so that they nest, shared
/// outer tags kept open across runs.
/// `capacity`: the bytes to reserve.
pub(super) fn render<'a>(runs: impl IntoIterator<Item = (TextStyle, &'a str)>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut open: [Option<Tag>; 4] = [None; 4];
    let mut depth = 0;
    for (style, text) in runs {
        let wanted = style.tags();
        let wanted = wanted.iter().flatten();
        let keep = open[..depth]
            .iter()
            .zip(wanted.clone())
            .take_while(|(a, b)| **a == Some(**b))
            .count();
        while depth > keep {
            depth -= 1;
            if let Some(tag) = open[depth].take() {
                tag.close(&mut out);
            }
        }
        for tag in wanted.skip(keep) {
            tag.open(&mut out);
            open[depth] = Some(*tag);
            depth += 1;
        }
        out.push_str(text);
    }
    while depth > 0 {
        depth -= 1;
        if let Some(tag) = open[depth].take() {
            tag.close(&mut out);
        }
    }
    out
}

/// The text of the paragraph being read.
#[derive(Debug, Default)]
pub(super) struct Paragraph {
    buf: String,
    /// Each run's style and where its text starts in `buf`.
    runs: Vec<(TextStyle, usize)>,
    /// For each finished line, the index in `runs` where it ends.
    line_ends: Vec<usize>,
    /// Collapsed white space waiting for the next character (and the style it had).
    pending: Option<TextStyle>,
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

impl Paragraph {
    pub(super) fn clear(&mut self) {
        self.buf.clear();
        self.runs.clear();
        self.line_ends.clear();
        self.pending = None;
    }

    fn line_start(&self) -> usize {
        self.line_ends.last().copied().unwrap_or(0)
    }

    fn push_str(&mut self, text: &str, style: TextStyle) {
        let continues =
            self.runs.len() > self.line_start() && self.runs.last().is_some_and(|(s, _)| *s == style);
        if !continues {
            self.runs.push((style, self.buf.len()));
        }
        self.buf.push_str(text);
    }

    /// TTML2 §7.3 / XSL 1.1 §7.16: by default line feeds become spaces, runs of white space
    /// collapse to one, and white space at the start and end of a line goes. With
    /// `xml:space="preserve"` all is kept and a line feed breaks the line.
    pub(super) fn push(&mut self, text: &str, style: TextStyle, preserve: bool) {
        if preserve {
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    self.break_line();
                }
                let line = line.trim_end_matches('\r');
                if !line.is_empty() {
                    self.push_str(line, style);
                }
            }
            return;
        }
        let mut rest = text;
        while !rest.is_empty() {
            let word_end = rest.find(is_xml_space).unwrap_or(rest.len());
            if word_end > 0 {
                if let Some(space) = self.pending.take() {
                    self.push_str(" ", space);
                }
                self.push_str(&rest[..word_end], style);
                rest = &rest[word_end..];
            }
            let space_end = rest.find(|c| !is_xml_space(c)).unwrap_or(rest.len());
            if space_end > 0 {
                if self.runs.len() > self.line_start() && self.pending.is_none() {
                    self.pending = Some(style);
                }
                rest = &rest[space_end..];
            }
        }
    }

    pub(super) fn break_line(&mut self) {
        self.pending = None;
        if self.runs.len() > self.line_start() {
            self.line_ends.push(self.runs.len());
        }
    }

    /// The finished lines, rendered (empty lines are dropped).
    pub(super) fn lines(&mut self) -> Vec<String> {
        self.break_line();
        let mut lines = Vec::with_capacity(self.line_ends.len());
        let mut start = 0;
        for &end in &self.line_ends {
            let runs = self.runs.get(start..end).unwrap_or(&[]);
            let from = runs.first().map_or(0, |(_, at)| *at);
            let to = self.runs.get(end).map_or(self.buf.len(), |(_, at)| *at);
            let text_end = |i: usize| self.runs.get(i).map_or(self.buf.len(), |(_, at)| *at);
            // The text plus room for a few tags.
            let capacity = to.saturating_sub(from) + 16 * runs.len();
            let runs = runs
                .iter()
                .enumerate()
                .map(|(k, (style, at))| (*style, self.buf.get(*at..text_end(start + k + 1)).unwrap_or("")));
            lines.push(render(runs, capacity));
            start = end;
        }
        lines
    }
}
