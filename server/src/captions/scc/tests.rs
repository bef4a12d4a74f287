//! SCC tests. Byte pairs here are computed by hand from CEA-608-E (Tables 50–53) with
//! the small odd-parity helpers below, never by the writer under test.

use super::FORMAT;
use crate::captions::{
    Align, Cue, Document, FrameRate, Input, Options, Output, ParseError, Placement, Written,
};
use proptest::prelude::*;

/// Odd parity (CEA-608-E § 5.1): the high bit makes the count of ones odd.
fn odd(b: u8) -> u8 {
    if b.count_ones().is_multiple_of(2) {
        b | 0x80
    } else {
        b
    }
}

/// A control code, sent twice as 608 requires.
fn ctl(b1: u8, b2: u8) -> String {
    let w = format!("{:02x}{:02x}", odd(b1), odd(b2));
    format!("{w} {w}")
}

/// Standard characters (given as 608 bytes), two per pair, padded with a null.
fn bytes(text: &[u8]) -> String {
    text.chunks(2)
        .map(|p| format!("{:02x}{:02x}", odd(p[0]), odd(*p.get(1).unwrap_or(&0))))
        .collect::<Vec<_>>()
        .join(" ")
}

fn txt(text: &str) -> String {
    bytes(text.as_bytes())
}

fn scc(lines: &[(&str, Vec<String>)]) -> String {
    let mut out = String::from("Scenarist_SCC V1.0\n\n");
    for (tc, words) in lines {
        out.push_str(&format!("{tc}\t{}\n\n", words.join(" ")));
    }
    out
}

// Miscellaneous codes on CC1 (Table 52).
const RCL: (u8, u8) = (0x14, 0x20);
const BS: (u8, u8) = (0x14, 0x21);
const RU2: (u8, u8) = (0x14, 0x25);
const RDC: (u8, u8) = (0x14, 0x29);
const EDM: (u8, u8) = (0x14, 0x2C);
const CR: (u8, u8) = (0x14, 0x2D);
const ENM: (u8, u8) = (0x14, 0x2E);
const EOC: (u8, u8) = (0x14, 0x2F);
/// Row 15, column 0 (Table 53).
const PAC15: (u8, u8) = (0x14, 0x70);

fn c(code: (u8, u8)) -> String {
    ctl(code.0, code.1)
}

fn read_opts(text: &str, pairs: &[(&str, &str)], rate: Option<FrameRate>) -> Result<Document, ParseError> {
    let options = Options::from_pairs(FORMAT.decode_options, pairs).expect("valid options");
    (FORMAT.read.expect("reader"))(&Input {
        text,
        bytes: text.as_bytes(),
        frame_rate: rate.unwrap_or(FrameRate::NTSC_DF),
        frame_rate_given: rate.is_some(),
        options: &options,
    })
}

fn read(text: &str) -> Result<Document, ParseError> {
    read_opts(text, &[], None)
}

fn write_opts(doc: &Document, pairs: &[(&str, &str)], rate: FrameRate) -> Written {
    let options = Options::from_pairs(FORMAT.encode_options, pairs).expect("valid options");
    (FORMAT.write.expect("writer"))(
        doc,
        &Output {
            frame_rate: rate,
            options: &options,
        },
    )
}

fn write(doc: &Document) -> Written {
    write_opts(doc, &[], FrameRate::NTSC_DF)
}

/// The start of frame `f` at 29.97, in ms, rounded (computed independently of timecode.rs).
fn ms(f: i64) -> i64 {
    (f * 1001 * 2 + 30) / 60
}

fn cue(start_ms: i64, end_ms: i64, lines: &[&str]) -> Cue {
    Cue {
        start_ms,
        end_ms,
        lines: lines.iter().map(|l| l.to_string()).collect(),
        ..Cue::default()
    }
}

fn doc(cues: Vec<Cue>) -> Document {
    Document {
        cues,
        ..Document::default()
    }
}

fn times_and_lines(doc: &Document) -> Vec<(i64, i64, Vec<String>)> {
    doc.cues
        .iter()
        .map(|c| (c.start_ms, c.end_ms, c.lines.clone()))
        .collect()
}

