//! Conversion options through the API: frame rates, incode, offset, encode/decode options,
//! and the failures a user gets for each kind of mistake.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{json, Value};

/// Submits a convert job with `config` merged over the defaults and waits for it to end.
async fn run(app: &TestApp, config: Value, name: &str, data: &[u8]) -> (Value, String) {
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
    (done, String::from_utf8_lossy(&body).into_owned())
}

const PROGRAMME: &str = "1\n01:00:01,000 --> 01:00:02,000\nFirst\n\n2\n01:00:05,000 --> 01:00:06,500\nSecond\n";

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
    let (_, srt) = run(&app, srt_to_srt(json!({"incode": "auto"})), "p.srt", PROGRAMME.as_bytes()).await;
    assert!(srt.starts_with("1\n00:00:00,000 --> 00:00:01,000\nFirst\n\n2\n00:00:04,000 --> 00:00:05,500\n"), "{srt}");

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
        done["warnings"].to_string().contains("1 caption(s) ended before 00:00:00:00"),
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
