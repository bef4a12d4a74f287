//! The intermediate cue model every format reads into and writes from.
//!
//! Times are milliseconds of real time. Styling is kept inline in each line as the tags
//! SubRip and WebVTT share: `<i>`, `<b>`, `<u>`, and `<font color="…">` (a CSS colour name
//! or `#rrggbb`), properly nested. Position is a [`Placement`] in percent of the video
//! frame, so formats with different grids (608's 32×15 cells, EBU STL's rows, TTML regions,
//! WebVTT's line/position) can map to and from it.

use super::timecode::FrameRate;

/// How the lines of a cue are aligned within its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// The start of the line in its writing direction (left in Latin scripts).
    Start,
    End,
}

/// Where a cue sits, in percent of the video frame (0–100). `None` means the format's
/// default: horizontally centred, at the bottom of the frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Placement {
    /// The top of the cue's first line, from the top of the frame.
    pub top: Option<f32>,
    /// The left edge of the cue's box, from the left of the frame.
    pub left: Option<f32>,
    /// The width of the cue's box.
    pub width: Option<f32>,
    pub align: Option<Align>,
    /// The name of the source's region (TTML), kept so a TTML round trip keeps it.
    pub region: Option<String>,
}

impl Placement {
    /// True when nothing about the position is known (the format default applies).
    pub fn is_default(&self) -> bool {
        self.top.is_none() && self.left.is_none() && self.width.is_none() && self.align.is_none()
    }
}

/// One caption: shown from `start_ms` until `end_ms`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cue {
    /// The source's cue identifier, when it had one.
    pub id: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Text lines with inline styling tags (see the module note).
    pub lines: Vec<String>,
    pub placement: Placement,
}

/// A caption file, format-neutral.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub cues: Vec<Cue>,
    /// What the reader had to drop or guess.
    pub warnings: Vec<String>,
    /// The frame rate the file itself declares (TTML `ttp:frameRate`, EBU STL's DFC), if any.
    pub frame_rate: Option<FrameRate>,
    /// The language the file declares (`xml:lang`, EBU STL's LC), as written there.
    pub language: Option<String>,
}
