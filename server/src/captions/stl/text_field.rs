//! The Text Field of TTI blocks (EBU Tech 3264 §4.3 "TF", Appendix 2) decoded to the
//! model's lines: CR/LF 8Ah rows, teletext alpha colours as `<font color>`, italics and
//! underline as `<i>`/`<u>`, other control codes as spaces between words.

use super::charset::{self, Table};

/// A Text Field decoded: the non-blank rows, and where they sit among the rows the field
/// spans (each CR/LF, 8Ah, starts a row).
#[derive(Debug, Default)]
pub(super) struct Text {
    pub(super) lines: Vec<String>,
    pub(super) first_row: i64,
    pub(super) last_row: i64,
    pub(super) double_height: bool,
    pub(super) unknown: usize,
}

/// Teletext alpha colours (control codes 00h-07h) as CSS colour names.
const COLOURS: [&str; 8] = [
    "black", "red", "lime", "yellow", "blue", "magenta", "cyan", "white",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Font(&'static str),
    Italic,
    Underline,
}

/// One row being built: styling is opened just before the next visible character, so
/// spaces and control codes never leave empty or dangling tags.
#[derive(Default)]
struct Row {
    out: String,
    open: Vec<Tag>,
    colour: Option<&'static str>,
    italic: bool,
    underline: bool,
    /// Spaces since the last visible character, and whether a control code (which a
    /// teletext display shows as a space) came between.
    spaces: usize,
    control: bool,
    visible: bool,
}

impl Row {
    fn wanted(&self) -> Vec<Tag> {
        let mut tags = Vec::with_capacity(3);
        tags.extend(self.colour.map(Tag::Font));
        if self.italic {
            tags.push(Tag::Italic);
        }
        if self.underline {
            tags.push(Tag::Underline);
        }
        tags
    }

    fn close(out: &mut String, tag: Tag) {
        out.push_str(match tag {
            Tag::Font(_) => "</font>",
            Tag::Italic => "</i>",
            Tag::Underline => "</u>",
        });
    }

    fn push(&mut self, text: &str) {
        let wanted = self.wanted();
        let keep = self.open.iter().zip(&wanted).take_while(|(a, b)| a == b).count();
        while self.open.len() > keep {
            if let Some(tag) = self.open.pop() {
                Self::close(&mut self.out, tag);
            }
        }
        if self.visible {
            let spaces = self.spaces.max(usize::from(self.control));
            self.out.extend(std::iter::repeat_n(' ', spaces));
        }
        for &tag in &wanted[keep..] {
            match tag {
                Tag::Font(c) => {
                    self.out.push_str("<font color=\"");
                    self.out.push_str(c);
                    self.out.push_str("\">");
                }
                Tag::Italic => self.out.push_str("<i>"),
                Tag::Underline => self.out.push_str("<u>"),
            }
            self.open.push(tag);
        }
        self.out.push_str(text);
        self.visible = true;
        self.spaces = 0;
        self.control = false;
    }

    /// The finished row; italics and underline carry on into the next row, colours
    /// (teletext spacing attributes) do not.
    fn finish(&mut self) -> String {
        while let Some(tag) = self.open.pop() {
            Self::close(&mut self.out, tag);
        }
        let out = std::mem::take(&mut self.out);
        self.colour = None;
        self.spaces = 0;
        self.control = false;
        self.visible = false;
        out
    }
}

/// Decodes a Text Field (all of a subtitle's blocks, concatenated).
pub(super) fn decode_text(tf: &[u8], table: Table) -> Text {
    let mut text = Text::default();
    let mut row = Row::default();
    let mut row_index = 0i64;
    let mut first = None;
    let mut i = 0;
    let mut end_row = |row: &mut Row, text: &mut Text, index: i64| {
        let line = row.finish();
        if !line.is_empty() {
            first.get_or_insert(index);
            text.last_row = index;
            text.lines.push(line);
        }
    };
    while let Some(&b) = tf.get(i) {
        i += 1;
        match b {
            0x8A => {
                end_row(&mut row, &mut text, row_index);
                row_index += 1;
            }
            0x8F => {}
            b' ' => row.spaces += 1,
            0x00..=0x07 => {
                row.colour = (b != 0x07).then(|| COLOURS[usize::from(b)]);
                row.control = true;
            }
            0x0D => {
                text.double_height = true;
                row.control = true;
            }
            0x80 | 0x81 => {
                row.italic = b == 0x80;
                row.control = true;
            }
            0x82 | 0x83 => {
                row.underline = b == 0x82;
                row.control = true;
            }
            // Other teletext spacing attributes (flash, boxing, sizes, mosaics,
            // backgrounds) and boxing on/off 84h/85h: shown as a space, no styling kept.
            0x08..=0x1F | 0x84 | 0x85 => row.control = true,
            // Reserved codes, DEL.
            0x7F..=0x9F => {}
            0x21..=0x7E => {
                let c = [b];
                row.push(std::str::from_utf8(&c).unwrap_or("?"));
            }
            _ if table == Table::Latin && charset::is_diacritic(b) => {
                let next = tf.get(i).copied().filter(|n| (0x20..=0x7E).contains(n));
                match next {
                    Some(n) => {
                        i += 1;
                        row.push(&charset::combine(b, n));
                    }
                    None => text.unknown += 1,
                }
            }
            _ => match table.upper(b) {
                Some(c) => row.push(c.encode_utf8(&mut [0; 4])),
                None => {
                    text.unknown += 1;
                    row.push("\u{fffd}");
                }
            },
        }
    }
    end_row(&mut row, &mut text, row_index);
    text.first_row = first.unwrap_or(0);
    text
}