fn lines(l: &[&str]) -> Vec<String> {
    l.iter().map(|s| s.to_string()).collect()
}

fn near(a: Option<f32>, b: f32) -> bool {
    a.is_some_and(|a| (a - b).abs() < 0.01)
}

const GOLDEN: &[u8] = include_bytes!("../../../tests/golden/scc/popon.scc");

fn golden_cues() -> Vec<Cue> {
    vec![
        cue(1001, 3003, &["Hello, world!"]),
        cue(4004, 6006, &["<i>¡Hola!</i>", "Café ♪"]),
    ]
}

#[test]
fn golden_pop_on_file_decodes_to_its_cues() {
    let text = std::str::from_utf8(GOLDEN).expect("utf-8");
    let read = read(text).expect("reads");
    assert_eq!(read.cues, golden_cues());
    assert_eq!(read.frame_rate, Some(FrameRate::NTSC_DF));
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
}

#[test]
fn writer_reproduces_the_golden_file_byte_for_byte() {
    let written = write(&doc(golden_cues()));
    assert_eq!(
        String::from_utf8_lossy(&written.bytes),
        String::from_utf8_lossy(GOLDEN)
    );
    assert!(written.warnings.is_empty(), "{:?}", written.warnings);
}

#[test]
fn drop_frame_labels_at_minute_and_ten_minute_boundaries() {
    let load = |t: &str| vec![c(RCL), c(ENM), c(PAC15), txt(t)];
    let text = scc(&[
        ("00:00:58;00", load("A")),
        // 00:00:59;29 is frame 1799, and the next label is 00:01:00;02 (frame 1800).
        ("00:00:59;29", vec![c(EOC)]),
        ("00:01:00;02", vec![c(EDM)]),
        ("00:09:58;00", load("B")),
        // 00:09:59;29 is frame 17981; minute 10 keeps 00:10:00;00 (frame 17982).
        ("00:09:59;29", vec![c(EOC)]),
        ("00:10:00;00", vec![c(EDM)]),
    ]);
    let doc = read(&text).expect("reads");
    assert_eq!(
        times_and_lines(&doc),
        vec![
            (ms(1799), ms(1800), lines(&["A"])),
            (ms(17_981), ms(17_982), lines(&["B"])),
        ]
    );
    assert_eq!((ms(1800), ms(17_982)), (60_060, 599_999));
    // The same frames in non-drop labels: 1800 frames is 00:01:00:00.
    let ndf = scc(&[
        ("00:00:58:00", load("A")),
        ("00:00:59:29", vec![c(EOC)]),
        ("00:01:00:00", vec![c(EDM)]),
    ]);
    let doc = read(&ndf).expect("reads");
    assert_eq!(times_and_lines(&doc), vec![(ms(1799), ms(1800), lines(&["A"]))]);
    assert_eq!(doc.frame_rate.map(|r| r.drop), Some(false));
    // A label drop-frame skips is read as the next frame, with a warning.
    let skipped = scc(&[
        ("00:00:58;00", load("A")),
        ("00:01:00;00", vec![c(EOC)]),
        ("00:01:01;00", vec![c(EDM)]),
    ]);
    let doc = read(&skipped).expect("reads");
    assert_eq!(doc.cues[0].start_ms, 60_060);
    assert!(
        doc.warnings[0].contains("drop-frame timecode skips"),
        "{:?}",
        doc.warnings
    );
}

