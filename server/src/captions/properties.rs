//! Property tests shared by the text formats: any document the model can hold, written
//! in a format and read back, gives the same cues (what the format can carry), and every
//! reader survives any text.

use super::{format, read_text, write_plain, Align, Cue, Document, Placement};
use proptest::prelude::*;

/// A word of letters, digits and the punctuation captions use, or a lone `<`, `>` or `&`
/// that writers must escape. (A `<` right before a letter is markup in the model.)
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::string::string_regex("[A-Za-zéñüß0-9?!,.'&-]{1,10}").expect("a valid pattern"),
        1 => Just("<".to_string()),
        1 => Just(">".to_string()),
    ]
}

/// A line of words, optionally wrapped in one styling tag.
fn line() -> impl Strategy<Value = String> {
    (proptest::collection::vec(word(), 1..6), 0..4usize).prop_map(|(words, style)| {
        let text = words.join(" ");
        match style {
            1 => format!("<i>{text}</i>"),
            2 => format!("<b>{text}</b>"),
            3 => format!("<u>{text}</u>"),
            _ => text,
        }
    })
}

/// Cues in time order, 40 ms to 10 s long, with gaps, starting anywhere in 10 hours.
fn cues(placed: bool) -> impl Strategy<Value = Vec<Cue>> {
    let cue = (
        0..5_000i64,
        40..10_000i64,
        proptest::collection::vec(line(), 1..4),
        proptest::option::of((0..90u8, 0..50u8, 0..5u8)),
    );
    (0..36_000_000i64, proptest::collection::vec(cue, 1..20)).prop_map(move |(start, specs)| {
        let mut at = start;
        specs
            .into_iter()
            .map(|(gap, length, lines, place)| {
                at += gap;
                let start_ms = at;
                at += length;
                let placement = match place.filter(|_| placed) {
                    Some((top, left, align)) => Placement {
                        top: Some(f32::from(top)),
                        left: Some(f32::from(left)),
                        width: Some(100.0 - f32::from(left)),
                        align: Some(
                            [Align::Left, Align::Center, Align::Right, Align::Start, Align::End]
                                [usize::from(align)],
                        ),
                        region: None,
                    },
                    None => Placement::default(),
                };
                Cue {
                    id: None,
                    start_ms,
                    end_ms: at,
                    lines,
                    placement,
                }
            })
            .collect()
    })
}

/// What a format keeps of a cue: SubRip numbers cues itself, SBV has no styling.
fn kept(profile: &str, mut cue: Cue) -> Cue {
    if profile != "WebVTT" {
        cue.id = None;
    }
    if profile == "YouTube SBV" {
        cue.lines = cue.lines.iter().map(|l| super::strip_tags(l)).collect();
    }
    cue
}

fn round_trip(profile: &str, cues: Vec<Cue>) -> Result<(), TestCaseError> {
    let format = format(profile).ok_or_else(|| TestCaseError::fail("no such format"))?;
    let doc = Document {
        cues,
        ..Document::default()
    };
    let written = write_plain(format, &doc).ok_or_else(|| TestCaseError::fail("no writer"))?;
    let text = String::from_utf8(written.bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let again = read_text(format, &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    let read: Vec<Cue> = again.cues.into_iter().map(|c| kept(profile, c)).collect();
    let expected: Vec<Cue> = doc.cues.into_iter().map(|c| kept(profile, c)).collect();
    prop_assert_eq!(read, expected, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn subrip_round_trips(cues in cues(false)) {
        round_trip("SubRip Video Subtitle Script", cues)?;
    }

    #[test]
    fn webvtt_round_trips_with_positions(cues in cues(true)) {
        round_trip("WebVTT", cues)?;
    }

    #[test]
    fn sbv_round_trips(cues in cues(false)) {
        round_trip("YouTube SBV", cues)?;
    }

    #[test]
    fn text_readers_survive_any_text(text in "\\PC{0,400}") {
        for f in super::FORMATS.iter().filter(|f| !f.binary && f.read.is_some()) {
            let _ = read_text(f, &text);
        }
    }
}
