//! The writer's view of a cue line: inline tags to 608 characters with attributes, how a
//! row of them is sent (mid-row codes, which each take a column, § 6.2), and wrapping
//! rows to the width allowed.

use super::tables::{self, Code};
use super::Style;

/// One character to send, with the attributes it should show in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Glyph {
    pub code: Code,
    pub style: Style,
}

impl Glyph {
    fn is_space(self) -> bool {
        self.code == Code::Standard(b' ')
    }
}

/// What was adapted while reading the tags and characters, for the warnings.
#[derive(Debug, Default)]
pub(super) struct Adapted {
    pub bold: usize,
    pub other_tags: usize,
    pub colours: usize,
    pub replaced: usize,
    pub dropped: usize,
}

/// A model line (text with `<i>`, `<b>`, `<u>`, `<font color>`) to glyphs.
pub(super) fn glyphs(line: &str, adapted: &mut Adapted) -> Vec<Glyph> {
    let mut out = Vec::with_capacity(line.len());
    let (mut italic, mut underline) = (0usize, 0usize);
    let mut fonts: Vec<u8> = Vec::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let tag_like = rest[1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/');
            if let Some(end) = rest.find('>').filter(|_| tag_like) {
                let tag = rest[1..end].trim().to_ascii_lowercase();
                let name = tag
                    .split(|c: char| c.is_whitespace() || c == '.')
                    .next()
                    .unwrap_or("");
                match name {
                    "i" => italic += 1,
                    "/i" => italic = italic.saturating_sub(1),
                    "u" => underline += 1,
                    "/u" => underline = underline.saturating_sub(1),
                    "b" => adapted.bold += 1,
                    "/b" => {}
                    "font" => match colour_attribute(&tag) {
                        Some(value) => {
                            let (colour, exact) = colour_code(value);
                            if !exact {
                                adapted.colours += 1;
                            }
                            fonts.push(colour);
                        }
                        None => fonts.push(fonts.last().copied().unwrap_or(0)),
                    },
                    "/font" => {
                        fonts.pop();
                    }
                    _ if name.starts_with('/') => {}
                    _ => adapted.other_tags += 1,
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        rest = &rest[c.len_utf8()..];
        let style = Style {
            colour: fonts.last().copied().unwrap_or(0),
            italic: italic > 0,
            underline: underline > 0,
        };
        if let Some(code) = tables::encode(c) {
            out.push(Glyph { code, style });
        } else if let Some(text) = tables::equivalent(c) {
            adapted.replaced += 1;
            out.extend(
                text.chars()
                    .filter_map(tables::encode)
                    .map(|code| Glyph { code, style }),
            );
        } else {
            adapted.dropped += 1;
        }
    }
    out
}

/// The value of `color=` in a `font` tag, without quotes.
fn colour_attribute(tag: &str) -> Option<&str> {
    let at = tag.find("color")?;
    let value = tag[at + 5..].trim_start().strip_prefix('=')?.trim_start();
    let value = match value.chars().next()? {
        q @ ('"' | '\'') => value[1..].split(q).next()?,
        _ => value.split_whitespace().next()?,
    };
    Some(value.trim())
}

/// A CSS colour to 608's nearest foreground colour, and whether it is one of 608's.
fn colour_code(value: &str) -> (u8, bool) {
    let exact = match value {
        "white" | "#ffffff" | "#fff" => Some(0),
        "lime" | "green" | "#00ff00" | "#0f0" => Some(1),
        "blue" | "#0000ff" | "#00f" => Some(2),
        "cyan" | "aqua" | "#00ffff" | "#0ff" => Some(3),
        "red" | "#ff0000" | "#f00" => Some(4),
        "yellow" | "#ffff00" | "#ff0" => Some(5),
        "magenta" | "fuchsia" | "#ff00ff" | "#f0f" => Some(6),
        _ => None,
    };
    if let Some(code) = exact {
        return (code, true);
    }
    let Some([r, g, b]) = rgb(value) else {
        return (0, false);
    };
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    // Greys (black included) have no hue to keep: white is the closest 608 can show.
    if max - min < 60 {
        return (0, false);
    }
    let scale = |v: i32| v * 255 / max;
    let (r, g, b) = (scale(r), scale(g), scale(b));
    let hues = [
        (1, [0, 255, 0]),
        (2, [0, 0, 255]),
        (3, [0, 255, 255]),
        (4, [255, 0, 0]),
        (5, [255, 255, 0]),
        (6, [255, 0, 255]),
    ];
    let nearest = hues
        .iter()
        .min_by_key(|(_, [hr, hg, hb])| (r - hr).pow(2) + (g - hg).pow(2) + (b - hb).pow(2))
        .map_or(0, |(code, _)| *code);
    (nearest, false)
}

/// `#rgb`, `#rrggbb` or a common CSS colour name.
fn rgb(value: &str) -> Option<[i32; 3]> {
    if let Some(hex) = value.strip_prefix('#') {
        let digit = |i: usize, len: usize| hex.get(i..i + len).and_then(|d| i32::from_str_radix(d, 16).ok());
        return match hex.len() {
            3 => Some([digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17]),
            6 | 8 => Some([digit(0, 2)?, digit(2, 2)?, digit(4, 2)?]),
            _ => None,
        };
    }
    Some(match value {
        "black" => [0, 0, 0],
        "silver" => [192, 192, 192],
        "gray" | "grey" => [128, 128, 128],
        "maroon" => [128, 0, 0],
        "purple" => [128, 0, 128],
        "olive" => [128, 128, 0],
        "navy" => [0, 0, 128],
        "teal" => [0, 128, 128],
        "orange" => [255, 165, 0],
        "pink" => [255, 192, 203],
        "brown" => [165, 42, 42],
        "gold" => [255, 215, 0],
        "violet" => [238, 130, 238],
        "indigo" => [75, 0, 130],
        "darkgreen" => [0, 100, 0],
        "darkblue" => [0, 0, 139],
        "darkred" => [139, 0, 0],
        "lightblue" => [173, 216, 230],
        "lightgreen" => [144, 238, 144],
        "orangered" => [255, 69, 0],
        _ => return None,
    })
}

/// The mid-row codes (second bytes of `11 2x`) that change `from` into `to`: a colour code
/// sets colour and underline and ends italics; the italics code keeps the colour.
pub(super) fn transition(from: Style, to: Style) -> ([u8; 2], usize) {
    let u = u8::from(to.underline);
    let colour = 0x20 | (to.colour << 1) | u;
    if from == to {
        ([0, 0], 0)
    } else if !to.italic {
        ([colour, 0], 1)
    } else if from.colour == to.colour {
        ([0x2E | u, 0], 1)
    } else {
        ([colour, 0x2E | u], 2)
    }
}

/// One column of a row as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    Glyph(Code),
    /// A mid-row code's second byte (it shows as a space).
    MidRow(u8),
}

/// A row as sent: the codes that set the first character's attributes, then its columns.
#[derive(Debug, Default)]
pub(super) struct Row {
    pub lead: Vec<u8>,
    pub items: Vec<Item>,
    /// Style changes that needed a column of their own (no space to put the code in).
    pub extra: usize,
}

impl Row {
    /// Columns the row takes: one lead code can ride on the row's preamble code.
    pub fn width(&self) -> usize {
        self.items.len() + self.lead.len().saturating_sub(1)
    }
}

/// How `glyphs` are sent: a mid-row code goes where a space was when it can.
pub(super) fn layout(glyphs: &[Glyph]) -> Row {
    let mut row = Row::default();
    let Some(first) = glyphs.iter().find(|g| !g.is_space()) else {
        row.items = glyphs.iter().map(|g| Item::Glyph(g.code)).collect();
        return row;
    };
    let (codes, n) = transition(Style::PLAIN, first.style);
    row.lead.extend_from_slice(&codes[..n]);
    let mut cur = first.style;
    // next_visible[i]: the first non-space glyph at or after i.
    let mut next_visible = vec![usize::MAX; glyphs.len() + 1];
    for i in (0..glyphs.len()).rev() {
        next_visible[i] = if glyphs[i].is_space() {
            next_visible[i + 1]
        } else {
            i
        };
    }
    row.items.reserve(glyphs.len() + 2);
    let mut i = 0;
    while let Some(&g) = glyphs.get(i) {
        if g.is_space() {
            if let Some(&next) = glyphs.get(next_visible[i]) {
                let (codes, n) = transition(cur, next.style);
                let gap = next_visible[i] - i;
                if n > 0 && gap <= n {
                    row.items.extend(codes[..n].iter().map(|&c| Item::MidRow(c)));
                    row.extra += n - gap;
                    cur = next.style;
                    i = next_visible[i];
                    continue;
                }
            }
            row.items.push(Item::Glyph(g.code));
            i += 1;
            continue;
        }
        if g.style != cur {
            let (codes, n) = transition(cur, g.style);
            row.items.extend(codes[..n].iter().map(|&c| Item::MidRow(c)));
            row.extra += 1;
            cur = g.style;
        }
        row.items.push(Item::Glyph(g.code));
        i += 1;
    }
    row
}

/// True when `glyphs` surely fit in `width` columns, even if every style change took two
/// columns of its own (a quick test that saves laying the row out).
fn roomy(glyphs: &[Glyph], width: usize) -> bool {
    let mut changes = 0;
    let mut cur = Style::PLAIN;
    for g in glyphs.iter().filter(|g| !g.is_space()) {
        if g.style != cur {
            changes += 1;
            cur = g.style;
        }
    }
    glyphs.len() + 2 * changes <= width
}

/// Wrapping counts, for the warnings.
#[derive(Debug, Default)]
pub(super) struct Wrapped {
    pub lines: usize,
    pub words_broken: usize,
}

/// Splits a line's glyphs into rows of at most `width` columns, at spaces where it can.
pub(super) fn wrap(glyphs: &[Glyph], width: usize, wrapped: &mut Wrapped) -> Vec<Vec<Glyph>> {
    let start = glyphs.iter().position(|g| !g.is_space());
    let end = glyphs.iter().rposition(|g| !g.is_space());
    let (Some(start), Some(end)) = (start, end) else {
        return Vec::new();
    };
    let glyphs = &glyphs[start..=end];
    let fits =
        |slice: &[Glyph]| slice.len() <= width && (roomy(slice, width) || layout(slice).width() <= width);
    if fits(glyphs) {
        return vec![glyphs.to_vec()];
    }
    wrapped.lines += 1;
    let mut rows = Vec::new();
    // Words as index ranges.
    let mut words = Vec::new();
    let mut i = 0;
    while i < glyphs.len() {
        if glyphs[i].is_space() {
            i += 1;
            continue;
        }
        let w = i;
        while i < glyphs.len() && !glyphs[i].is_space() {
            i += 1;
        }
        words.push((w, i));
    }
    let mut row: Option<(usize, usize)> = None;
    for (mut ws, we) in words {
        if let Some((rs, re)) = row {
            if fits(&glyphs[rs..we]) {
                row = Some((rs, we));
                continue;
            }
            rows.push(glyphs[rs..re].to_vec());
            row = None;
        }
        // The word starts a row; a word wider than a row is broken.
        while ws < we && !fits(&glyphs[ws..we]) {
            let mut k = 1;
            while ws + k < we && fits(&glyphs[ws..ws + k + 1]) {
                k += 1;
            }
            wrapped.words_broken += 1;
            rows.push(glyphs[ws..ws + k].to_vec());
            ws += k;
        }
        if ws < we {
            row = Some((ws, we));
        }
    }
    if let Some((rs, re)) = row {
        rows.push(glyphs[rs..re].to_vec());
    }
    rows
}