#[test]
fn writer_labels_frames_in_the_output_rate() {
    // EOC on frame 1800 (00:01:00;02): "Hi" loads in 9 pairs from 00:00:59;21 (frame 1791).
    let d = doc(vec![cue(60_060, 62_062, &["Hi"])]);
    let out = String::from_utf8(write(&d).bytes).expect("utf-8");
    assert_eq!(eoc_frames(&out), [1800]);
    assert!(
        out.contains("\r\n00:00:59;21\t9420 9420 94ae 94ae 9476 9476 9723 9723 c8e9 942f 942f\r\n"),
        "{out}"
    );
    assert!(out.ends_with("\r\n00:01:02;02\t942c 942c\r\n"), "{out}");
    // Non-drop rates label with ':'; one minute of frames is 00:01:00:00 at 24, 25 and 30.
    for (rate, label) in [
        ("25", "00:01:00:00"),
        ("24", "00:01:00:00"),
        ("30", "00:01:00:00"),
        ("23.976", "00:01:00:00"),
        ("29.97", "00:01:00:00"),
    ] {
        let r = FrameRate::parse(rate, false).expect("rate");
        let start = r.frames_to_ms(r.nominal() * 60);
        let d = doc(vec![cue(start, start + 2000, &["Hi"])]);
        let out = String::from_utf8(write_opts(&d, &[], r).bytes).expect("utf-8");
        assert!(!out.contains(';'), "{rate}: {out}");
        // The EOC is the 10th pair of the line that starts 9 frames before the label.
        let eoc_line = out
            .lines()
            .find(|l| l.ends_with("942f 942f"))
            .expect("an EOC line");
        let tc = crate::captions::Timecode::parse(&eoc_line[..11]).expect("label");
        assert_eq!(
            r.label_to_frames(tc),
            Some(r.nominal() * 60 - 9),
            "{rate} {label}: {out}"
        );
        let back = read_opts(&out, &[], Some(r)).expect("reads");
        assert_eq!(back.cues[0].start_ms, start, "{rate}");
    }
}

#[test]
fn roll_up_gives_a_cue_per_carriage_return() {
    let row = |t: &str| vec![c(CR), c(PAC15), txt(t)];
    let mut first = vec![c(RU2)];
    first.extend(row("HELLO"));
    let text = scc(&[
        ("00:00:01;00", first),
        ("00:00:02;00", row("WORLD")),
        ("00:00:03;00", row("AGAIN")),
        ("00:00:04;00", vec![c(EDM)]),
    ]);
    let doc = read(&text).expect("reads");
    // RU2 30-31, CR 32-33, PAC 34-35, text from frame 36.
    assert_eq!(
        times_and_lines(&doc),
        vec![
            (ms(36), ms(60), lines(&["HELLO"])),
            (ms(60), ms(90), lines(&["HELLO", "WORLD"])),
            (ms(90), ms(120), lines(&["WORLD", "AGAIN"])),
        ]
    );
    let p = &doc.cues[1].placement;
    assert!(
        near(p.top, 10.0 + 13.0 * 80.0 / 15.0) && near(p.left, 10.0),
        "{p:?}"
    );
    assert_eq!(p.align, Some(Align::Left));
    assert!(near(doc.cues[0].placement.top, 10.0 + 14.0 * 80.0 / 15.0));
}

#[test]
fn roll_up_depth_keeps_that_many_rows() {
    for depth in 2u8..=4 {
        let mut lines_ = Vec::new();
        let words = ["ONE", "TWO", "THREE", "FOUR", "FIVE"];
        for (i, w) in words.iter().enumerate() {
            let mut words = Vec::new();
            if i == 0 {
                words.push(ctl(0x14, 0x23 + depth));
            }
            words.extend([c(CR), c(PAC15), txt(w)]);
            lines_.push((format!("00:00:{:02};00", i + 1), words));
        }
        lines_.push(("00:00:09;00".into(), vec![c(EDM)]));
        let refs: Vec<(&str, Vec<String>)> = lines_.iter().map(|(t, w)| (t.as_str(), w.clone())).collect();
        let doc = read(&scc(&refs)).expect("reads");
        let last = doc.cues.last().expect("cues");
        let expected: Vec<String> = words[5 - usize::from(depth)..]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(last.lines, expected, "RU{depth}");
        assert_eq!(doc.cues.len(), 5, "RU{depth}");
    }
}

