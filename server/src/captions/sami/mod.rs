//! SAMI (`.smi`), profile `SAMI`, per Microsoft "Understanding SAMI 1.0" (2003): a
//! `<SAMI>` document with a `<HEAD>` whose `<STYLE>` declares CSS classes, one per
//! language (`.ENUSCC { Name: English; lang: en-US; SAMIType: CC; }`), and a `<BODY>` of
//! `<SYNC Start=ms>` elements, each holding one `<P Class=…>` per language.
//!
//! - Reading: SAMI is HTML tag soup, so the reader does not require well-formed XML: tag
//!   and attribute names ignore case, attribute values may be unquoted, end tags may be
//!   missing (a P ends at the next P or SYNC). White space collapses as in HTML; `<br>`
//!   breaks lines; `<i>`/`<em>`, `<b>`/`<strong>`, `<u>` and `<font color>` are kept
//!   (re-nested per line), other tags are dropped with their text kept; entities
//!   (`&nbsp;`, `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, numeric) are decoded.
//! - Timing: a SYNC with text starts a cue, which ends at the next SYNC of the same
//!   language; a SYNC whose text is only `&nbsp;` (or that has no P) just clears. The last
//!   cue, with no SYNC after it, is shown for 4 seconds (with a warning).
//! - Languages: decode option `language` is `auto` (the first class the STYLE block
//!   declares) or an ISO 639-1 code, matched against each class's `lang` (else its name,
//!   as in `ENUSCC`). A P without a class is read whatever the language. The class's
//!   `lang` becomes the document's language. Class style rules (`P { … }`, `#Source`) and
//!   `ID=Source` speaker boxes carry no per-cue meaning and are not mapped (a Source P's
//!   text is read as a line of the cue).
//! - Writing: a SAMI 1.0 document with one language class (from the document's language,
//!   else `en-US`), one SYNC per cue start, `<br>` between lines, text escaped, styling
//!   tags kept, and a `&nbsp;` SYNC at a cue's end unless the next cue starts then. SAMI
//!   has no per-caption position or overlap: those are reported.

mod read;
mod soup;
#[cfg(test)]
mod tests;
mod write;

use super::{Allowed, Format, OptionSpec};

pub const FORMAT: Format = Format {
    profile: "SAMI",
    extension: "smi",
    // SAMI is HTML-like text with no registered media type; `application/smil+xml` is
    // SMIL, a different format.
    content_type: "text/plain; charset=utf-8",
    binary: false,
    read: Some(read::read),
    write: Some(write::write),
    decode_options: DECODE_OPTIONS,
    encode_options: &[],
};

/// ISO 639-1 codes the `language` option offers (options take fixed words, so this is
/// the broadcast languages SAMI files commonly carry).
const LANGUAGES: [&str; 33] = [
    "auto", "en", "fr", "es", "de", "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "is", "pl", "cs", "sk",
    "hu", "ro", "el", "tr", "ru", "uk", "ar", "he", "hi", "ja", "ko", "zh", "vi", "th", "id", "ms",
];

static DECODE_OPTIONS: &[OptionSpec] = &[OptionSpec {
    name: "language",
    allowed: Allowed::OneOf(&LANGUAGES),
    default: "auto",
    about: "Which language class to read from a file with several: auto (the first the STYLE block declares) or a language code matched against each class's lang.",
}];
