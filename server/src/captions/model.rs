//! The intermediate cue model every format reads into and writes from.

/// One caption: shown from `start_ms` until `end_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// The source's cue identifier, when it had one.
    pub id: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    /// Text lines. Styling is kept as the SubRip/WebVTT inline tags `<i>`, `<b>`, `<u>`.
    pub lines: Vec<String>,
}

/// A caption file, format-neutral.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub cues: Vec<Cue>,
    /// What the reader had to drop or guess.
    pub warnings: Vec<String>,
}