#[test]
fn paint_on_grows_a_cue_and_ends_it_at_erasures() {
    let text = scc(&[
        ("00:00:01;00", vec![c(RDC), c(PAC15), txt("HI")]),
        ("00:00:02;00", vec![txt(" YOU")]),
        ("00:00:03;00", vec![c(EDM)]),
        ("00:00:03;10", vec![c(PAC15), txt("OK")]),
        ("00:00:04;00", vec![c(BS)]),
        ("00:00:05;00", vec![c(EDM)]),
    ]);
    let doc = read(&text).expect("reads");
    assert_eq!(
        times_and_lines(&doc),
        vec![
            (ms(34), ms(90), lines(&["HI YOU"])),
            (ms(102), ms(120), lines(&["OK"])),
            (ms(120), ms(150), lines(&["O"])),
        ]
    );
}

#[test]
fn preamble_and_mid_row_codes_become_tags_and_placement() {
    let text = scc(&[
        (
            "00:00:01;00",
            vec![
                c(RCL),
                c(ENM),
                // Row 1, yellow, underlined.
                ctl(0x11, 0x4B),
                txt("Hi"),
                // Mid-row white, then italics.
                ctl(0x11, 0x20),
                txt("there"),
                ctl(0x11, 0x2E),
                txt("now"),
                // Row 2, indent 8, tab offset 2: column 10; red, then italics.
                ctl(0x11, 0x74),
                ctl(0x17, 0x22),
                ctl(0x11, 0x28),
                ctl(0x11, 0x2E),
                txt("xy"),
            ],
        ),
        ("00:00:03;00", vec![c(EOC)]),
        ("00:00:04;00", vec![c(EDM)]),
    ]);
    let doc = read(&text).expect("reads");
    let cue = &doc.cues[0];
    assert_eq!(
        cue.lines,
        lines(&[
            "<font color=\"yellow\"><u>Hi</u></font> there <i>now</i>",
            "<font color=\"red\"><i>xy</i></font>"
        ])
    );
    assert!(
        near(cue.placement.top, 10.0) && near(cue.placement.left, 10.0),
        "{:?}",
        cue.placement
    );
    assert_eq!(cue.placement.align, Some(Align::Left));
}

#[test]
fn special_extended_and_standard_set_characters() {
    let text = scc(&[
        (
            "00:00:01;00",
            vec![
                c(RCL),
                c(ENM),
                ctl(0x13, 0x60),
                bytes(&[0x2A, 0x5C, 0x5E, 0x5F, 0x60, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F]),
                ctl(0x14, 0x40),
                ctl(0x11, 0x30),
                ctl(0x11, 0x31),
                ctl(0x11, 0x32),
                ctl(0x11, 0x37),
                PAC15_WORDS.to_string(),
                // Each extended character replaces the fallback before it.
                txt("E"),
                ctl(0x12, 0x21),
                txt("o"),
                ctl(0x13, 0x33),
                txt("s"),
                ctl(0x13, 0x34),
                txt("!"),
                ctl(0x12, 0x27),
            ],
        ),
        ("00:00:03;00", vec![c(EOC)]),
        ("00:00:04;00", vec![c(EDM)]),
    ]);
    let doc = read(&text).expect("reads");
    assert_eq!(doc.cues[0].lines, lines(&["áéíóúç÷Ññ■", "®°½♪", "Éöß¡"]));
}

const PAC15_WORDS: &str = "9470 9470";

#[test]
fn doubled_codes_act_once_and_a_third_copy_acts_again() {
    let base = |eocs: usize| {
        let mut words = vec![c(RCL), c(ENM), c(PAC15), txt("X")];
        words.push(vec!["942f"; eocs].join(" "));
        scc(&[("00:00:01;00", words), ("00:00:03;00", vec![c(EDM)])])
    };
    assert_eq!(read(&base(2)).expect("reads").cues.len(), 1);
    // Three EOCs: shown, then swapped back off screen a frame later.
    let doc = read(&base(3)).expect("reads");
    assert_eq!(doc.cues.len(), 1);
    // RCL, ENM and the PAC take frames 30-35, "X" 36, the EOCs 37-39.
    assert_eq!((doc.cues[0].start_ms, doc.cues[0].end_ms), (ms(37), ms(39)));
}

