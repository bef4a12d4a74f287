//! Tests for the TTML family: golden files shaped like the W3C TTML2 / IMSC 1.1 examples
//! (expected cues worked out by hand from the spec's rules), reader features and errors,
//! the IMSC writer's output checked against IMSC 1.1 Text constraints, round trips for all
//! three profiles, a property, and robustness on broken input.

use super::{DFXP, IMSC, LINE_HEIGHT, TTML};
use crate::captions::{
    read_text, write_plain, Align, Cue, Document, FrameRate, Input, Options, ParseError, Placement,
};

fn golden(bytes: &[u8]) -> Document {
    let text = std::str::from_utf8(bytes).expect("golden files are UTF-8");
    read_text(&TTML, text).expect("golden file reads")
}

pub(super) fn cue(start_ms: i64, end_ms: i64, lines: &[&str]) -> Cue {
    Cue {
        start_ms,
        end_ms,
        lines: lines.iter().map(|l| l.to_string()).collect(),
        ..Cue::default()
    }
}

fn times_and_text(doc: &Document) -> Vec<(i64, i64, Vec<String>)> {
    doc.cues
        .iter()
        .map(|c| (c.start_ms, c.end_ms, c.lines.clone()))
        .collect()
}

pub(super) fn expect(doc: &Document, want: &[(i64, i64, &[&str])]) {
    let want: Vec<(i64, i64, Vec<String>)> = want
        .iter()
        .map(|(s, e, l)| (*s, *e, l.iter().map(|x| x.to_string()).collect()))
        .collect();
    assert_eq!(times_and_text(doc), want);
}

fn region_only(id: &str) -> Placement {
    Placement {
        region: Some(id.into()),
        ..Placement::default()
    }
}

#[test]
fn golden_clock_times_language_entities_and_default_region() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/clock.ttml"));
    expect(
        &doc,
        &[
            (1000, 2500, &["Bonjour"]),
            (3250, 4100, &["Deux", "lignes"]),
            (3_600_000, 3_601_000, &["Tom & Jerry <3 été"]),
            // 123 h 4 min 5.678 s
            (443_045_678, 443_046_000, &["Long"]),
        ],
    );
    assert_eq!(doc.language.as_deref(), Some("fr"));
    assert_eq!(doc.cues[1].id.as_deref(), Some("second"));
    // origin 10% 10%, extent 80% 80%, after, centred: the default bottom-centre position.
    assert!(doc.cues.iter().all(|c| c.placement == region_only("bottom")));
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(doc.frame_rate, None);
}

#[test]
fn golden_offset_times() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/offset.ttml"));
    // Sorted by begin: 500ms+1500ms, 0.001h = 3.6 s to 0.1m = 6 s, 12.5 s, 2 min.
    expect(
        &doc,
        &[
            (500, 2000, &["B"]),
            (3600, 6000, &["C"]),
            (12_500, 13_000, &["A"]),
            (120_000, 125_000, &["D"]),
        ],
    );
}

#[test]
fn golden_frames_sub_frames_and_default_ticks_at_29_97() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/frames.ttml"));
    // Frame f lasts 1001/30 ms: 10 frames = 333.67 ms; 60f = 2002 ms; 90f = 3003 ms.
    // Ticks: 30 x 1000/1001 x 2 sub-frames = 59.94 a second, so 120t = 2.002 s.
    // 00:00:03:20.1 = 3 s + 20 frames + half a frame = 3684.02 ms.
    expect(
        &doc,
        &[
            (1000, 2334, &["one"]),
            (2002, 3003, &["two"]),
            (2002, 3684, &["three"]),
        ],
    );
    assert_eq!(doc.frame_rate, Some(FrameRate::NTSC_DF));
}

#[test]
fn golden_ticks() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/ticks.ttml"));
    expect(&doc, &[(1000, 2500, &["first"]), (4000, 4500, &["second"])]);
}

#[test]
fn golden_nested_div_p_span_timing_and_seq() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/nested.ttml"));
    // body 10 s; div 15–40 s; C (41–43 s) lies past its div's end and is never shown; the
    // inner div starts at 17 s and ends with its parent; the seq div starts at 50 s.
    expect(
        &doc,
        &[
            (16_000, 18_000, &["A"]),
            (17_000, 18_000, &["D"]),
            (18_000, 40_000, &["E karaoke"]),
            (35_000, 40_000, &["B"]),
            (50_000, 52_000, &["F"]),
            (53_000, 55_000, &["G"]),
            (55_000, 56_000, &["H"]),
        ],
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.starts_with("1 span(s) had timing of their own")),
        "{:?}",
        doc.warnings
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.starts_with("1 paragraph(s) are never shown")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn golden_style_inheritance_chains_and_region_styles() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/styles.ttml"));
    expect(
        &doc,
        &[
            // loud = base (yellow, italic) + bold; the span's "plain" turns italic off.
            (
                1000,
                2000,
                &["<font color=\"yellow\"><b><i>Loud </i>calm</b></font>"],
            ),
            // The region's colour is the base; the span's inline colour beats it.
            (
                3000,
                4000,
                &["<font color=\"#00ff00\">Green </font><font color=\"#ff0000\"><u>red</u></font>"],
            ),
            // A style cycle is cut; white is TTML's initial colour and carries no tag.
            (5000, 6000, &["<u>Under</u>"]),
            // #rrggbbaa keeps its colour; the space after the span is bold like its text.
            (
                7000,
                8000,
                &["<font color=\"#ffff00\">not bold<b> bold</b></font>"],
            ),
        ],
    );
    assert_eq!(
        doc.cues[1].placement,
        Placement {
            top: Some(5.0),
            align: Some(Align::Left),
            region: Some("top".into()),
            ..Placement::default()
        }
    );
}

