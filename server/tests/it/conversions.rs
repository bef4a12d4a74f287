//! Conversion options through the API: frame rates, incode, offset, encode/decode options,
//! and the failures a user gets for each kind of mistake.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};

/// Submits a convert job with `config` merged over the defaults and waits for it to end.
async fn run(app: &TestApp, config: Value, name: &str, data: &[u8]) -> (Value, String) {
    let (done, body) = run_bytes(app, config, name, data).await;
    (done, String::from_utf8_lossy(&body).into_owned())
}

/// The same, with the target file's bytes.
async fn run_bytes(app: &TestApp, config: Value, name: &str, data: &[u8]) -> (Value, Vec<u8>) {
    let mut full = json!({"job_type": "convert"});
    for (k, v) in config.as_object().into_iter().flatten() {
        full[k] = v.clone();
    }
    let (status, job) = app.submit(&app.key, &full.to_string(), Some((name, data))).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    let id = job["id"].as_str().expect("id").to_string();
    let done = app.wait_for_end(&app.key, &id).await;
    let request = Request::get(format!("/jobs/{id}/files/target"))
        .header("x-api-key", &app.key)
        .body(Body::empty())
        .expect("request");
    let (_, _, body) = app.send(request).await;
    (done, body)
}

const PROGRAMME: &str =
    "1\n01:00:01,000 --> 01:00:02,000\nFirst\n\n2\n01:00:05,000 --> 01:00:06,500\nSecond\n";

