//! EBU STL (`.stl`), profile `EBU STL`, per EBU Tech 3264-E "Specification of the EBU
//! Subtitling data exchange format" (1991): a 1024-byte General Subtitle Information
//! block (§4.2) then 128-byte Text and Timing Information blocks (§4.3).
//!
//! - Frame rate: the Disk Format Code (DFC) `STL25.01` is 25 fps and `STL30.01` 30-label
//!   time code, read at the job's 29.97 rate (drop-frame or not) when its default rate is
//!   29.97 or 30, else at 30 fps; other `STLxx.01` codes (23, 24, 29, 50, 59, 60) are read at
//!   that rate with a warning. A job's `source_frameRate` beats the DFC.
//! - Time: TCI/TCO (hours, minutes, seconds, frames as binary bytes) are programme time code
//!   and are kept as they are. The file's programme start (TCP) is *not* subtracted: the
//!   job's `incode` does that (`"auto"` starts the first caption at zero); a warning says so
//!   when the first subtitle starts an hour or more in. TCO is read as the end of the cue.
//! - Text: character code tables 00-04 (§5, Appendix 2; see [`charset`]); CR/LF 8Ah breaks
//!   rows, unused space 8Fh is skipped; teletext alpha colours 00h-07h become
//!   `<font color>` up to the end of the row (white is the default and gets no tag);
//!   italics 80h/81h and underline 82h/83h become `<i>`/`<u>` and carry on across rows;
//!   boxing, double height and the other teletext spacing attributes are dropped, and like
//!   every control code count as one space between two words. Blank rows (double height
//!   leaves one after each row) are dropped. Comment blocks (CF 01h) and user-data blocks
//!   (EBN F0h-FEh) are skipped; extension blocks (EBN 00h-EFh, then FFh) are joined.
//!   Cumulative subtitles (CS) stay separate, overlapping cues.
//! - Position: a teletext row r (VP 1-23) has top = 10 + (r-1)*80/23 percent, the rows
//!   spread over the central 80% of the frame as the CEA-608 rows are; open subtitling
//!   (DSC `0`) counts VP in rows of MNR the same way. A subtitle whose last row reaches row
//!   22 (of 23) is at the bottom, the model's default, and gets no `top`. JC 01h/02h/03h
//!   are left/centred/right; centred at the bottom is the default placement.
//! - Language: the GSI Language Code (Appendix 3) is given as a BCP 47 tag (`09` → `en`).
//!
//! The writer puts out CPN 850, CCT 00 (ISO 6937: accented letters as a diacritical prefix
//! byte and the letter), DSC from `display_standard`, one subtitle per cue (SGN 0, SN from
//! 1), extension blocks when a cue's text passes the 112 bytes of one Text Field, rows of
//! at most `max_row_chars` visible characters (longer rows are wrapped at spaces), single
//! height (rows follow each other, one 8Ah apart), and MNR 23 for every display standard.

mod charset;
mod read;
mod rows;
#[cfg(test)]
mod tests;
mod text_field;
mod write;

use super::{Allowed, Format, OptionSpec};

pub const FORMAT: Format = Format {
    profile: "EBU STL",
    extension: "stl",
    content_type: "application/octet-stream",
    binary: true,
    read: Some(read::read),
    write: Some(write::write),
    decode_options: &[],
    encode_options: ENCODE_OPTIONS,
};

static ENCODE_OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "display_standard",
        allowed: Allowed::OneOf(&["teletext_level_2", "teletext_level_1", "open_subtitling"]),
        default: "teletext_level_2",
        about: "The Display Standard Code (DSC): teletext level 2 (2) or 1 (1) subtitles, or open (burnt-in) subtitling (0).",
    },
    OptionSpec {
        name: "max_row_chars",
        allowed: Allowed::Integer { min: 1, max: 99 },
        default: "40",
        about: "The most visible characters in a row (MNC); longer rows are wrapped at spaces.",
    },
    OptionSpec {
        name: "justification",
        allowed: Allowed::OneOf(&["auto", "left", "center", "right", "unchanged"]),
        default: "auto",
        about: "The Justification Code (JC) of every subtitle: from each caption's alignment (auto; centred when it has none), or left, center, right, or unchanged (JC 0, positioned by spaces).",
    },
];

/// The GSI block's length.
const GSI_LEN: usize = 1024;
/// A TTI block's length; its Text Field is the last 112 bytes.
const TTI_LEN: usize = 128;
const TF_LEN: usize = 112;
/// Teletext rows a subtitle may use (MNR for teletext).
const GRID_ROWS: i64 = 23;

