//! Conversions through the API, end to end: every readable profile to every writable one,
//! encodings, and the profile list.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};

const VTT_IN: &str = "WEBVTT\n\nNOTE made by hand\n\nhello\n00:01.000 --> 00:02.500 align:start\n<v Ann>Hello &amp; <i>welcome</i>\n\n00:03.000 --> 00:04.000\nBye\n";

async fn convert(
    app: &TestApp,
    from: &str,
    to: &str,
    name: &str,
    data: &[u8],
) -> (serde_json::Value, Vec<u8>) {
    let config =
        serde_json::json!({"job_type": "convert", "source_profile": from, "target_profile": to}).to_string();
    let (status, job) = app.submit(&app.key, &config, Some((name, data))).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    let id = job["id"].as_str().expect("id").to_string();
    let done = app.wait_for_end(&app.key, &id).await;
    let request = Request::get(format!("/jobs/{id}/files/target"))
        .header("x-api-key", &app.key)
        .body(Body::empty());
    let (_, _, body) = app.send(request.expect("request")).await;
    (done, body)
}

#[tokio::test]
async fn webvtt_sbv_and_text_convert_with_timing_kept() {
    let app = TestApp::start(1).await;
    let (done, srt) = convert(
        &app,
        "WebVTT",
        "SubRip Video Subtitle Script",
        "in.vtt",
        VTT_IN.as_bytes(),
    )
    .await;
    assert_eq!(done["status"], "passed", "{done}");
    assert_eq!(
        String::from_utf8(srt).expect("utf-8"),
        "1\n00:00:01,000 --> 00:00:02,500\n{\\an1}Hello & <i>welcome</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nBye\n\n",
        "align:start became SubRip's bottom-left override"
    );
    let warnings = done["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains("voice, class, ruby"))),
        "{done}"
    );

    let (done, sbv) = convert(
        &app,
        "SubRip Video Subtitle Script",
        "YouTube SBV",
        "in.srt",
        SRT.as_bytes(),
    )
    .await;
    assert_eq!(done["target_file_name"], "in.sbv");
    let sbv = String::from_utf8(sbv).expect("utf-8");
    assert_eq!(
        sbv,
        "0:00:01.000,0:00:02.500\nHello world\n\n0:00:03.000,0:00:04.000\nTom & Jerry\n\n"
    );
    let (done, vtt) = convert(&app, "YouTube SBV", "WebVTT", "in.sbv", sbv.as_bytes()).await;
    assert_eq!(done["status"], "passed");
    assert!(String::from_utf8(vtt)
        .expect("utf-8")
        .contains("00:00:03.000 --> 00:00:04.000\nTom &amp; Jerry"));

    let (_, txt) = convert(
        &app,
        "SubRip Video Subtitle Script",
        "Plain Text",
        "in.srt",
        SRT.as_bytes(),
    )
    .await;
    assert_eq!(
        String::from_utf8(txt).expect("utf-8"),
        "Hello world\n\nTom & Jerry\n"
    );
}

#[tokio::test]
async fn windows_1252_and_utf16_sources_are_read_and_bad_bytes_located() {
    let app = TestApp::start(1).await;
    let cp1252 = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nCaf\xE9 \x93ol\xE9\x94\r\n";
    let (done, vtt) = convert(&app, "SubRip Video Subtitle Script", "WebVTT", "old.srt", cp1252).await;
    assert_eq!(done["status"], "passed", "{done}");
    assert!(String::from_utf8(vtt).expect("utf-8").contains("Café “olé”"));
    assert!(done["warnings"][0]
        .as_str()
        .expect("warning")
        .contains("read as Windows-1252"));

    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(SRT.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let (done, vtt) = convert(&app, "SubRip Video Subtitle Script", "WebVTT", "wide.srt", &utf16).await;
    assert_eq!(done["status"], "passed", "{done}");
    assert_eq!(String::from_utf8(vtt).expect("utf-8"), VTT);

    let (done, _) = convert(
        &app,
        "SubRip Video Subtitle Script",
        "WebVTT",
        "bad.srt",
        b"1\n\x81",
    )
    .await;
    assert_eq!(done["status"], "failed");
    assert!(
        done["error"]
            .as_str()
            .expect("error")
            .contains("first bad byte at offset 2"),
        "{done}"
    );
}

#[tokio::test]
async fn profiles_lists_every_profile_with_what_it_can_do() {
    let app = TestApp::start(0).await;
    let (status, body) = app
        .json(Request::get("/profiles").body(Body::empty()).expect("request"))
        .await;
    assert_eq!(status, StatusCode::OK, "no key needed");
    let profiles = body["profiles"].as_array().expect("profiles");
    let find = |name: &str| profiles.iter().find(|p| p["name"] == name).cloned().expect(name);
    for (name, ext, read, write) in [
        ("SubRip Video Subtitle Script", "srt", true, true),
        ("WebVTT", "vtt", true, true),
        ("YouTube SBV", "sbv", true, true),
        ("Plain Text", "txt", false, true),
    ] {
        let p = find(name);
        assert_eq!(
            (p["extension"].as_str(), p["read"].as_bool(), p["write"].as_bool()),
            (Some(ext), Some(read), Some(write))
        );
    }
    let (status, body) = app
        .submit(
            &app.key,
            r#"{"job_type":"convert","source_profile":"Plain Text","target_profile":"WebVTT"}"#,
            Some(("a.txt", b"x")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("\"YouTube SBV\""),
        "{body}"
    );
}

#[tokio::test]
async fn a_file_sent_with_the_wrong_source_profile_is_named_for_what_it_is() {
    let app = TestApp::start(1).await;
    for (profile, name, data, looks_like) in [
        ("WebVTT", "episode.srt", SRT, "SubRip Video Subtitle Script"),
        ("SubRip Video Subtitle Script", "episode.vtt", VTT_IN, "WebVTT"),
        (
            "SubRip Video Subtitle Script",
            "episode.sbv",
            "0:00:01.000,0:00:02.000\nHi\n",
            "YouTube SBV",
        ),
    ] {
        let (job, _) = convert(&app, profile, "WebVTT", name, data.as_bytes()).await;
        assert_eq!(job["status"], "failed", "{job}");
        let error = job["error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with(&format!(
                "source_profile is \"{profile}\" but the file looks like "
            )) && error.ends_with(&format!("; use the \"{looks_like}\" profile")),
            "{error}"
        );
    }
    let (job, _) = convert(&app, "WebVTT", "WebVTT", "noise.vtt", b"just some words\n").await;
    let error = job["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("Check that the file is WebVTT"),
        "nothing fits, so no guess: {error}"
    );
}