fn srt_to_srt(extra: Value) -> Value {
    let mut config = json!({
        "source_profile": "SubRip Video Subtitle Script",
        "target_profile": "SubRip Video Subtitle Script",
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        config[k] = v.clone();
    }
    config
}

#[tokio::test]
async fn incode_and_offset_move_every_cue_frame_exactly() {
    let app = TestApp::start(1).await;
    // At 25 fps, 01:00:00:00 is exactly an hour and 00:00:02:12 is 2.48 s.
    let (done, srt) = run(
        &app,
        srt_to_srt(json!({
            "default_frameRate": 25, "default_dropFrame": false,
            "incode": "01:00:00:00", "offset": "00:00:02:12", "offset_type": "add"
        })),
        "programme.srt",
        PROGRAMME.as_bytes(),
    )
    .await;
    assert_eq!(done["status"], "passed", "{done}");
    assert!(
        srt.starts_with("1\n00:00:03,480 --> 00:00:04,480\nFirst\n\n2\n00:00:07,480 --> 00:00:08,980\n"),
        "{srt}"
    );

    // incode "auto": the first caption starts the programme.
    let (_, srt) = run(
        &app,
        srt_to_srt(json!({"incode": "auto"})),
        "p.srt",
        PROGRAMME.as_bytes(),
    )
    .await;
    assert!(
        srt.starts_with("1\n00:00:00,000 --> 00:00:01,000\nFirst\n\n2\n00:00:04,000 --> 00:00:05,500\n"),
        "{srt}"
    );

    // At 29.97 drop-frame (the default), 00:01:00;02 is frame 1800: 60.06 s.
    let (_, srt) = run(
        &app,
        srt_to_srt(json!({"incode": "auto", "offset": "00:01:00;02"})),
        "p.srt",
        PROGRAMME.as_bytes(),
    )
    .await;
    assert!(srt.starts_with("1\n00:01:00,060 --> "), "{srt}");

    // Subtracting past zero drops what would end before the programme starts, and says so.
    let (done, srt) = run(
        &app,
        srt_to_srt(json!({"offset": "3602", "offset_type": "subtract"})),
        "p.srt",
        PROGRAMME.as_bytes(),
    )
    .await;
    assert_eq!(done["status"], "passed", "{done}");
    assert_eq!(srt, "1\n00:00:03,000 --> 00:00:04,500\nSecond\n\n");
    assert!(
        done["warnings"]
            .to_string()
            .contains("1 caption(s) ended before 00:00:00:00"),
        "{done}"
    );
}

#[tokio::test]
async fn each_kind_of_mistake_fails_the_job_saying_what_to_change() {
    let app = TestApp::start(1).await;
    for (extra, expected) in [
        (
            json!({"encode_options": {"colour": "red"}}),
            "encode_options.colour is not an option here: \"SubRip Video Subtitle Script\" has no encode_options",
        ),
        (
            json!({"source_frameRate": "31"}),
            "source_frameRate: frame rate \"31\" is not supported; use one of 23.976, 24, 25, 29.97, 30, 50, 59.94, 60 (or \"auto\")",
        ),
        (
            json!({"offset": "00:00:01:00", "offset_type": "sideways"}),
            "offset_type \"sideways\" is not known; use \"add\" or \"subtract\"",
        ),
        (
            json!({"incode": "00:01:00;00"}),
            "incode \"00:01:00;00\": not a valid timecode at 29.97 DF (frames run 00–29; drop-frame skips ;00 and ;01 at most minute starts), or \"auto\"",
        ),
        (
            json!({"offset": "later"}),
            "offset \"later\": expected a timecode like 01:00:00:00, a time like 00:00:01.500, or seconds",
        ),
    ] {
        let (done, _) = run(&app, srt_to_srt(extra.clone()), "p.srt", PROGRAMME.as_bytes()).await;
        assert_eq!(done["status"], "failed", "{extra}: {done}");
        assert_eq!(done["error"], expected, "{extra}");
    }
}

#[tokio::test]
async fn a_caption_file_in_another_format_is_named_with_the_profile_to_use() {
    let app = TestApp::start(1).await;
    let ttml = br#"<?xml version="1.0" encoding="utf-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="en"><body><div>
<p begin="00:00:01.000" end="00:00:02.000">Hello</p></div></body></tt>"#;
    let (done, _) = run(
        &app,
        json!({"source_profile": "Scenarist V1.0 (SCC)", "target_profile": "WebVTT"}),
        "episode.scc",
        ttml,
    )
    .await;
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(
        done["error"],
        "source_profile is \"Scenarist V1.0 (SCC)\" but the file looks like TTML XML (root element <tt>); use the \"TTML\" profile"
    );
}

/// One sample file per readable profile, from the golden files written from each spec.
fn samples() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let golden = |path: &str| {
        std::fs::read(format!("{}/tests/golden/{path}", env!("CARGO_MANIFEST_DIR"))).expect("golden file")
    };
    vec![
        ("SubRip Video Subtitle Script", "in.srt", SRT.as_bytes().to_vec()),
        ("WebVTT", "in.vtt", VTT.as_bytes().to_vec()),
        (
            "YouTube SBV",
            "in.sbv",
            b"0:00:01.000,0:00:02.500\nHello world\n\n0:00:03.000,0:00:04.000\nBye\n".to_vec(),
        ),
        ("Scenarist V1.0 (SCC)", "in.scc", golden("scc/popon.scc")),
        ("TTML", "in.ttml", golden("ttml/clock.ttml")),
        ("DFXP", "in.dfxp", golden("ttml/legacy.dfxp")),
        ("IMSC1.1 Text", "in.ttml", golden("ttml/imsc_expected.ttml")),
        ("SAMI", "in.smi", golden("sami/multilang.smi")),
        ("EBU STL", "in.stl", golden("stl/teletext25.stl")),
    ]
}

