//! Writer tests for the TTML family: the IMSC writer's output checked against IMSC 1.1
//! Text constraints, options, warnings, round trips for all three profiles, a property
//! (model -> write -> read gives the same cues), and robustness on broken input.

use super::tests::{cue, expect, imsc_sample};
use super::{DFXP, IMSC, TTML};
use crate::captions::{
    read_text, write_plain, Align, Cue, Document, Format, FrameRate, Options, Output, Placement,
};

/// Attribute values of an element in serialized XML (the writer's own output shape).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = if tag.starts_with(&format!("{name}=\"")) {
        name.len() + 2
    } else {
        tag.find(&format!(" {name}=\""))? + name.len() + 3
    };
    tag[at..].split('"').next()
}

fn percent_pair(value: &str) -> (f32, f32) {
    let mut parts = value.split(' ').map(|v| {
        v.strip_suffix('%')
            .and_then(|n| n.parse::<f32>().ok())
            .unwrap_or_else(|| panic!("{value} is not in percent"))
    });
    (parts.next().expect("x"), parts.next().expect("y"))
}

/// IMSC 1.1 Text requirements a test can check on the serialized document.
fn check_imsc(xml: &str) {
    // Well-formed: quick-xml reads it to the end.
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed: {e}\n{xml}"),
        }
    }
    let tt = xml
        .split("<tt ")
        .nth(1)
        .and_then(|t| t.split('>').next())
        .expect("a tt element");
    // §5.2 profile signalling; TTML2 §8.2.x xml:lang required on tt.
    assert_eq!(
        attr(tt, "ttp:contentProfiles"),
        Some("http://www.w3.org/ns/ttml/profile/imsc1.1/text")
    );
    assert!(attr(tt, "xml:lang").is_some_and(|l| !l.is_empty()));
    // §7 #extent-root: no px anywhere, so no root extent; #timeBase-media only.
    assert_eq!(attr(tt, "tts:extent"), None);
    assert!(matches!(attr(tt, "ttp:timeBase"), None | Some("media")));
    assert!(!xml.contains("ttp:profile=") && !xml.contains("px\"") && !xml.contains("wallclock"));
    // Regions: §8 #extent-region (present, in %), §7 inside the root container.
    let mut regions = Vec::new();
    for region in xml.split("<region ").skip(1) {
        let id = attr(region, "xml:id").expect("region id");
        let (x, y) = percent_pair(attr(region, "tts:origin").expect("origin"));
        let (w, h) = percent_pair(attr(region, "tts:extent").expect("extent on every region"));
        assert!(
            x >= 0.0 && y >= 0.0 && w > 0.0 && h > 0.0 && x + w <= 100.0 && y + h <= 100.0,
            "{region}"
        );
        regions.push(id.to_string());
    }
    // Every p names a declared region and has begin <= end (§7 #timing); begins in order.
    let mut last_begin = -1;
    let frames = attr(tt, "ttp:frameRate").is_some();
    let secs = |t: &str| -> i64 {
        if let Some(s) = t.strip_suffix('s') {
            return (s.parse::<f64>().expect("offset") * 1000.0).round() as i64;
        }
        let f: Vec<f64> = t
            .split([':', '.'])
            .map(|p| p.parse().expect("clock field"))
            .collect();
        let ms = if frames { f[3] * 1000.0 / 30.0 } else { f[3] };
        ((f[0] * 3600.0 + f[1] * 60.0 + f[2]) * 1000.0 + ms) as i64
    };
    for p in xml.split("<p ").skip(1) {
        let region = attr(p, "region").expect("every p has a region");
        assert!(regions.iter().any(|r| r == region), "{region} is declared");
        let (b, e) = (
            secs(attr(p, "begin").expect("begin")),
            secs(attr(p, "end").expect("end")),
        );
        assert!(b <= e && b >= last_begin, "{p}");
        last_begin = b;
    }
}