/// EBU Tech 3264 Appendix 3 language codes with their BCP 47 tags.
const LANGUAGES: [(u8, &str); 84] = [
    (0x01, "sq"),
    (0x02, "br"),
    (0x03, "ca"),
    (0x04, "hr"),
    (0x05, "cy"),
    (0x06, "cs"),
    (0x07, "da"),
    (0x08, "de"),
    (0x09, "en"),
    (0x0A, "es"),
    (0x0B, "eo"),
    (0x0C, "et"),
    (0x0D, "eu"),
    (0x0E, "fo"),
    (0x0F, "fr"),
    (0x10, "fy"),
    (0x11, "ga"),
    (0x12, "gd"),
    (0x13, "gl"),
    (0x14, "is"),
    (0x15, "it"),
    (0x16, "se"),
    (0x17, "la"),
    (0x18, "lv"),
    (0x19, "lb"),
    (0x1A, "lt"),
    (0x1B, "hu"),
    (0x1C, "mt"),
    (0x1D, "nl"),
    (0x1E, "no"),
    (0x1F, "oc"),
    (0x20, "pl"),
    (0x21, "pt"),
    (0x22, "ro"),
    (0x23, "rm"),
    (0x24, "sr"),
    (0x25, "sk"),
    (0x26, "sl"),
    (0x27, "fi"),
    (0x28, "sv"),
    (0x29, "tr"),
    (0x2A, "nl-BE"),
    (0x2B, "wa"),
    (0x45, "zu"),
    (0x46, "vi"),
    (0x47, "uz"),
    (0x48, "ur"),
    (0x49, "uk"),
    (0x4A, "th"),
    (0x4B, "te"),
    (0x4C, "tt"),
    (0x4D, "ta"),
    (0x4E, "tg"),
    (0x4F, "sw"),
    (0x50, "srn"),
    (0x51, "so"),
    (0x52, "si"),
    (0x53, "sn"),
    (0x54, "sh"),
    (0x55, "rue"),
    (0x56, "ru"),
    (0x57, "qu"),
    (0x58, "ps"),
    (0x59, "pa"),
    (0x5A, "fa"),
    (0x5B, "pap"),
    (0x5C, "or"),
    (0x5D, "ne"),
    (0x5E, "nd"),
    (0x5F, "mr"),
    (0x60, "mo"),
    (0x61, "ms"),
    (0x62, "mg"),
    (0x63, "mk"),
    (0x64, "lo"),
    (0x65, "ko"),
    (0x66, "km"),
    (0x67, "kk"),
    (0x68, "kn"),
    (0x69, "ja"),
    (0x6A, "id"),
    (0x6B, "hi"),
    (0x6C, "he"),
    (0x6D, "ha"),
];

/// The rest of Appendix 3 (6Eh-7Fh), kept apart so the table above stays readable.
const MORE_LANGUAGES: [(u8, &str); 18] = [
    (0x6E, "gn"),
    (0x6F, "gu"),
    (0x70, "el"),
    (0x71, "ka"),
    (0x72, "ff"),
    (0x73, "prs"),
    (0x74, "cv"),
    (0x75, "zh"),
    (0x76, "my"),
    (0x77, "bg"),
    (0x78, "bn"),
    (0x79, "be"),
    (0x7A, "bm"),
    (0x7B, "az"),
    (0x7C, "as"),
    (0x7D, "hy"),
    (0x7E, "ar"),
    (0x7F, "am"),
];

fn languages() -> impl Iterator<Item = &'static (u8, &'static str)> {
    LANGUAGES.iter().chain(MORE_LANGUAGES.iter())
}

/// The BCP 47 tag of a GSI Language Code.
fn language_tag(code: u8) -> Option<&'static str> {
    languages().find(|(c, _)| *c == code).map(|(_, tag)| *tag)
}

/// The GSI Language Code for a language tag (`en`, `en-GB`, `fr_CA`); `nl-BE` is Flemish.
fn language_code(tag: &str) -> Option<u8> {
    let tag = tag.trim();
    if let Some((_, code)) = languages()
        .find(|(_, t)| t.eq_ignore_ascii_case(tag))
        .map(|(c, t)| (t, *c))
    {
        return Some(code);
    }
    let primary = tag.split(['-', '_']).next()?;
    languages()
        .find(|(_, t)| !t.contains('-') && t.eq_ignore_ascii_case(primary))
        .map(|(c, _)| *c)
}
