//! The writer's rows: a model line's characters with their styling, wrapped to the row
//! width, and encoded as Text Field bytes in table 00 with teletext control codes.

use super::charset::encode_latin;
use super::write::Losses;
use super::TF_LEN;

/// The styling of one character: a teletext alpha colour (00h-07h; 07h white is the
/// default), italics and underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Style {
    colour: u8,
    italic: bool,
    underline: bool,
}

const PLAIN: Style = Style {
    colour: 7,
    italic: false,
    underline: false,
};

/// A CSS colour as a teletext alpha colour code, and whether that is exact.
fn teletext_colour(css: &str) -> Option<(u8, bool)> {
    let css = css.trim().to_ascii_lowercase();
    let named = match css.as_str() {
        "black" => Some(0),
        "red" => Some(1),
        "lime" | "green" => Some(2),
        "yellow" => Some(3),
        "blue" => Some(4),
        "magenta" | "fuchsia" => Some(5),
        "cyan" | "aqua" => Some(6),
        "white" => Some(7),
        _ => None,
    };
    if let Some(code) = named {
        return Some((code, true));
    }
    let hex = css.strip_prefix('#')?;
    let channels: Vec<u8> = match hex.len() {
        3 => hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| (d * 17) as u8))
            .collect::<Option<_>>()?,
        6 => (0..3)
            .map(|i| {
                hex.get(i * 2..i * 2 + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<_>>()?,
        _ => return None,
    };
    let code = channels
        .iter()
        .enumerate()
        .fold(0u8, |code, (i, &c)| code | (u8::from(c >= 128) << i));
    let exact = channels.iter().all(|&c| c == 0 || c == 255);
    Some((code, exact))
}

/// A model line as characters with their styling; tags STL cannot carry are counted.
pub(super) fn styled(line: &str, losses: &mut Losses) -> Vec<(char, Style)> {
    let mut out = Vec::with_capacity(line.len());
    let (mut italic, mut underline) = (0usize, 0usize);
    let mut colours: Vec<u8> = Vec::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let tag_like = rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/');
            if let Some(end) = rest.find('>').filter(|_| tag_like) {
                let tag = rest[1..end].trim().to_ascii_lowercase();
                match tag.as_str() {
                    "i" => italic += 1,
                    "/i" => italic = italic.saturating_sub(1),
                    "u" => underline += 1,
                    "/u" => underline = underline.saturating_sub(1),
                    "b" => losses.bold += 1,
                    "/b" => {}
                    "/font" => {
                        colours.pop();
                    }
                    t if t.starts_with("font") => {
                        let current = colours.last().copied().unwrap_or(7);
                        let colour = match super::super::font_colour(&rest[1..end]).and_then(teletext_colour)
                        {
                            Some((code, exact)) => {
                                losses.colours += usize::from(!exact);
                                code
                            }
                            None => {
                                losses.tags += 1;
                                current
                            }
                        };
                        colours.push(colour);
                    }
                    _ => losses.tags += 1,
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        let style = Style {
            colour: colours.last().copied().unwrap_or(7),
            italic: italic > 0,
            underline: underline > 0,
        };
        out.push((c, style));
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Splits a styled line into rows of at most `width` characters, at spaces where it can.
pub(super) fn wrap(line: Vec<(char, Style)>, width: usize, losses: &mut Losses) -> Vec<Vec<(char, Style)>> {
    let trim = |mut row: Vec<(char, Style)>| {
        while row.last().is_some_and(|(c, _)| *c == ' ') {
            row.pop();
        }
        let lead = row.iter().take_while(|(c, _)| *c == ' ').count();
        row.drain(..lead);
        row
    };
    let line = trim(line);
    if line.len() <= width {
        return vec![line];
    }
    losses.wrapped += 1;
    let mut rows = Vec::new();
    let mut row: Vec<(char, Style)> = Vec::with_capacity(width);
    for word in line.split(|(c, _)| *c == ' ').filter(|w| !w.is_empty()) {
        if !row.is_empty() && row.len() + 1 + word.len() > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push((' ', row.last().map_or(PLAIN, |(_, s)| *s)));
        }
        for &unit in word {
            if row.len() == width {
                rows.push(std::mem::take(&mut row));
            }
            row.push(unit);
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows
}

/// A subtitle's Text Field bytes, and where each unit (a control code, or a character's
/// one or two bytes) starts, so blocks are never cut inside a letter.
#[derive(Default)]
pub(super) struct Text {
    pub(super) bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl Text {
    pub(super) fn unit(&mut self, bytes: &[u8]) {
        self.starts.push(self.bytes.len());
        self.bytes.extend_from_slice(bytes);
    }

    /// The Text Fields: runs of whole units of at most 112 bytes, at most 241 of them
    /// (extension block numbers 00h-EFh, then the last block).
    pub(super) fn fields(&self, losses: &mut Losses) -> Vec<std::ops::Range<usize>> {
        let mut fields = Vec::new();
        let mut from = 0;
        let mut next = self.starts.iter().skip(1).peekable();
        while from < self.bytes.len() {
            let mut to = self.bytes.len().min(from + TF_LEN);
            if to < self.bytes.len() {
                // The last unit start that still fits.
                let mut cut = from;
                while let Some(&&s) = next.peek() {
                    if s > to {
                        break;
                    }
                    if s > from {
                        cut = s;
                    }
                    next.next();
                }
                to = if cut > from { cut } else { to };
            }
            if fields.len() == 241 {
                losses.text_cut += 1;
                break;
            }
            fields.push(from..to);
            from = to;
        }
        fields
    }
}

/// A row's bytes: control codes where the styling changes, then the characters.
pub(super) fn encode_row(row: &[(char, Style)], text: &mut Text, losses: &mut Losses) {
    let mut state = PLAIN;
    let mut previous = ' ';
    for &(c, style) in row {
        // Teletext shows each control code as a space: between two letters it adds one.
        if style != state && !previous.is_whitespace() && !c.is_whitespace() {
            losses.spaced += 1;
        }
        previous = c;
        if style.colour != state.colour {
            text.unit(&[style.colour]);
        }
        if style.italic != state.italic {
            text.unit(&[if style.italic { 0x80 } else { 0x81 }]);
        }
        if style.underline != state.underline {
            text.unit(&[if style.underline { 0x82 } else { 0x83 }]);
        }
        state = style;
        match encode_latin(c) {
            Some((bytes, n)) => text.unit(&bytes[..n]),
            None => {
                losses.characters += 1;
                text.unit(b"?");
            }
        }
    }
    if state.italic {
        text.unit(&[0x81]);
    }
    if state.underline {
        text.unit(&[0x83]);
    }
}