/// The first cue of a SubRip file: start in ms and its words.
fn first_cue(srt: &str) -> (i64, String) {
    let mut lines = srt.lines().skip_while(|l| !l.contains("-->"));
    let timing = lines.next().unwrap_or_default();
    let start = timing.split(" --> ").next().unwrap_or_default();
    let ms = |s: &str| -> i64 {
        let parts: Vec<i64> = s.split([':', ',']).filter_map(|p| p.parse().ok()).collect();
        match parts.as_slice() {
            [h, m, s, ms] => ((h * 60 + m) * 60 + s) * 1000 + ms,
            _ => -1,
        }
    };
    let words: Vec<String> = lines
        .take_while(|l| !l.trim().is_empty())
        .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .map(|w| {
            // Tags and the {\anN} override are markup, not words.
            let mut out = String::new();
            let mut depth = 0;
            for c in w.chars() {
                match c {
                    '<' | '{' => depth += 1,
                    '>' | '}' => depth -= 1,
                    _ if depth == 0 => out.push(c),
                    _ => {}
                }
            }
            out
        })
        .filter(|w| !w.is_empty())
        .collect();
    (ms(start), words.join(" "))
}

#[tokio::test]
async fn every_readable_profile_converts_to_every_writable_one_keeping_the_first_caption() {
    // 180 jobs and their polling: more than a key's default rate limit allows in a minute.
    let app = TestApp::start_with(2, |c| c.limits.requests_per_minute_per_key = 0).await;
    let (_, profiles) = app
        .json(Request::get("/profiles").body(Body::empty()).expect("request"))
        .await;
    let profiles = profiles["profiles"].as_array().cloned().unwrap_or_default();
    let writable: Vec<(String, bool)> = profiles
        .iter()
        .filter(|p| p["write"] == true)
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["read"] == true,
            )
        })
        .collect();
    assert_eq!(writable.len(), 10, "{profiles:?}");
    let srt = "SubRip Video Subtitle Script";
    for (source, name, data) in samples() {
        // The reference: the source as SubRip.
        let (done, reference) = run(
            &app,
            json!({"source_profile": source, "target_profile": srt}),
            name,
            &data,
        )
        .await;
        assert_eq!(done["status"], "passed", "{source}: {done}");
        let (start, words) = first_cue(&reference);
        assert!(start >= 0 && !words.is_empty(), "{source}: {reference}");
        for (target, readable) in &writable {
            let mut config = json!({"source_profile": source, "target_profile": target});
            if target == "Scenarist V1.0 (SCC)" {
                // SCC files do not say their rate; broadcast SCC is 29.97 (the default of
                // the conversion back), whatever the source's rate (EBU STL's 25, say).
                config["target_frameRate"] = json!("29.97");
            }
            let (done, out) = run_bytes(&app, config, name, &data).await;
            assert_eq!(done["status"], "passed", "{source} -> {target}: {done}");
            let extension = profiles
                .iter()
                .find(|p| p["name"] == target.as_str())
                .and_then(|p| p["extension"].as_str())
                .unwrap_or_default();
            assert!(
                done["target_file_name"]
                    .as_str()
                    .is_some_and(|n| n.ends_with(&format!(".{extension}"))),
                "{done}"
            );
            if !readable {
                let text = String::from_utf8_lossy(&out);
                assert!(
                    text.contains(words.split(' ').next().unwrap_or_default()),
                    "{source} -> {target}: {text}"
                );
                continue;
            }
            // Back to SubRip: the first caption has the same words, within a frame.
            let config = json!({"source_profile": target, "target_profile": srt});
            let (back, again) = run(&app, config, &format!("out.{extension}"), &out).await;
            assert_eq!(back["status"], "passed", "{source} -> {target} -> SRT: {back}");
            let (start_again, words_again) = first_cue(&again);
            // 608 sends one byte pair a frame: a caption too early in the programme to load
            // in time appears late, and the job says so.
            let late = done["warnings"].to_string().contains("frame(s) late");
            assert!(
                (start_again - start).abs() <= 42 || (late && start_again > start),
                "{source} -> {target}: the first caption moved from {start} to {start_again} ms: {done}"
            );
            // A 608 mid-row style code takes a column and shows as a space; where the text
            // had none (`<i>world</i>!`), one is added, and the job says so.
            let warnings = done["warnings"].to_string();
            if warnings.contains("so a space was added") || warnings.contains("so a space appears there") {
                assert_eq!(
                    words_again.replace(' ', ""),
                    words.replace(' ', ""),
                    "{source} -> {target} -> SRT"
                );
            } else {
                assert_eq!(words_again, words, "{source} -> {target} -> SRT");
            }
        }
    }
}

