//! SAMI tests: the structure of the example in "Understanding SAMI 1.0", tag soup,
//! errors naming the line, the writer's text, round trips and properties.

use super::{read::parse, DECODE_OPTIONS, FORMAT};
use crate::captions::{read_text, write_plain, Align, Cue, Document, Input, Options, ParseError, Placement};
use proptest::prelude::*;

const MULTILANG: &str = include_str!("../../../tests/golden/sami/multilang.smi");
const TAG_SOUP: &str = include_str!("../../../tests/golden/sami/tagsoup.smi");

fn cue(start_ms: i64, end_ms: i64, lines: &[&str]) -> Cue {
    Cue {
        start_ms,
        end_ms,
        lines: lines.iter().map(|l| l.to_string()).collect(),
        ..Cue::default()
    }
}

/// Reads as a job with decode option `language` would.
fn read_language(text: &str, language: &str) -> Result<Document, ParseError> {
    let options = Options::from_pairs(DECODE_OPTIONS, &[("language", language)]).expect("valid option");
    (FORMAT.read.expect("reader"))(&Input {
        text,
        bytes: text.as_bytes(),
        frame_rate: crate::captions::FrameRate::NTSC_DF,
        frame_rate_given: false,
        options: &options,
    })
}

#[test]
fn the_specification_example_reads_the_first_language_by_default() {
    let doc = read_text(&FORMAT, MULTILANG).expect("reads");
    assert_eq!(doc.language.as_deref(), Some("en-US"));
    assert_eq!(
        doc.cues,
        [
            cue(0, 1000, &["The Speaker", "SAMI 0000 text"]),
            cue(1000, 2500, &["SAMI 1000 text", "second & <i>last</i> line"]),
            cue(3000, 5000, &["<font color=\"yellow\">Yellow</font> words"]),
        ]
    );
    assert_eq!(
        doc.warnings,
        ["the file has 2 language classes (ENUSCC, FRFRCC); ENUSCC was read (decode option language picks another)"]
    );
}

#[test]
fn the_language_option_picks_a_class() {
    let doc = read_language(MULTILANG, "fr").expect("reads");
    assert_eq!(doc.language.as_deref(), Some("fr-FR"));
    assert_eq!(
        doc.cues,
        [
            cue(0, 1000, &["Le locuteur", "Texte SAMI 0000"]),
            cue(1000, 2500, &["Texte SAMI 1000, déjà vu"]),
            cue(3000, 5000, &["<font color=\"yellow\">Mots</font> jaunes"]),
        ]
    );
    assert_eq!(
        read_language(MULTILANG, "de"),
        Err(ParseError::AtLine {
            line: 8,
            message: "decode option language is \"de\", but the STYLE block declares no class for it; it declares ENUSCC (en-US), FRFRCC (fr-FR)".into()
        })
    );
}

#[test]
fn tag_soup_is_read_as_a_browser_would() {
    let doc = read_text(&FORMAT, TAG_SOUP).expect("reads");
    assert_eq!(
        doc.cues,
        [
            // No </P>, no </I>: the P ends at the next SYNC, the italics at its end.
            cue(500, 1500, &["Unclosed <i>italic</i>"]),
            // A P without a class is read; bold carries over the <br>; &nbsp; is kept.
            cue(1500, 2000, &["Next\u{a0}one <b>bold</b>", "<b>still bold</b> <3"]),
            // `Start = 2200` with spaces, a quoted CLASS, a span dropped, entities.
            cue(2200, 6200, &["kept ☺ \"q\" &"]),
        ]
    );
    assert_eq!(
        doc.warnings,
        [
            "1 tag(s) with no caption meaning (a span, a font face or size) were dropped, their text kept",
            "the last caption (line 7) has no SYNC after it to clear it; it was shown for 4 seconds",
        ]
    );
}

#[test]
fn errors_name_the_line_and_what_was_expected() {
    assert_eq!(
        read_text(&FORMAT, "1\n00:00:01,000 --> 00:00:02,000\nHi\n"),
        Err(ParseError::AtLine {
            line: 1,
            message: "expected a <SAMI> document: this file has no <SAMI> element".into()
        })
    );
    assert_eq!(
        read_text(
            &FORMAT,
            "<SAMI><BODY>\n<SYNC Start=1000><P>a\n<SYNC Start=abc><P>b\n</BODY></SAMI>"
        ),
        Err(ParseError::AtLine {
            line: 3,
            message: "expected <SYNC Start=milliseconds>, found <SYNC Start=abc>".into()
        })
    );
    assert_eq!(
        read_text(&FORMAT, "<SAMI><BODY>\n\n<SYNC Start=1000"),
        Err(ParseError::AtLine {
            line: 3,
            message: "the tag \"<SYNC Start=1000\" is not closed with \">\"".into()
        })
    );
    assert_eq!(
        read_text(&FORMAT, "<SAMI><BODY><SYNC Start=0><P>&nbsp;</BODY></SAMI>"),
        Err(ParseError::Empty)
    );
}

