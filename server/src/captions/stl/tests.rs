//! EBU STL tests: golden files built by hand from Tech 3264 (see
//! `tests/golden/stl/README.md`), reader errors, the writer's bytes, round trips and
//! properties.

use super::{read, write, ENCODE_OPTIONS, FORMAT};
use crate::captions::{
    Align, Cue, Document, FrameRate, Input, Options, Output, ParseError, Placement, Written,
};
use proptest::prelude::*;

const TELETEXT25: &[u8] = include_bytes!("../../../tests/golden/stl/teletext25.stl");
const TELETEXT30: &[u8] = include_bytes!("../../../tests/golden/stl/teletext30.stl");

const PAL: FrameRate = FrameRate {
    num: 25,
    den: 1,
    drop: false,
};

/// Reads as a job would: at `given` if the job names a rate, else at 29.97 DF by default.
fn read_at(bytes: &[u8], given: Option<FrameRate>) -> Result<Document, ParseError> {
    let options = Options::default();
    read::read(&Input {
        text: "",
        bytes,
        frame_rate: given.unwrap_or(FrameRate::NTSC_DF),
        frame_rate_given: given.is_some(),
        options: &options,
    })
}

fn write_at(doc: &Document, rate: FrameRate, options: &[(&str, &str)]) -> Written {
    let options = Options::from_pairs(ENCODE_OPTIONS, options).expect("valid options");
    write::write(
        doc,
        &Output {
            frame_rate: rate,
            options: &options,
        },
    )
}

fn cue(start_ms: i64, end_ms: i64, lines: &[&str]) -> Cue {
    Cue {
        start_ms,
        end_ms,
        lines: lines.iter().map(|l| l.to_string()).collect(),
        ..Cue::default()
    }
}

fn byte_error(result: Result<Document, ParseError>) -> (usize, String) {
    match result {
        Err(ParseError::AtByte { offset, message }) => (offset, message),
        other => panic!("expected a byte error, got {other:?}"),
    }
}

#[test]
fn the_25_fps_teletext_golden_file_reads_per_the_specification() {
    let doc = read_at(TELETEXT25, None).expect("reads");
    assert_eq!(doc.frame_rate, Some(PAL));
    assert_eq!(doc.language.as_deref(), Some("fr"));
    let top_row = |row: f32| Some(10.0 + (row - 1.0) * 80.0 / 23.0);
    assert_eq!(
        doc.cues,
        vec![
            // 10:00:01:00 to 10:00:03:12 at 25 fps; ISO 6937 C2 e and C1 e; row 22, centred.
            cue(36_001_000, 36_003_480, &["Café crème"]),
            // The comment block (CF 1) is skipped. Double height, italics, a red word.
            Cue {
                placement: Placement {
                    top: top_row(2.0),
                    align: Some(Align::Left),
                    ..Placement::default()
                },
                ..cue(
                    36_004_000,
                    36_006_000,
                    &["<i>Il pleut.</i>", "<font color=\"red\">Rouge</font> et blanc"]
                )
            },
            // Two blocks (EBN 00h then FFh) make one subtitle; rows 20-21, right.
            Cue {
                placement: Placement {
                    top: top_row(20.0),
                    align: Some(Align::Right),
                    ..Placement::default()
                },
                ..cue(
                    36_007_000,
                    36_009_960,
                    &[
                        "Joyeux Noël, une longue ligne qui continue",
                        "et qui dépasse cent douze octets dans le champ de texte du bloc, donc une extension"
                    ]
                )
            },
        ]
    );
    assert_eq!(doc.warnings.len(), 2, "{:?}", doc.warnings);
    assert!(
        doc.warnings[0].starts_with("1 comment block(s) (CF = 1) were skipped"),
        "{:?}",
        doc.warnings
    );
    assert_eq!(
        doc.warnings[1],
        "the first subtitle starts at 10:00:01:00 (the programme starts at 10:00:00:00, TCP): EBU STL time codes are programme time code and were kept as they are; set the job's incode (e.g. \"auto\") to start the captions at zero"
    );
}