#[tokio::test]
async fn scc_options_are_listed_and_checked_and_srt_to_scc_lands_on_frames() {
    let app = TestApp::start(1).await;
    let (_, profiles) = app
        .json(Request::get("/profiles").body(Body::empty()).expect("request"))
        .await;
    let scc = profiles["profiles"]
        .as_array()
        .and_then(|l| l.iter().find(|p| p["name"] == "Scenarist V1.0 (SCC)").cloned())
        .expect("SCC listed");
    assert_eq!(
        scc["decode_options"][0],
        json!({"name": "channel", "type": "string", "values": ["auto", "ch01", "ch02", "ch03", "ch04"],
               "default": "auto", "description": scc["decode_options"][0]["description"]})
    );

    let (done, _) = run(
        &app,
        json!({"source_profile": "Scenarist V1.0 (SCC)", "target_profile": "WebVTT",
               "decode_options": {"Channel": "ch09"}}),
        "in.scc",
        include_bytes!("../golden/scc/popon.scc"),
    )
    .await;
    assert_eq!(
        done["error"],
        "decode_options.channel is \"ch09\", which \"Scenarist V1.0 (SCC)\" does not allow; use auto, ch01, ch02, ch03, ch04"
    );

    // Pop-on: each caption's EOC (942f) lands on the caption's own frame at 29.97 DF.
    let srt = "1\n00:01:00,060 --> 00:01:02,000\nAt the minute\n\n2\n00:10:00,000 --> 00:10:01,000\nAt ten minutes\n";
    let (done, scc) = run(
        &app,
        json!({"source_profile": "SubRip Video Subtitle Script", "target_profile": "Scenarist V1.0 (SCC)"}),
        "in.srt",
        srt.as_bytes(),
    )
    .await;
    assert_eq!(done["status"], "passed", "{done}");
    assert!(scc.starts_with("Scenarist_SCC V1.0"), "{scc}");
    // 60.06 s is frame 1800, labelled 00:01:00;02; 600 s is frame 17,982, 00:10:00;00.
    for label in ["00:01:00;02", "00:10:00;00"] {
        let found = scc.lines().any(|l| {
            let Some((tc, words)) = l.split_once('\t') else {
                return false;
            };
            let words: Vec<&str> = words.split(' ').collect();
            let Some(eoc) = words.iter().position(|w| *w == "942f") else {
                return false;
            };
            // The line starts `eoc` frames before the EOC: its label plus eoc is the start.
            label_plus(tc, eoc) == label
        });
        assert!(found, "no EOC on {label}:\n{scc}");
    }
}

/// A 29.97 drop-frame label plus `frames`, as a label.
fn label_plus(label: &str, frames: usize) -> String {
    let parts: Vec<i64> = label.split([':', ';']).filter_map(|p| p.parse().ok()).collect();
    let [h, m, s, f] = parts.as_slice() else {
        return String::new();
    };
    let total_minutes = h * 60 + m;
    let mut n = (total_minutes * 60 + s) * 30 + f - 2 * (total_minutes - total_minutes / 10) + frames as i64;
    let tens = n / 17_982;
    let rest = n % 17_982;
    n += 18 * tens
        + if rest >= 1800 {
            2 * ((rest - 1800) / 1798 + 1)
        } else {
            0
        };
    format!(
        "{:02}:{:02}:{:02};{:02}",
        n / 108_000,
        n / 1800 % 60,
        n / 30 % 60,
        n % 30
    )
}