#[test]
fn golden_regions_to_placements() {
    let doc = golden(include_bytes!("../../../tests/golden/ttml/regions.ttml"));
    let p: Vec<&Placement> = doc.cues.iter().map(|c| &c.placement).collect();
    // 192px 108px of 1920x1080 = 10% 10%; 1536px = 80%: the safe width, so no left/width.
    assert_eq!(
        *p[0],
        Placement {
            top: Some(10.0),
            region: Some("px".into()),
            ..Placement::default()
        }
    );
    // Ends at 90% (the default bottom line), aligned to the end.
    assert_eq!(
        *p[1],
        Placement {
            left: Some(0.0),
            width: Some(50.0),
            align: Some(Align::End),
            region: Some("low".into()),
            ..Placement::default()
        }
    );
    // Two lines centred in 40%–60%: 40 + (20 - 2 x 5.33) / 2.
    let mid = p[2].top.expect("a top");
    assert!(
        (mid - (40.0 + (20.0 - 2.0 * LINE_HEIGHT) / 2.0)).abs() < 0.001,
        "{mid}"
    );
    assert_eq!(
        (p[2].left, p[2].width, p[2].align),
        (Some(25.0), Some(50.0), Some(Align::Start))
    );
    // One line at the bottom of 50%–80%; no textAlign means TTML's initial value, start.
    let after = p[3].top.expect("a top");
    assert!((after - (80.0 - LINE_HEIGHT)).abs() < 0.001, "{after}");
    assert_eq!((p[3].left, p[3].align), (None, Some(Align::Start)));
    // 4c 3c of a 32 x 15 grid = 12.5% 20%; 24c = 75%.
    assert_eq!(
        (p[4].top, p[4].left, p[4].width),
        (Some(20.0), Some(12.5), Some(75.0))
    );
    assert_eq!(*p[5], region_only("nowhere"));
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.starts_with("1 paragraph(s) name a region that the head does not declare")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn golden_dfxp_legacy_namespace_prefixes_and_foreign_elements() {
    let doc = read_text(
        &DFXP,
        std::str::from_utf8(include_bytes!("../../../tests/golden/ttml/legacy.dfxp")).expect("utf-8"),
    )
    .expect("reads");
    // 5 frames at 25 fps = 200 ms; 2 s 12 frames = 2480 ms. The p inside the foreign
    // element is not TTML content.
    expect(
        &doc,
        &[
            (200, 1000, &["<i>Guten</i>", "<i>Tag</i>"]),
            (2480, 3000, &["Zwei Zeilen"]),
        ],
    );
    assert_eq!(doc.frame_rate, FrameRate::parse("25", false).ok());
    assert_eq!(doc.language.as_deref(), Some("de"));
}

#[test]
fn golden_malformed_xml_names_the_line_and_what_was_expected() {
    let text =
        std::str::from_utf8(include_bytes!("../../../tests/golden/ttml/malformed.ttml")).expect("utf-8");
    assert_eq!(
        read_text(&TTML, text).unwrap_err(),
        ParseError::AtLine {
            line: 6,
            message: "malformed XML: expected </p> to close <p>, found </div>".into()
        }
    );
}

pub(super) fn imsc_sample() -> Document {
    Document {
        cues: vec![
            cue(1000, 2500, &["Hello, <i>world</i>!"]),
            Cue {
                id: Some("c2".into()),
                placement: Placement {
                    top: Some(10.0),
                    align: Some(Align::Left),
                    ..Placement::default()
                },
                ..cue(
                    3000,
                    4000,
                    &[
                        "<font color=\"yellow\">Top</font> & <b>bold</b>",
                        "second <u>line</u>",
                    ],
                )
            },
        ],
        ..Document::default()
    }
}

#[test]
fn golden_imsc_output_written_from_the_spec() {
    let written = write_plain(&IMSC, &imsc_sample()).expect("writes");
    assert_eq!(
        String::from_utf8(written.bytes).expect("utf-8"),
        std::str::from_utf8(include_bytes!("../../../tests/golden/ttml/imsc_expected.ttml")).expect("utf-8")
    );
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
}

#[test]
fn bad_time_expressions_name_the_line_the_attribute_and_the_forms() {
    let text = "<tt xmlns=\"http://www.w3.org/ns/ttml\">\n<body>\n<div>\n<p begin=\"1s\"\n   end=\"00:00:02,500\">x</p>\n</div></body></tt>";
    let err = read_text(&TTML, text).unwrap_err();
    let ParseError::AtLine { line, message } = err else {
        panic!("expected a line error, got {err:?}");
    };
    assert_eq!(line, 5);
    assert!(
        message.starts_with(
            "end=\"00:00:02,500\" on <p> is not a TTML time expression; use clock time (hh:mm:ss"
        ),
        "{message}"
    );
    assert!(message.contains("12.5s"), "{message}");
}

#[test]
fn a_file_that_is_not_ttml_says_so() {
    let err = read_text(&TTML, "<?xml version=\"1.0\"?>\n<html><body/></html>").unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: expected the root element <tt> of a TTML document (namespace http://www.w3.org/ns/ttml), found <html>; this is not a TTML file"
    );
    let err = read_text(&TTML, "1\n00:00:01,000 --> 00:00:02,000\nHi\n").unwrap_err();
    assert!(err.to_string().contains("this is not a TTML file"), "{err}");
    assert_eq!(read_text(&TTML, "  \n").unwrap_err(), ParseError::Empty);
    let no_cues = "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div><p begin=\"1s\" end=\"2s\"> </p></div></body></tt>";
    assert_eq!(read_text(&TTML, no_cues).unwrap_err(), ParseError::Empty);
    let unclosed = "<tt xmlns=\"http://www.w3.org/ns/ttml\">\n<body><div><p begin=\"1s\" end=\"2s\">x</p>\n";
    assert_eq!(
        read_text(&TTML, unclosed).unwrap_err().to_string(),
        "line 3: malformed XML: the file ends inside <div>; expected </div> and the closing tags of the elements around it"
    );
}

#[test]
fn smpte_drop_frame_labels_and_the_jobs_frame_rate() {
    let text = r#"<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
        ttp:timeBase="smpte" ttp:dropMode="dropNTSC" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001">
        <body><div>
        <p begin="00:01:00:02" end="00:10:00:00">x</p>
        </div></body></tt>"#;
    let doc = read_text(&TTML, text).expect("reads");
    // Drop-frame label 00:01:00;02 is frame 1800 (60.06 s); 00:10:00;00 is frame 17,982.
    assert_eq!((doc.cues[0].start_ms, doc.cues[0].end_ms), (60_060, 599_999));
    assert_eq!(doc.frame_rate, Some(FrameRate::NTSC_DF));

    // A job that names its rate beats the file's declaration for frame times.
    let text = r#"<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
        ttp:frameRate="30"><body><p begin="00:00:01:12" end="00:00:02:00">x</p></body></tt>"#;
    let options = Options::default();
    let read = |rate: &str, given: bool| {
        (TTML.read.expect("reader"))(&Input {
            text,
            bytes: text.as_bytes(),
            frame_rate: FrameRate::parse(rate, false).expect("rate"),
            frame_rate_given: given,
            options: &options,
        })
        .expect("reads")
    };
    assert_eq!(read("25", true).cues[0].start_ms, 1480);
    assert_eq!(read("25", false).cues[0].start_ms, 1400);
    assert_eq!(read("25", true).frame_rate, FrameRate::parse("30", false).ok());
}

#[test]
fn whitespace_collapses_unless_preserved_and_undeclared_rates_are_reported() {
    let text = "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div>\
        <p begin=\"0s\" end=\"1s\">\n   two\n   words  <br/>  next </p>\
        <p begin=\"1s\" end=\"2s\" xml:space=\"preserve\">a  b\nc</p>\
        <p begin=\"00:00:02:15\" end=\"3s\"><![CDATA[x < y]]></p>\
        </div></body></tt>";
    let doc = read_text(&TTML, text).expect("reads");
    expect(
        &doc,
        &[
            (0, 1000, &["two words", "next"]),
            (1000, 2000, &["a  b", "c"]),
            (2501, 3000, &["x < y"]),
        ],
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("declares no ttp:frameRate")),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn paragraphs_without_any_end_run_to_the_next() {
    let text = "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div>\
        <p begin=\"1s\">a</p><p begin=\"3s\">b</p></div></body></tt>";
    let doc = read_text(&TTML, text).expect("reads");
    expect(&doc, &[(1000, 3000, &["a"]), (3000, 8000, &["b"])]);
    assert!(doc
        .warnings
        .iter()
        .any(|w| w.starts_with("2 paragraph(s) have no end time")));
}