#[test]
fn the_30_fps_golden_file_reads_at_2997_unless_the_job_names_a_rate() {
    let doc = read_at(TELETEXT30, None).expect("reads");
    assert_eq!(doc.frame_rate, Some(FrameRate::NTSC_DF));
    assert_eq!(doc.language.as_deref(), Some("en"));
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(
        doc.cues,
        vec![
            // 00:00:01;15 is frame 45 (1501.5 ms); 00:01:00;02 is frame 1800. The yellow
            // code and the white one after "World" are teletext spacing attributes: a space.
            cue(1502, 60_060, &["Hello,", "<font color=\"yellow\">World</font> !"]),
            // Row 1, JC 0 (unchanged): the top of the frame, no alignment. Underline.
            Cue {
                placement: Placement {
                    top: Some(10.0),
                    ..Placement::default()
                },
                ..cue(60_027, 599_999, &["<u>Top</u> row"])
            },
        ]
    );
    let thirty = FrameRate {
        num: 30,
        den: 1,
        drop: false,
    };
    let doc = read_at(TELETEXT30, Some(thirty)).expect("reads");
    assert_eq!((doc.cues[0].start_ms, doc.cues[0].end_ms), (1500, 60_067));
}

#[test]
fn errors_give_the_byte_offset_and_what_was_expected() {
    let (offset, message) = byte_error(read_at(&TELETEXT25[..500], None));
    assert_eq!(offset, 500);
    assert!(message.contains("1024-byte GSI block"), "{message}");

    let mut bad = TELETEXT25.to_vec();
    bad[3..11].copy_from_slice(b"STL99.01");
    assert_eq!(
        byte_error(read_at(&bad, None)),
        (
            3,
            "expected the disk format code STL25.01 or STL30.01 (DFC, bytes 3-10 of the GSI block), found \"STL99.01\"; this is not an EBU STL file".into()
        )
    );

    let mut bad = TELETEXT25.to_vec();
    bad[12..14].copy_from_slice(b"07");
    assert_eq!(byte_error(read_at(&bad, None)).0, 12);

    // A file cut inside its fourth TTI block.
    let cut = 1024 + 3 * 128 + 40;
    let (offset, message) = byte_error(read_at(&TELETEXT25[..cut], None));
    assert_eq!(
        (offset, message.as_str()),
        (
            1024 + 3 * 128,
            "TTI block 4 is cut short: 40 of its 128 bytes are there; the file is truncated"
        )
    );

    // Minutes 61 in the first subtitle's TCI (bytes 5-8 of the block).
    let mut bad = TELETEXT25.to_vec();
    bad[1024 + 6] = 61;
    assert_eq!(
        byte_error(read_at(&bad, None)),
        (
            1024 + 5,
            "the time code in (TCI) is 10:61:01:00; expected hours, minutes (0-59), seconds (0-59) and frames (0-24) as one binary byte each, at 25 fps".into()
        )
    );
    // Frame 25 at 25 fps in a TCO.
    let mut bad = TELETEXT25.to_vec();
    bad[1024 + 12] = 25;
    assert_eq!(byte_error(read_at(&bad, None)).0, 1024 + 9);
    // A subtitle that ends before it starts.
    let mut bad = TELETEXT25.to_vec();
    bad[1024 + 9..1024 + 13].copy_from_slice(&[9, 0, 0, 0]);
    let (offset, message) = byte_error(read_at(&bad, None));
    assert_eq!(offset, 1024 + 9);
    assert!(
        message.contains("ends (TCO 09:00:00:00) before it starts (TCI 10:00:01:00)"),
        "{message}"
    );
    // A header and no subtitles.
    assert_eq!(read_at(&TELETEXT25[..1024], None), Err(ParseError::Empty));
}

#[test]
fn other_disk_format_codes_are_read_at_their_rate_with_a_warning() {
    let mut file = TELETEXT25.to_vec();
    file[3..11].copy_from_slice(b"STL50.01");
    let doc = read_at(&file, None).expect("reads");
    assert_eq!(
        doc.frame_rate,
        Some(FrameRate {
            num: 50,
            den: 1,
            drop: false
        })
    );
    assert_eq!(doc.cues[1].end_ms, 36_006_000);
    assert!(doc
        .warnings
        .iter()
        .any(|w| w.contains("STL50.01 is not one EBU Tech 3264 defines")));
}