#[test]
fn the_writer_puts_out_a_sami_document() {
    let doc = Document {
        cues: vec![
            cue(1000, 2500, &["<i>Tom</i> & Jerry", "a < b"]),
            cue(2500, 4000, &["<font color=\"#ff0000\">next</font>"]),
            Cue {
                placement: Placement {
                    align: Some(Align::Left),
                    ..Placement::default()
                },
                ..cue(5000, 6000, &["<v Bob>last"])
            },
        ],
        language: Some("fr-CA".into()),
        ..Document::default()
    };
    let written = write_plain(&FORMAT, &doc).expect("writes");
    let text = String::from_utf8(written.bytes).expect("utf-8");
    assert_eq!(
        text,
        "<SAMI>\n<HEAD>\n<STYLE TYPE=\"text/css\">\n<!--\n\
         P { margin-left: 8pt; margin-right: 8pt; margin-bottom: 2pt; margin-top: 2pt;\n    \
         text-align: center; font-size: 20pt; font-family: Arial, sans-serif;\n    \
         font-weight: normal; color: white; }\n\
         .FRCACC { Name: fr-CA; lang: fr-CA; SAMIType: CC; }\n-->\n</STYLE>\n</HEAD>\n<BODY>\n\
         <SYNC Start=1000><P Class=FRCACC><i>Tom</i> &amp; Jerry<br>a &lt; b</P></SYNC>\n\
         <SYNC Start=2500><P Class=FRCACC><font color=\"#ff0000\">next</font></P></SYNC>\n\
         <SYNC Start=4000><P Class=FRCACC>&nbsp;</P></SYNC>\n\
         <SYNC Start=5000><P Class=FRCACC>last</P></SYNC>\n\
         <SYNC Start=6000><P Class=FRCACC>&nbsp;</P></SYNC>\n</BODY>\n</SAMI>\n"
    );
    assert_eq!(
        written.warnings,
        [
            "SAMI keeps <i>, <b>, <u> and <font color>; 1 other tag(s) were dropped, their text kept",
            "SAMI has no per-caption position: 1 positioned caption(s) were written in the default place",
        ]
    );
    let again = read_text(&FORMAT, &text).expect("re-reads");
    assert_eq!(again.language.as_deref(), Some("fr-CA"));
    assert_eq!(again.cues[0], doc.cues[0]);
    assert_eq!(again.cues[2].lines, ["last"]);
}

#[test]
fn the_golden_file_round_trips_through_the_writer() {
    for language in ["en", "fr"] {
        let doc = read_language(MULTILANG, language).expect("reads");
        let written = write_plain(&FORMAT, &doc).expect("writes");
        assert!(written.warnings.is_empty(), "{:?}", written.warnings);
        let again = parse(std::str::from_utf8(&written.bytes).expect("utf-8"), "auto").expect("re-reads");
        assert_eq!(again.cues, doc.cues);
        assert_eq!(again.language, doc.language);
    }
}

/// A word: letters (accented too), digits, punctuation, or a lone `<`, `>`, `&`.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::string::string_regex("[A-Za-z0-9éñüß中?!,.'\";-]{1,10}").expect("a valid pattern"),
        1 => Just("<".to_string()),
        1 => Just(">".to_string()),
        1 => Just("&".to_string()),
        1 => Just("&amp;".to_string()),
    ]
}

fn line() -> impl Strategy<Value = String> {
    (proptest::collection::vec(word(), 1..6), 0..6usize).prop_map(|(words, style)| {
        let text = words.join(" ");
        match style {
            1 => format!("<i>{text}</i>"),
            2 => format!("<b>{text}</b>"),
            3 => format!("<u>{text}</u>"),
            4 => format!("<font color=\"#00ff00\">{text}</font>"),
            5 => format!("<font color=\"cyan\"><b>{text}</b></font>"),
            _ => text,
        }
    })
}

fn cues() -> impl Strategy<Value = Vec<Cue>> {
    let one = (0..3_000i64, 1..10_000i64, proptest::collection::vec(line(), 1..4));
    (0..36_000_000i64, proptest::collection::vec(one, 1..20)).prop_map(|(start, specs)| {
        let mut at = start;
        specs
            .into_iter()
            .map(|(gap, length, lines)| {
                at += gap;
                let start_ms = at;
                at += length;
                Cue {
                    start_ms,
                    end_ms: at,
                    lines,
                    ..Cue::default()
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn documents_round_trip(cues in cues()) {
        let doc = Document { cues, ..Document::default() };
        let written = write_plain(&FORMAT, &doc).ok_or_else(|| TestCaseError::fail("no writer"))?;
        prop_assert!(written.warnings.is_empty(), "{:?}", written.warnings);
        let text = String::from_utf8(written.bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again = read_text(&FORMAT, &text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(again.cues, doc.cues, "{}", text);
    }

    #[test]
    fn the_reader_survives_tag_soup(text in "(<[/!]?(SAMI|SYNC|P|BR|I|FONT|STYLE|b)( [A-Za-z]+=[\"']?[0-9A-Za-z#]*)?>|&[#a-z0-9]{0,6};?|<!--|-->|[a-z \n{}.:;<>&]){0,80}") {
        let _ = read_text(&FORMAT, &text);
        let _ = read_text(&FORMAT, &format!("<SAMI><BODY><SYNC Start=1>{text}"));
        let _ = read_language(&format!("<SAMI><STYLE>.A{{lang:fr}}{text}"), "fr");
    }
}