#[test]
fn bad_parity_drops_control_codes_and_marks_characters() {
    // "A" sent as 41 (two ones: even, so wrong; C1 is right), and RCL as 1420 (wrong; 9420).
    let text = scc(&[
        (
            "00:00:01;00",
            vec![c(RCL), c(ENM), c(PAC15), "41c2".into(), "1420".into()],
        ),
        ("00:00:03;00", vec![c(EOC)]),
        ("00:00:04;00", vec![c(EDM)]),
    ]);
    let doc = read(&text).expect("reads");
    assert_eq!(doc.cues[0].lines, lines(&["■B"]));
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.starts_with("2 byte(s) had a parity error")),
        "{:?}",
        doc.warnings
    );
}

fn two_channels() -> String {
    scc(&[
        ("00:00:01;00", vec![c(RCL), c(ENM), c(PAC15), txt("ONE")]),
        ("00:00:02;00", vec![c(EOC)]),
        // CC2: the same codes with the channel bit (1Cxx, 1Cxx PAC).
        (
            "00:00:02;10",
            vec![ctl(0x1C, 0x20), ctl(0x1C, 0x2E), ctl(0x1C, 0x70), txt("TWO")],
        ),
        ("00:00:03;00", vec![ctl(0x1C, 0x2F)]),
        ("00:00:05;00", vec![c(EDM), ctl(0x1C, 0x2C)]),
    ])
}

#[test]
fn channel_option_selects_cc2_and_auto_takes_the_first_with_captions() {
    let text = two_channels();
    let auto = read(&text).expect("reads");
    assert_eq!(auto.cues[0].lines, lines(&["ONE"]));
    assert_eq!(auto.cues.len(), 1);
    assert!(
        auto.warnings[0].contains("also has captions on CC2"),
        "{:?}",
        auto.warnings
    );
    let cc2 = read_opts(&text, &[("channel", "ch02")], None).expect("reads");
    assert_eq!(times_and_lines(&cc2), vec![(ms(90), ms(152), lines(&["TWO"]))]);
    let err = read_opts(&text, &[("channel", "ch03")], None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("no captions on CC3") && err.contains("field 1") && err.contains("CC1, CC2"),
        "{err}"
    );
}

#[test]
fn field_two_codes_carry_cc3() {
    let text = scc(&[
        (
            "00:00:01;00",
            vec![ctl(0x15, 0x20), ctl(0x15, 0x2E), c(PAC15), txt("THREE")],
        ),
        ("00:00:02;00", vec![ctl(0x15, 0x2F)]),
        ("00:00:03;00", vec![ctl(0x15, 0x2C)]),
    ]);
    let cc3 = read_opts(&text, &[("channel", "ch03")], None).expect("reads");
    assert_eq!(times_and_lines(&cc3), vec![(ms(60), ms(90), lines(&["THREE"]))]);
    assert!(read_opts(&text, &[("channel", "ch01")], None).is_err());
}

#[test]
fn malformed_lines_name_the_line_and_what_was_expected() {
    let err = |t: &str| read(t).unwrap_err().to_string();
    assert_eq!(
        err("Scenarist_SCC V1.0\n\n00:00:01;00 9420\n\nhello\tthere\n"),
        "line 5: expected a timecode like 00:00:01;00 then a tab and hex words like 9420, found \"hello\\tthere\""
    );
    assert_eq!(
        err("Scenarist_SCC V1.0\n\n00:00:01;00\t9420 94g0\n"),
        "line 3: expected hex words of four digits like 9420 after the timecode, found \"94g0\" (word 2)"
    );
    assert!(err("WEBVTT\n\n").starts_with("line 1: expected the header \"Scenarist_SCC V1.0\""));
    assert!(err("Scenarist_SCC V1.0\n\n00:00:01;40\t9420\n").contains("frames to 29"));
    assert!(
        err("Scenarist_SCC V1.0\n\n00:00:02;00\t9420\n00:00:01;00\t9420\n")
            .contains("line 4: the timecode 00:00:01;00 is earlier than 00:00:02;00 on line 3")
    );
    assert!(err("Scenarist_SCC V1.0\n\n00:00:01;00\n").starts_with("line 3: expected a timecode"));
    assert_eq!(
        read("Scenarist_SCC V1.0\n\n00:00:01;00\t9420 9420\n").unwrap_err(),
        ParseError::Empty
    );
    assert_eq!(read("").unwrap_err(), ParseError::Empty);
}