#[test]
fn the_other_character_code_tables_are_decoded() {
    let mut file = TELETEXT30[..1024 + 128].to_vec();
    file[12..14].copy_from_slice(b"01");
    let text = [0xBFu8, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2]; // ISO 8859-5 "Привет"
    file[1024 + 16..1024 + 16 + 112].fill(0x8F);
    file[1024 + 16..1024 + 16 + text.len()].copy_from_slice(&text);
    assert_eq!(read_at(&file, None).expect("reads").cues[0].lines, ["Привет"]);
    file[12..14].copy_from_slice(b"03");
    file[1024 + 16..1024 + 16 + 4].copy_from_slice(&[0xE3, 0xE5, 0xE9, 0xDC]); // 8859-7
    assert!(read_at(&file, None).expect("reads").cues[0].lines[0].starts_with("γειά"));
}

#[test]
fn the_writer_puts_every_field_where_tech_3264_says() {
    let doc = Document {
        cues: vec![cue(1000, 2520, &["<i>Café</i>", "Tom & Jerry"])],
        language: Some("en-GB".into()),
        ..Document::default()
    };
    let written = write_at(&doc, PAL, &[]);
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let b = &written.bytes;
    assert_eq!(b.len(), 1024 + 128);
    let text = |from: usize, to: usize| std::str::from_utf8(&b[from..to]).expect("ascii").to_string();
    assert_eq!(text(0, 16), "850STL25.0120009");
    assert!(
        b[16..224].iter().all(|&c| c == b' '),
        "titles, names and SLR are spaces"
    );
    assert!(b[224..236].iter().all(u8::is_ascii_digit), "CD and RD are YYMMDD");
    // RN 00, TNB 00001, TNS 00001, TNG 001, MNC 40, MNR 23, TCS 1, TCP, TCF 00:00:01:00, TND 1, DSN 1.
    assert_eq!(text(236, 274), "00000010000100140231000000000000010011");
    assert!(
        b[274..1024].iter().all(|&c| c == b' '),
        "CO, PUB, EN, ECD, spare and UDA are spaces"
    );
    let mut tti = vec![0x00, 0x01, 0x00, 0xFF, 0x00, 0, 0, 1, 0, 0, 0, 2, 13, 21, 2, 0];
    tti.extend_from_slice(&[0x80, b'C', b'a', b'f', 0xC2, b'e', 0x81, 0x8A]);
    tti.extend_from_slice(b"Tom & Jerry");
    tti.resize(128, 0x8F);
    assert_eq!(&b[1024..], tti.as_slice());
}

#[test]
fn long_text_uses_extension_blocks_and_long_rows_are_wrapped() {
    let line = "é".repeat(30); // 60 bytes a row in ISO 6937
    let doc = Document {
        cues: vec![cue(0, 2000, &[&line, &line])],
        ..Document::default()
    };
    let written = write_at(&doc, PAL, &[]);
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let b = &written.bytes;
    assert_eq!(b.len(), 1024 + 2 * 128);
    assert_eq!(&b[238..243], b"00002");
    assert_eq!((b[1024 + 3], b[1024 + 128 + 3]), (0x00, 0xFF), "EBN 00h then FFh");
    // 60 bytes, CR/LF, then 25 letters fit in 112 bytes; the 26th would be split, so
    // the first Text Field ends one byte short, padded with 8Fh.
    assert_eq!(&b[1024 + 125..1024 + 128], &[0xC2, b'e', 0x8F]);
    assert_eq!(&b[1024 + 128 + 16..1024 + 128 + 18], &[0xC2, b'e']);
    assert_eq!(
        read_at(b, Some(PAL)).expect("reads").cues[0].lines,
        [line.clone(), line]
    );

    let doc = Document {
        cues: vec![cue(0, 2000, &["one two three four five six seven"])],
        ..Document::default()
    };
    let written = write_at(&doc, PAL, &[("max_row_chars", "14")]);
    assert_eq!(
        written.warnings,
        ["1 line(s) were longer than 14 characters (max_row_chars) and were wrapped onto more rows"]
    );
    assert_eq!(&written.bytes[251..253], b"14");
    let again = read_at(&written.bytes, Some(PAL)).expect("reads");
    assert_eq!(again.cues[0].lines, ["one two three", "four five six", "seven"]);
}

