//! TTML (`.ttml`), DFXP (`.dfxp`) and IMSC 1.1 Text (`.ttml`): profiles `TTML`, `DFXP` and
//! `IMSC1.1 Text`, one reader and one writer engine for all three.
//!
//! Follows W3C "Timed Text Markup Language 2 (TTML2)": §10.3.1 time expressions (clock
//! time with fraction, frames and sub-frames; offset time in h, m, s, ms, f, t), §7.2.3
//! `ttp:frameRate`, `ttp:frameRateMultiplier`, `ttp:subFrameRate`, `ttp:tickRate`,
//! `ttp:timeBase`, `ttp:dropMode`, `ttp:cellResolution`; §12.1/§12.4 timing (par and seq
//! time containers, times relative to the parent's begin, an element's end capped by its
//! parent's); §8.1.3 referential and chained styling, §10.4 style resolution; §11.1
//! regions (`tts:origin`, `tts:extent`, `tts:displayAlign`, `tts:textAlign`); §7.3
//! (`xml:space`) whitespace handling. The writer produces documents conforming to W3C
//! "IMSC 1.1" Text Profile (§5 profile designator via `ttp:contentProfiles`, §7 common
//! provisions: regions inside the root container, `#extent-root`, `#frameRate`, `#timing`;
//! §8 text profile: `#extent-region` in percent, `#origin` in percent, `#color` initial
//! white). DFXP files in the legacy `http://www.w3.org/2006/10/ttaf1` and
//! `http://www.w3.org/2006/04/ttaf1` namespaces are read too.
//!
//! Position mapping (see `style.rs`): a region's origin and extent become a [`Placement`](super::Placement)'s
//! left, width and top; with `displayAlign="after"` the text is assumed to take
//! [`LINE_HEIGHT`] percent of the frame per line (WebVTT's default line height, so the two
//! formats agree). The writer's default region is the bottom of the 80% safe area
//! (`origin="10% 60%" extent="80% 30%" displayAlign="after"`); a region whose bottom edge is
//! that line (90%) reads as the default bottom position, and one spanning the safe width
//! (10%, 80%) as the default horizontal position.

mod head;
mod read;
mod style;
mod text;
mod time;
mod write;
mod xml;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_write;

use super::{Allowed, Format, OptionSpec};

/// The height of one text line, in percent of the frame height (shared with WebVTT).
pub(crate) const LINE_HEIGHT: f32 = super::vtt_read::LINE_HEIGHT;

/// Languages the writer offers for `xml:lang` when the source declares none.
const LANGUAGES: &[&str] = &[
    "en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "fi", "is", "pl", "cs", "sk", "hu", "ro",
    "bg", "hr", "sr", "sl", "el", "tr", "ru", "uk", "ar", "he", "fa", "hi", "bn", "ta", "th", "vi", "id",
    "ms", "ja", "ko", "zh", "zh-Hans", "zh-Hant", "und",
];

const TIME_FORMAT: OptionSpec = OptionSpec {
    name: "time_format",
    allowed: Allowed::OneOf(&["clock", "frames", "offset"]),
    default: "clock",
    about: "How times are written: clock (hh:mm:ss.fff), frames (hh:mm:ss:ff at the output frame rate, with ttp:frameRate declared) or offset (seconds, e.g. 12.345s).",
};

const LANGUAGE: OptionSpec = OptionSpec {
    name: "default_language",
    allowed: Allowed::OneOf(LANGUAGES),
    default: "en",
    about: "The xml:lang written on <tt> when the source file declares no language.",
};

const NAMESPACE: OptionSpec = OptionSpec {
    name: "namespace",
    allowed: Allowed::OneOf(&["ttml", "ttaf1"]),
    default: "ttml",
    about: "The XML namespace: ttml (http://www.w3.org/ns/ttml, TTML1 and later) or ttaf1 (the legacy DFXP draft namespace http://www.w3.org/2006/10/ttaf1, for old players).",
};

static ENCODE: &[OptionSpec] = &[TIME_FORMAT, LANGUAGE];
static DFXP_ENCODE: &[OptionSpec] = &[TIME_FORMAT, LANGUAGE, NAMESPACE];

pub const TTML: Format = Format {
    profile: "TTML",
    extension: "ttml",
    content_type: "application/ttml+xml; charset=utf-8",
    binary: false,
    read: Some(read::read),
    write: Some(write::write_ttml),
    decode_options: &[],
    encode_options: ENCODE,
};

pub const DFXP: Format = Format {
    profile: "DFXP",
    extension: "dfxp",
    write: Some(write::write_dfxp),
    encode_options: DFXP_ENCODE,
    ..TTML
};

pub const IMSC: Format = Format {
    profile: "IMSC1.1 Text",
    extension: "ttml",
    write: Some(write::write_imsc),
    ..TTML
};

/// The TTML namespace (TTML1 §5.1, TTML2 §5.3) and its styling and parameter namespaces.
const NS_TT: &str = "http://www.w3.org/ns/ttml";
/// The DFXP drafts' namespaces, still found in old files.
const NS_LEGACY: [&str; 2] = [
    "http://www.w3.org/2006/10/ttaf1",
    "http://www.w3.org/2006/04/ttaf1",
];
const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";