#[test]
fn imsc_output_meets_imsc_1_1_text_constraints() {
    let mut doc = imsc_sample();
    doc.cues.push(Cue {
        placement: Placement {
            top: Some(97.0),
            left: Some(70.0),
            width: Some(50.0),
            align: Some(Align::End),
            region: Some("bad id".into()),
        },
        ..cue(5000, 6000, &["corner"])
    });
    doc.cues.push(cue(
        4000,
        4500,
        &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"],
    ));
    for format in ["clock", "frames", "offset"] {
        let options = Options::from_pairs(IMSC.encode_options, &[("time_format", format)]).expect("option");
        let written = (IMSC.write.expect("writer"))(
            &doc,
            &Output {
                frame_rate: FrameRate::parse("30", false).expect("rate"),
                options: &options,
            },
        );
        let xml = String::from_utf8(written.bytes).expect("utf-8");
        check_imsc(&xml);
        if format == "frames" {
            assert!(
                xml.contains(" ttp:frameRate=\"30\"") && !xml.contains("frameRateMultiplier"),
                "{xml}"
            );
            assert!(xml.contains("begin=\"00:00:01:00\" end=\"00:00:02:15\""), "{xml}");
        }
        if format == "offset" {
            assert!(xml.contains("begin=\"1.000s\" end=\"2.500s\""), "{xml}");
        }
    }
}

#[test]
fn frames_at_29_97_declare_the_multiplier() {
    let options = Options::from_pairs(IMSC.encode_options, &[("time_format", "frames")]).expect("option");
    let written = (IMSC.write.expect("writer"))(
        &imsc_sample(),
        &Output {
            frame_rate: FrameRate::NTSC_DF,
            options: &options,
        },
    );
    let xml = String::from_utf8(written.bytes).expect("utf-8");
    assert!(
        xml.contains(" ttp:frameRate=\"30\" ttp:frameRateMultiplier=\"1000 1001\""),
        "{xml}"
    );
    let again = read_text(&IMSC, &xml).expect("reads");
    for (a, b) in again.cues.iter().zip(&imsc_sample().cues) {
        assert!((a.start_ms - b.start_ms).abs() <= 34 && (a.end_ms - b.end_ms).abs() <= 34);
    }
}

#[test]
fn dfxp_can_write_the_legacy_namespace_and_reads_it_back() {
    let options = Options::from_pairs(DFXP.encode_options, &[("namespace", "ttaf1")]).expect("option");
    let written = (DFXP.write.expect("writer"))(
        &imsc_sample(),
        &Output {
            frame_rate: FrameRate::NTSC_DF,
            options: &options,
        },
    );
    let xml = String::from_utf8(written.bytes).expect("utf-8");
    assert!(xml.contains("<tt xmlns=\"http://www.w3.org/2006/10/ttaf1\" xmlns:ttp=\"http://www.w3.org/2006/10/ttaf1#parameter\" xmlns:tts=\"http://www.w3.org/2006/10/ttaf1#styling\" xml:lang=\"en\""), "{xml}");
    assert!(!xml.contains("contentProfiles"));
    let again = read_text(&DFXP, &xml).expect("reads");
    assert_eq!(without_new_regions(&imsc_sample(), &again), imsc_sample().cues);
    assert_eq!(DFXP.extension, "dfxp");
    // The default is TTML's namespace.
    let plain = String::from_utf8(write_plain(&DFXP, &imsc_sample()).expect("writes").bytes).expect("utf-8");
    assert!(plain.contains("<tt xmlns=\"http://www.w3.org/ns/ttml\""));
}

/// `read`'s cues with the region ids the writer made up (where `original` had none) removed.
fn without_new_regions(original: &Document, read: &Document) -> Vec<Cue> {
    read.cues
        .iter()
        .zip(&original.cues)
        .map(|(r, o)| {
            let mut r = r.clone();
            if o.placement.region.is_none() {
                r.placement.region = None;
            }
            r
        })
        .collect()
}