#[test]
fn what_stl_cannot_carry_is_reported_once_per_kind() {
    let doc = Document {
        cues: vec![
            Cue {
                placement: Placement {
                    top: Some(10.0),
                    left: Some(20.0),
                    align: Some(Align::Right),
                    ..Placement::default()
                },
                ..cue(
                    0,
                    1000,
                    &["<b>Bold</b> 中文 <font color=\"#ff8000\">orange</font>"],
                )
            },
            cue(1000, 2000, &["<b>again</b>"]),
        ],
        language: Some("tlh".into()),
        ..Document::default()
    };
    let written = write_at(
        &doc,
        FrameRate::parse("23.976", false).expect("rate"),
        &[("display_standard", "open_subtitling")],
    );
    assert_eq!(written.bytes[11], b'0');
    assert_eq!(&written.bytes[3..11], b"STL25.01");
    assert_eq!(
        written.warnings,
        [
            "EBU STL has 25 and 30 fps time code only; the captions were timed at 25 fps (STL25.01) instead of 23.976",
            "the language \"tlh\" has no EBU STL language code; the header says \"unknown\" (LC 00)",
            "2 character(s) are not in the EBU STL Latin character table (ISO 6937) and were written as \"?\"",
            "EBU STL has no bold: 2 bold span(s) were written as plain text",
            "1 colour(s) are not teletext colours and were written as the nearest of the eight teletext colours",
            "EBU STL places subtitles by row and justification only: the horizontal position of 1 caption(s) was not kept",
        ]
    );
    let again = read_at(&written.bytes, None).expect("reads");
    assert_eq!(
        again.cues[0].lines,
        ["Bold ?? <font color=\"yellow\">orange</font>"]
    );
    assert_eq!(again.cues[0].placement.top, Some(10.0));
    assert_eq!(again.cues[0].placement.align, Some(Align::Right));
    assert_eq!((again.cues[1].start_ms, again.cues[1].end_ms), (1000, 2000));
    // A forced justification applies to every subtitle.
    let written = write_at(&doc, PAL, &[("justification", "left")]);
    assert_eq!((written.bytes[1024 + 14], written.bytes[1024 + 128 + 14]), (1, 1));
}

#[test]
fn the_golden_file_round_trips_through_the_writer() {
    let doc = read_at(TELETEXT25, None).expect("reads");
    let written = write_at(&doc, PAL, &[("max_row_chars", "99")]);
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let again = read_at(&written.bytes, None).expect("re-reads");
    assert_eq!(again.cues, doc.cues);
    assert_eq!(again.language.as_deref(), Some("fr"));
    // 29.97 drop-frame in, STL30.01 out, same frames back.
    let doc = read_at(TELETEXT30, None).expect("reads");
    let written = write_at(&doc, FrameRate::NTSC_DF, &[]);
    assert_eq!(&written.bytes[3..11], b"STL30.01");
    let mut again = read_at(&written.bytes, None).expect("re-reads").cues;
    // JC 0 ("unchanged") has no model alignment; the writer centres what has none.
    assert_eq!(again[1].placement.align.take(), Some(Align::Center));
    assert_eq!(again, doc.cues);
}

#[test]
fn the_format_is_registered_as_binary() {
    assert_eq!(
        crate::captions::format("EBU STL").map(|f| (f.binary, f.extension)),
        Some((true, "stl"))
    );
    let written = crate::captions::write_plain(
        &FORMAT,
        &Document {
            cues: vec![cue(0, 1000, &["x"])],
            ..Document::default()
        },
    )
    .expect("writes");
    let doc = crate::captions::read_bytes(&FORMAT, &written.bytes)
        .expect("readable")
        .expect("reads");
    assert_eq!(doc.cues[0].lines, ["x"]);
}

