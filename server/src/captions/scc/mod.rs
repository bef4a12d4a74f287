//! Scenarist SCC (`.scc`), profile `Scenarist V1.0 (SCC)`: CEA-608 line-21 caption data
//! (ANSI/CTA-608-E) as Scenarist writes it — a `Scenarist_SCC V1.0` header, then lines of
//! `HH:MM:SS;FF` (`;` drop-frame, `:` non-drop), a tab, and byte pairs as four hex digits
//! (`9420`), each pair one video frame from the line's timecode. SCC carries field 1 only.
//!
//! Reading runs the 608 decoder (§ 7, § 8): odd parity per byte (§ 5.1: a control pair
//! with a bad byte is ignored, a bad character byte shows as ■); a control code sent twice
//! in a row is acted on once (§ 8.4); pop-on (RCL, EOC, EDM, ENM), roll-up (RU2–RU4, CR)
//! and paint-on (RDC) styles (§ 7.4); preamble address codes, mid-row codes and tab
//! offsets (§ 6.2–6.3, Tables 51–53); backspace and delete to end of row; the standard,
//! special and extended character sets (§ 6.4, see [`tables`]). Text-mode data (TR, RTD)
//! is not caption data and is skipped.
//!
//! Channels: `14xx`/`1Cxx` miscellaneous codes select data channel 1/2 of field 1 (CC1,
//! CC2). SCC has no field 2, but some files carry CC3/CC4 with the field-2 codes
//! `15xx`/`1Dxx`; those select CC3/CC4 here, and the codes that follow (PACs, mid-row
//! codes, text) go to the channel last selected. Asking for a channel the file does not
//! use is an error that names the channels it does use.
//!
//! Cues: the screen (displayed memory) becomes cues. A cue starts when text appears and
//! ends at the frame of the first change that removes or replaces anything on screen (EOC,
//! EDM, a roll-up CR, DER, BS, overwriting), so pop-on gives one cue per EOC, and roll-up
//! gives one cue per CR, each showing the rows on screen with the last row complete.
//! Characters added to an otherwise unchanged screen (paint-on, roll-up) extend the cue.
//!
//! Position: the 32 x 15 grid fills the central 80% x 80% of the frame (row r's top at
//! 10 + (r-1) * 80/15 %, column c's left at 10 + c * 80/32 %). A caption whose lines are
//! centred and end on row 15 has the default placement; otherwise `top` is its first
//! row and it is either centred (`align: center`) or left-aligned at its leftmost column.
//! Styling: PAC and mid-row colours become `<font color>` (`lime` for 608 green, white is
//! the default), italics `<i>`, underline `<u>`. A mid-row code shows as a space; that
//! space keeps only the attributes on both sides of it. Per § 6.2, a colour mid-row code
//! turns italics off; the italics code keeps the colour.
//!
//! Writing makes pop-on captions (see [`encode`]).

mod channel;
mod decode;
mod encode;
mod schedule;
mod screen;
mod styled;
mod tables;
#[cfg(test)]
mod tests;

use super::{Allowed, Format, OptionSpec};

pub const FORMAT: Format = Format {
    profile: "Scenarist V1.0 (SCC)",
    extension: "scc",
    content_type: "text/plain; charset=utf-8",
    binary: false,
    read: Some(decode::read),
    write: Some(encode::write),
    decode_options: DECODE_OPTIONS,
    encode_options: ENCODE_OPTIONS,
};

static DECODE_OPTIONS: &[OptionSpec] = &[OptionSpec {
    name: "channel",
    allowed: Allowed::OneOf(&["auto", "ch01", "ch02", "ch03", "ch04"]),
    default: "auto",
    about: "The caption channel to read (CC1-CC4); auto reads the first one with captions.",
}];

static ENCODE_OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "channel",
        allowed: Allowed::OneOf(&["ch01", "ch02"]),
        default: "ch01",
        about: "The field-1 caption channel to write: CC1 (ch01) or CC2 (ch02).",
    },
    OptionSpec {
        name: "max_line_length",
        allowed: Allowed::Integer { min: 1, max: 32 },
        default: "32",
        about: "The most columns a caption row may take (608 has 32); longer lines are wrapped at spaces.",
    },
    OptionSpec {
        name: "bottom_row",
        allowed: Allowed::Integer { min: 4, max: 15 },
        default: "15",
        about: "The 608 row (1-15) the last line of a caption without a position goes on.",
    },
];

/// 608's foreground colours, by their code in PACs and mid-row codes (Table 53).
pub(super) const COLOURS: [&str; 7] = ["white", "lime", "blue", "cyan", "red", "yellow", "magenta"];
const WHITE: u8 = 0;

/// What a character cell looks like besides its character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Style {
    /// An index into [`COLOURS`].
    pub colour: u8,
    pub italic: bool,
    pub underline: bool,
}

impl Style {
    pub const PLAIN: Style = Style {
        colour: WHITE,
        italic: false,
        underline: false,
    };

    /// What a mid-row code's own cell (a space) shows: only what both sides share.
    pub fn common(self, other: Style) -> Style {
        Style {
            colour: if self.colour == other.colour {
                self.colour
            } else {
                WHITE
            },
            italic: self.italic && other.italic,
            underline: self.underline && other.underline,
        }
    }
}

/// The grid: 15 rows of 32 columns.
pub(super) const ROWS: usize = 15;
pub(super) const COLUMNS: usize = 32;

/// The top of row `row` (0-based) in percent of the frame height.
pub(super) fn row_top(row: usize) -> f32 {
    10.0 + row as f32 * 80.0 / ROWS as f32
}

/// The left of column `col` (0-based) in percent of the frame width.
pub(super) fn col_left(col: usize) -> f32 {
    10.0 + col as f32 * 80.0 / COLUMNS as f32
}

/// A byte with its odd-parity bit set (§ 5.1).
pub(super) fn with_parity(b: u8) -> u8 {
    let b = b & 0x7F;
    if b.count_ones().is_multiple_of(2) {
        b | 0x80
    } else {
        b
    }
}