#[test]
fn round_trips_for_all_three_profiles() {
    let mut doc = imsc_sample();
    doc.language = Some("pt-BR".into());
    doc.cues.push(Cue {
        id: Some("kept_region".into()),
        placement: Placement {
            top: Some(20.0),
            left: Some(5.0),
            width: Some(40.0),
            align: Some(Align::Right),
            region: Some("upper".into()),
        },
        ..cue(7000, 8000, &["<b><i>both</i></b> & \"quotes\" <u>u</u>"])
    });
    doc.cues.push(Cue {
        placement: Placement {
            left: Some(30.0),
            width: Some(40.0),
            align: Some(Align::Start),
            ..Placement::default()
        },
        ..cue(9000, 9500, &["<font color=\"#ff8000\">orange-ish</font> > less"])
    });
    for format in [&TTML, &DFXP, &IMSC] {
        let written = write_plain(format, &doc).expect("writes");
        assert!(
            written.warnings.is_empty(),
            "{}: {:?}",
            format.profile,
            written.warnings
        );
        let again = read_text(format, std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
        assert_eq!(without_new_regions(&doc, &again), doc.cues, "{}", format.profile);
        assert_eq!(again.language.as_deref(), Some("pt-BR"));
        assert_eq!(again.cues[2].placement.region.as_deref(), Some("upper"));
    }
}

#[test]
fn writer_warns_once_per_kind_of_loss() {
    let doc = Document {
        cues: vec![
            Cue {
                id: Some("1".into()),
                ..cue(
                    0,
                    1000,
                    &["<font face=\"Arial\">a</font> <font color=\"orange\">b</font> \u{1}"],
                )
            },
            Cue {
                id: Some("2".into()),
                ..cue(1000, 2000, &["<c.yellow>c</c>", "<font color=\"nope\">d</font>"])
            },
            cue(2000, 3000, &["<i></i>", " "]),
        ],
        ..Document::default()
    };
    let written = write_plain(&TTML, &doc).expect("writes");
    let w = written.warnings.join("\n");
    assert!(
        w.contains("TTML has no equivalent here for 2 styling tag(s)"),
        "{w}"
    );
    // A font face, an unknown colour name, a bad value.
    assert!(w.contains("3 font tag(s) had no colour TTML can name"), "{w}");
    assert!(w.contains("1 control character(s)"), "{w}");
    assert!(w.contains("2 cue identifier(s) are not valid"), "{w}");
    assert!(w.contains("1 cue(s) without text were not written"), "{w}");
    let again = read_text(&TTML, std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    expect(&again, &[(0, 1000, &["a b"]), (1000, 2000, &["c", "d"])]);
}

#[test]
fn truncated_and_garbage_input_gives_errors_not_panics() {
    let sources: [&[u8]; 3] = [
        include_bytes!("../../../tests/golden/ttml/styles.ttml"),
        include_bytes!("../../../tests/golden/ttml/legacy.dfxp"),
        include_bytes!("../../../tests/golden/ttml/nested.ttml"),
    ];
    for source in sources {
        let text = std::str::from_utf8(source).expect("utf-8");
        for cut in (0..text.len()).filter(|i| text.is_char_boundary(*i)) {
            let _ = read_text(&TTML, &text[..cut]);
        }
    }
    for garbage in [
        "<", "<tt", "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div><p begin=\"1s\" end=\"2s\">&bogus;",
        "<tt><body><p begin=\"99999999999999h\" end=\"1s\">x</p></body></tt>", "<tt><![CDATA[", "<?xml", "\u{feff}<tt/>",
        "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div><p begin=\"1s\" end=\"2s\">&#0;</p></div></body></tt>",
    ] {
        assert!(read_text(&TTML, garbage).is_err(), "{garbage}");
    }
    let deep = format!(
        "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div><p begin=\"0s\" end=\"1s\">{}x",
        "<span>".repeat(100_000)
    );
    assert!(read_text(&TTML, &deep)
        .unwrap_err()
        .to_string()
        .contains("nest more than"));
    let styles = format!(
        "<tt xmlns=\"http://www.w3.org/ns/ttml\"><head><styling>{}</styling></head><body><p begin=\"0s\" end=\"1s\" style=\"s0\">x</p></body></tt>",
        (0..2000).map(|i| format!("<style xml:id=\"s{i}\" style=\"s{} s{}\"/>", (i + 1) % 2000, (i * 7) % 2000)).collect::<String>()
    );
    assert!(read_text(&TTML, &styles).is_ok());
}

mod property {
    use super::*;
    use crate::captions::timecode::RATES;
    use proptest::prelude::*;

    /// A line the way the reader gives it back: runs of words, each run with its tags,
    /// rendered in the canonical nesting.
    fn line() -> impl Strategy<Value = String> {
        let word = proptest::string::string_regex("[A-Za-z0-9&>'\"éß€?!]{1,8}").expect("regex");
        let style = (0..16u8, 0..3usize);
        proptest::collection::vec((style, word), 1..5).prop_map(|runs| {
            let colours = [None, Some("red"), Some("#0080ff")];
            let runs: Vec<_> = runs
                .into_iter()
                .enumerate()
                .map(|(i, ((bits, c), word))| {
                    let style = crate::captions::ttml::text::TextStyle {
                        colour: colours
                            .get(c)
                            .copied()
                            .flatten()
                            .and_then(crate::captions::ttml::style::Colour::parse),
                        bold: bits & 1 != 0,
                        italic: bits & 2 != 0,
                        underline: bits & 4 != 0,
                    };
                    (style, if i == 0 { word } else { format!(" {word}") })
                })
                .collect();
            crate::captions::ttml::text::render(runs.iter().map(|(s, t)| (*s, t.as_str())), 0)
        })
    }

    fn placement() -> impl Strategy<Value = Placement> {
        let align = prop_oneof![
            Just(None),
            Just(Some(Align::Left)),
            Just(Some(Align::Right)),
            Just(Some(Align::Start)),
            Just(Some(Align::End))
        ];
        let sides = prop_oneof![
            Just(None),
            (0..40u8, 20..60u8).prop_map(|(l, w)| Some((l as f32, w as f32)))
        ];
        (proptest::option::of(0..90u8), sides, align).prop_map(|(top, sides, align)| Placement {
            top: top.map(f32::from),
            left: sides.map(|s| s.0),
            width: sides.map(|s| s.1),
            align,
            region: None,
        })
    }

    fn document() -> impl Strategy<Value = Document> {
        let cue = (
            0..5_000i64,
            67..10_000i64,
            proptest::collection::vec(line(), 1..4),
            placement(),
        );
        proptest::collection::vec(cue, 1..12).prop_map(|cues| {
            let mut at = 0;
            Document {
                cues: cues
                    .into_iter()
                    .map(|(gap, dur, lines, placement)| {
                        at += gap;
                        let c = Cue {
                            start_ms: at,
                            end_ms: at + dur,
                            lines,
                            placement,
                            ..Cue::default()
                        };
                        at += dur;
                        c
                    })
                    .collect(),
                ..Document::default()
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn write_then_read_gives_the_same_cues(
            doc in document(),
            profile in 0..3usize,
            time_format in 0..3usize,
            rate in 0..RATES.len(),
        ) {
            let format: &Format = [&TTML, &DFXP, &IMSC][profile];
            let time_format = ["clock", "frames", "offset"][time_format];
            let rate = FrameRate::parse(RATES[rate], true).expect("rate");
            let options = Options::from_pairs(format.encode_options, &[("time_format", time_format)]).expect("option");
            let written = (format.write.expect("writer"))(&doc, &Output { frame_rate: rate, options: &options });
            prop_assert!(written.warnings.is_empty(), "{:?}", written.warnings);
            let xml = String::from_utf8(written.bytes).expect("utf-8");
            let again = read_text(format, &xml).expect("reads back");
            prop_assert_eq!(again.cues.len(), doc.cues.len());
            let frame = rate.frames_to_ms(1) + 1;
            for (a, b) in again.cues.iter().zip(&doc.cues) {
                prop_assert!((a.start_ms - b.start_ms).abs() <= frame, "{} vs {}", a.start_ms, b.start_ms);
                prop_assert!((a.end_ms - b.end_ms).abs() <= frame, "{} vs {}", a.end_ms, b.end_ms);
                prop_assert_eq!(&a.lines, &b.lines);
                let (p, q) = (&a.placement, &b.placement);
                prop_assert_eq!((p.top, p.left, p.width, p.align), (q.top, q.left, q.width, q.align));
            }
        }
    }
}