/// A word STL table 00 carries: letters (accented ones too), digits, punctuation, or a
/// lone `<`, `>`, `&`.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::string::string_regex("[A-Za-z0-9éñüßÀŠ?!,.'-]{1,8}").expect("a valid pattern"),
        1 => Just("<".to_string()),
        1 => Just(">".to_string()),
        1 => Just("&".to_string()),
    ]
}

/// A line of at most 40 characters, optionally styled as a whole.
fn line() -> impl Strategy<Value = String> {
    (proptest::collection::vec(word(), 1..5), 0..5usize).prop_map(|(words, style)| {
        let text = words.join(" ");
        match style {
            1 => format!("<i>{text}</i>"),
            2 => format!("<u>{text}</u>"),
            3 => format!("<font color=\"yellow\">{text}</font>"),
            4 => format!("<font color=\"cyan\"><i>{text}</i></font>"),
            _ => text,
        }
    })
}

fn cues() -> impl Strategy<Value = Vec<Cue>> {
    let one = (
        0..5_000i64,
        80..10_000i64,
        proptest::collection::vec(line(), 1..4),
        proptest::option::of((10..70u8, 0..5usize)),
    );
    (0..36_000_000i64, proptest::collection::vec(one, 1..15)).prop_map(|(start, specs)| {
        let mut at = start;
        specs
            .into_iter()
            .map(|(gap, length, lines, place)| {
                at += gap;
                let start_ms = at;
                at += length;
                let placement = place
                    .map(|(top, align)| Placement {
                        top: Some(f32::from(top)),
                        align: Some(
                            [Align::Left, Align::Center, Align::Right, Align::Start, Align::End][align],
                        ),
                        ..Placement::default()
                    })
                    .unwrap_or_default();
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

fn round_trip(cues: Vec<Cue>, rate: FrameRate) -> Result<(), TestCaseError> {
    let doc = Document {
        cues,
        ..Document::default()
    };
    let written = write_at(&doc, rate, &[]);
    prop_assert!(written.warnings.is_empty(), "{:?}", written.warnings);
    let again = read_at(&written.bytes, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(again.cues.len(), doc.cues.len());
    let frame = rate.frames_to_ms(1) + 1;
    for (read, want) in again.cues.iter().zip(&doc.cues) {
        prop_assert_eq!(&read.lines, &want.lines);
        prop_assert!(
            (read.start_ms - want.start_ms).abs() <= frame,
            "{} vs {}",
            read.start_ms,
            want.start_ms
        );
        prop_assert!(
            (read.end_ms - want.end_ms).abs() <= frame,
            "{} vs {}",
            read.end_ms,
            want.end_ms
        );
        match (read.placement.top, want.placement.top) {
            // Half a teletext row.
            (Some(got), Some(top)) => prop_assert!((got - top).abs() <= 40.0 / 23.0 + 0.01, "{got} vs {top}"),
            (None, None) => {}
            (got, top) => prop_assert!(false, "top {:?} read back as {:?}", top, got),
        }
        let align = match want.placement.align {
            Some(Align::Left | Align::Start) => Some(Align::Left),
            Some(Align::Right | Align::End) => Some(Align::Right),
            _ if want.placement.top.is_some() => Some(Align::Center),
            _ => None,
        };
        prop_assert_eq!(read.placement.align, align);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn documents_round_trip_at_25_fps(cues in cues()) {
        round_trip(cues, PAL)?;
    }

    #[test]
    fn documents_round_trip_at_2997_drop_frame(cues in cues()) {
        round_trip(cues, FrameRate::NTSC_DF)?;
    }

    #[test]
    fn the_reader_survives_any_bytes(tail in proptest::collection::vec(any::<u8>(), 0..1200), cut in 0..1400usize) {
        let _ = read_at(&tail, None);
        let mut file = TELETEXT25.to_vec();
        file.truncate(cut.max(1024));
        file.extend_from_slice(&tail);
        let _ = read_at(&file, None);
        // Text Fields of any bytes, whole blocks.
        file.truncate(1024 + 128);
        let blocks = tail.len() / 128 * 128;
        file.extend_from_slice(&tail[..blocks]);
        let _ = read_at(&file, None);
    }
}