#[test]
fn truncated_and_garbage_input_gives_errors_not_panics() {
    let text = std::str::from_utf8(GOLDEN).expect("utf-8");
    for end in 0..=text.len() {
        if let Some(prefix) = text.get(..end) {
            let _ = read(prefix);
        }
    }
    assert!(read("\u{0}\u{1}garbage").is_err());
    let _ = read("Scenarist_SCC V1.0\n99999:59:59;29\tffff\n");
}

#[test]
fn writer_wraps_long_lines_and_splits_tall_captions_with_warnings() {
    let long = "This line is much too long for one caption row of 32";
    let written = write(&doc(vec![cue(10_010, 16_016, &[long])]));
    assert!(
        written
            .warnings
            .iter()
            .any(|w| w == "1 line(s) were wider than 32 columns and were wrapped at spaces"),
        "{:?}",
        written.warnings
    );
    let back = read(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    assert_eq!(
        back.cues[0].lines,
        lines(&["This line is much too long for", "one caption row of 32"])
    );

    let six = ["Line 1", "Line 2", "Line 3", "Line 4", "Line 5", "Line 6"];
    let written = write(&doc(vec![cue(ms(300), ms(480), &six)]));
    assert!(written.warnings.iter().any(|w| {
        w == "1 caption(s) had more than 4 rows and were split into 2 consecutive captions sharing their time"
    }));
    let back = read(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    // 24 of 36 characters in the first part: 120 of the 180 frames.
    assert_eq!(
        times_and_lines(&back),
        vec![
            (ms(300), ms(420), lines(&six[..4])),
            (ms(420), ms(480), lines(&six[4..])),
        ]
    );

    let narrow = write_opts(
        &doc(vec![cue(10_010, 16_016, &["one two three"])]),
        &[("max_line_length", "8")],
        FrameRate::NTSC_DF,
    );
    let back = read(std::str::from_utf8(&narrow.bytes).expect("utf-8")).expect("reads");
    assert_eq!(back.cues[0].lines, lines(&["one two", "three"]));
}

#[test]
fn writer_maps_styles_colours_and_characters_with_counted_warnings() {
    let d = doc(vec![cue(
        10_010,
        12_012,
        &["<b>Bold</b> <font color=\"orange\">warm</font> <font color=\"green\">go</font> “quote” – ok €5 😀"],
    )]);
    let written = write(&d);
    let w = written.warnings.join("\n");
    assert!(w.contains("608 has no bold: 1 <b> tag(s)"), "{w}");
    assert!(w.contains("1 colour(s) are not among 608's"), "{w}");
    assert!(
        w.contains("2 character(s) 608 does not have were replaced"),
        "{w}"
    );
    assert!(
        w.contains("1 character(s) 608 does not have (and has nothing close to) were left out"),
        "{w}"
    );
    let back = read(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    assert_eq!(
        back.cues[0].lines,
        lines(&["Bold <font color=\"yellow\">warm</font> <font color=\"lime\">go</font> “quote” - ok EUR5"])
    );
}

#[test]
fn a_change_needing_two_mid_row_codes_between_words_adds_a_space() {
    let written = write(&doc(vec![cue(
        10_010,
        12_012,
        &["<font color=\"red\">A</font> <i>B</i> <i>C</i>D"],
    )]));
    assert_eq!(
        written.warnings,
        ["2 style change(s) had no space to put their 608 mid-row code in (it shows as a space), so a space was added"]
    );
    let back = read(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    assert_eq!(
        back.cues[0].lines,
        lines(&["<font color=\"red\">A</font>  <i>B C</i> D"])
    );
}

#[test]
fn writer_uses_cc2_codes_when_asked() {
    let written = write_opts(
        &doc(vec![cue(10_010, 12_012, &["Hi"])]),
        &[("channel", "ch02")],
        FrameRate::NTSC_DF,
    );
    let text = String::from_utf8(written.bytes).expect("utf-8");
    assert!(
        text.contains("1c20 1c20 1cae 1cae") && text.contains("1c2f 1c2f") && !text.contains("9420"),
        "{text}"
    );
    let back = read_opts(&text, &[("channel", "ch02")], None).expect("reads");
    assert_eq!(back.cues[0].lines, lines(&["Hi"]));
}

#[test]
fn writer_places_rows_from_placement() {
    let placed = Cue {
        placement: Placement {
            top: Some(10.0),
            left: Some(20.0),
            align: Some(Align::Left),
            ..Placement::default()
        },
        ..cue(10_010, 12_012, &["Top left", "second"])
    };
    let written = write(&doc(vec![placed.clone()]));
    let back = read(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    assert_eq!(back.cues[0].placement, placed.placement);
    assert_eq!(back.cues[0].lines, placed.lines);
}

#[test]
fn late_and_overlapping_captions_are_counted() {
    let d = doc(vec![
        cue(10_010, 10_100, &["first caption here"]),
        cue(10_110, 11_000, &["second caption"]),
    ]);
    let written = write(&d);
    assert!(
        written
            .warnings
            .iter()
            .any(|w| w.starts_with("1 caption(s) appear up to")),
        "{:?}",
        written.warnings
    );
    let d = doc(vec![
        cue(10_010, 15_000, &["first"]),
        cue(12_012, 16_000, &["second"]),
    ]);
    let written = write(&d);
    assert!(
        written
            .warnings
            .iter()
            .any(|w| w.starts_with("1 caption(s) were still on screen")),
        "{:?}",
        written.warnings
    );
    let back = read(std::str::from_utf8(&written.bytes).expect("utf-8")).expect("reads");
    assert_eq!(back.cues[0].end_ms, 12_012);
}

/// The frames at which each caption's (first) EOC is sent.
fn eoc_frames(text: &str) -> Vec<i64> {
    let mut frames = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (tc, words) = line.split_once('\t').expect("a tab");
        let tc = crate::captions::Timecode::parse(tc).expect("a timecode");
        let at = FrameRate::NTSC_DF.label_to_frames(tc).expect("a label");
        let words: Vec<&str> = words.split(' ').collect();
        for (i, w) in words.iter().enumerate() {
            if *w == "942f" && (i == 0 || words[i - 1] != "942f") {
                frames.push(at + i as i64);
            }
        }
    }
    frames
}

/// A word of characters 608 carries (standard, special and extended sets).
fn word() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9?!,.'&áéíóúçñÑ÷ÉÜüàèâêîôûÀÂÇÈÊËëÎÏïÔÙùÛ«»ÃãÍÌìÒòÕõÄäÖößÅåØø®°½¿™¢£♪©•*{}|~_\\\\^“”‘—-]{1,8}")
        .expect("a valid pattern")
}

/// A word in a colour (0 is white) or in italics, underlined or not.
fn styled_word(italics: bool) -> impl Strategy<Value = String> {
    (word(), 0..7usize, any::<bool>()).prop_map(move |(w, style, u)| {
        let w = if u { format!("<u>{w}</u>") } else { w };
        match style {
            0 => w,
            _ if italics => format!("<i>{w}</i>"),
            _ => format!("<font color=\"{}\">{w}</font>", super::COLOURS[style]),
        }
    })
}

/// Lines that fit one row, styled so that each change takes one mid-row code (colours
/// and italics in one line can need two, which take an extra column: tested apart).
fn line() -> impl Strategy<Value = String> {
    any::<bool>()
        .prop_flat_map(|italics| proptest::collection::vec(styled_word(italics), 1..4))
        .prop_map(|words| words.join(" "))
}

/// Cues with their starts at least twelve seconds apart, so each has time to be sent (up
/// to four rows of extended characters, three pairs each, take about ten seconds).
fn cues() -> impl Strategy<Value = Vec<Cue>> {
    let cue = (0..3_000i64, 70..8_000i64, proptest::collection::vec(line(), 1..5));
    (5_000..36_000_000i64, proptest::collection::vec(cue, 1..12)).prop_map(|(start, specs)| {
        let mut at = start;
        specs
            .into_iter()
            .map(|(gap, length, lines)| {
                let start_ms = at;
                let end_ms = at + length;
                at = (end_ms + gap).max(start_ms + 12_000);
                Cue {
                    start_ms,
                    end_ms,
                    lines,
                    ..Cue::default()
                }
            })
            .collect()
    })
}

/// What a reader sees of a line: its text, and the attributes of each visible character.
fn seen(line: &str) -> (String, Vec<(char, super::Style)>) {
    let glyphs = super::styled::glyphs(line, &mut super::styled::Adapted::default());
    let text = crate::captions::strip_tags(line);
    let styles = text
        .chars()
        .filter(|c| *c != ' ')
        .zip(
            glyphs
                .iter()
                .filter(|g| g.code != super::tables::Code::Standard(b' '))
                .map(|g| g.style),
        )
        .collect();
    (text, styles)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn written_cues_read_back_the_same_within_a_frame(cues in cues()) {
        let d = doc(cues);
        let written = write(&d);
        prop_assert!(written.warnings.is_empty(), "{:?}", written.warnings);
        let text = String::from_utf8(written.bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = read(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.cues.len(), d.cues.len(), "{}", text);
        for (got, want) in back.cues.iter().zip(&d.cues) {
            prop_assert!((got.start_ms - want.start_ms).abs() <= 34, "start {} vs {}", got.start_ms, want.start_ms);
            prop_assert!((got.end_ms - want.end_ms).abs() <= 34, "end {} vs {}", got.end_ms, want.end_ms);
            let got_lines: Vec<_> = got.lines.iter().map(|l| seen(l)).collect();
            let want_lines: Vec<_> = want.lines.iter().map(|l| seen(l)).collect();
            prop_assert_eq!(got_lines, want_lines);
            prop_assert!(got.placement.is_default());
        }
    }

    #[test]
    fn each_eoc_lands_on_its_caption_start_frame(cues in cues()) {
        let d = doc(cues);
        let text = String::from_utf8(write(&d).bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let starts: Vec<i64> = d.cues.iter().map(|c| FrameRate::NTSC_DF.ms_to_frames(c.start_ms)).collect();
        prop_assert_eq!(eoc_frames(&text), starts);
    }

    #[test]
    fn the_reader_survives_any_pairs(words in proptest::collection::vec(any::<u16>(), 0..300), split in 1..40usize) {
        let mut text = String::from("Scenarist_SCC V1.0\n\n");
        for (i, chunk) in words.chunks(split).enumerate() {
            text.push_str(&format!("00:00:{:02};00\t", i % 60));
            text.push_str(&chunk.iter().map(|w| format!("{w:04x}")).collect::<Vec<_>>().join(" "));
            text.push_str("\n\n");
        }
        let _ = read(&text);
        let _ = read_opts(&text, &[("channel", "ch04")], None);
    }

    #[test]
    fn the_reader_survives_any_text(text in "\\PC{0,300}") {
        let _ = read(&format!("Scenarist_SCC V1.0\n\n{text}"));
    }
}

#[test]
#[ignore = "a timing run: cargo test --release -- --ignored scc::tests::speed"]
fn speed_of_100k_cues() {
    let cues: Vec<Cue> = (0..100_000i64)
        .map(|i| {
            cue(
                i * 4000 + 5000,
                i * 4000 + 7000,
                &["A caption of a usual length,", "<i>on two lines</i>"],
            )
        })
        .collect();
    let d = doc(cues);
    let t = std::time::Instant::now();
    let written = write(&d);
    let w = t.elapsed();
    let text = String::from_utf8(written.bytes).expect("utf-8");
    let t = std::time::Instant::now();
    let back = read(&text).expect("reads");
    let r = t.elapsed();
    assert_eq!(back.cues.len(), 100_000);
    println!("write {w:?}, read {r:?}, {} bytes", text.len());
}
