//! Transcribe jobs against a small OpenAI-compatible speech-to-text server on 127.0.0.1
//! (`POST /v1/audio/transcriptions`, multipart, `verbose_json`), with media fetched from an
//! S3-like server that answers an expired pre-signed URL with 403 as S3 does.

use crate::common::*;
use axum::extract::Multipart;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const MEDIA: &[u8] = b"ID3\x03\x00fake mp3 frames";

const SPEECH: &str =
    "Welcome to the show where we talk about captions, timing and the people who make them every day.";

/// What the speech service saw, field by field (the file as its name and length).
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// The speech service: fails the first `fail_first` requests with `fail_status`, then
/// answers two segments (the first too long for one caption).
async fn speech_service(fail_first: usize, fail_status: u16) -> (String, Seen) {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = Router::new().route(
        "/v1/audio/transcriptions",
        post(move |mut form: Multipart| {
            let log = log.clone();
            async move {
                let mut fields = Vec::new();
                while let Ok(Some(field)) = form.next_field().await {
                    let name = field.name().unwrap_or_default().to_string();
                    let file = field.file_name().map(str::to_string);
                    let data = field.bytes().await.unwrap_or_default();
                    let value = match file {
                        Some(file) => format!("{file}:{}", data.len()),
                        None => String::from_utf8_lossy(&data).into_owned(),
                    };
                    fields.push((name, value));
                }
                let n = {
                    let mut log = log.lock().expect("lock");
                    log.push(fields);
                    log.len()
                };
                if n <= fail_first {
                    let status = StatusCode::from_u16(fail_status).expect("status");
                    return (status, Json(json!({"error": {"message": "Incorrect API key provided"}}))).into_response();
                }
                Json(json!({
                    "task": "transcribe",
                    "language": "english",
                    "duration": 12.0,
                    "text": SPEECH,
                    "segments": [
                        { "id": 0, "start": 0.5, "end": 6.5, "text": format!(" {}", &SPEECH[..SPEECH.len() - 10]) },
                        { "id": 1, "start": 8.0, "end": 8.6, "text": " every day." }
                    ]
                }))
                .into_response()
            }
        }),
    );
    (serve(app).await, seen)
}

/// An S3-like file server: `/bucket/talk.mp3` is there; `/bucket/expired.mp3` answers as S3
/// does for a pre-signed URL past its expiry; anything else is 404 NoSuchKey.
async fn media_server() -> String {
    let app = Router::new()
        .route(
            "/bucket/talk.mp3",
            get(|| async { ([(header::CONTENT_TYPE, "audio/mpeg")], MEDIA) }),
        )
        .route(
            "/bucket/expired.mp3",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    [(header::CONTENT_TYPE, "application/xml")],
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message><Expires>2026-12-01T00:00:00Z</Expires></Error>",
                )
            }),
        )
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
            )
        });
    serve(app).await
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

async fn app_with(url: Option<String>) -> TestApp {
    TestApp::start_with(1, move |c| {
        c.transcribe_url = url;
        c.allow_private_urls = true;
        c.retry_base_ms = 50;
    })
    .await
}

fn transcribe_config(media_path: Option<&str>) -> String {
    let mut config = json!({
        "job_type": "transcribe",
        "target_profile": "SubRip Video Subtitle Script",
        "transcribe_options": { "source_language": "en" }
    });
    if let Some(url) = media_path {
        config["media_path"] = Value::from(url);
    }
    config.to_string()
}

async fn run(app: &TestApp, config: &str, file: Option<(&str, &[u8])>) -> Value {
    let (status, job) = app.submit(&app.key, config, file).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    app.wait_for_end(&app.key, job["id"].as_str().expect("id")).await
}

#[tokio::test]
async fn media_from_a_url_becomes_captions_cut_by_reading_rules() {
    let (speech, seen) = speech_service(0, 200).await;
    let media = media_server().await;
    let app = app_with(Some(speech)).await;
    let job = run(
        &app,
        &transcribe_config(Some(&format!("{media}/bucket/talk.mp3"))),
        None,
    )
    .await;
    assert_eq!(job["status"], "passed", "{job}");
    let srt = app.file_text(job["id"].as_str().expect("id"), "target").await;
    assert_eq!(job["target_file_name"], "talk.srt");

    // The long first segment is split into captions of at most 2 lines of 42 characters.
    let blocks: Vec<&str> = srt.trim().split("\n\n").collect();
    assert!(blocks.len() >= 3, "{srt}");
    assert!(blocks[0].starts_with("1\n00:00:00,500 --> "), "{srt}");
    for block in &blocks {
        let lines: Vec<&str> = block.lines().skip(2).collect();
        assert!((1..=2).contains(&lines.len()), "{block}");
        assert!(lines.iter().all(|l| l.chars().count() <= 42), "{block}");
    }
    let last = blocks.last().copied().unwrap_or_default();
    assert!(
        last.contains("00:00:08,000 --> 00:00:09,000\nevery day."),
        "the short segment is held for a second: {srt}"
    );
    let text: Vec<&str> = blocks.iter().flat_map(|b| b.lines().skip(2)).collect();
    assert_eq!(text.join(" "), SPEECH, "every word, in order");

    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1);
    let field = |name: &str| seen[0].iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(field("file"), Some(format!("talk.mp3:{}", MEDIA.len())));
    assert_eq!(field("model").as_deref(), Some("whisper-1"));
    assert_eq!(field("response_format").as_deref(), Some("verbose_json"));
    assert_eq!(field("language").as_deref(), Some("en"));
}

#[tokio::test]
async fn an_expired_presigned_url_fails_saying_to_generate_a_new_one() {
    let (speech, seen) = speech_service(0, 200).await;
    let media = media_server().await;
    let app = app_with(Some(speech)).await;
    let job = run(
        &app,
        &transcribe_config(Some(&format!("{media}/bucket/expired.mp3"))),
        None,
    )
    .await;
    assert_eq!(job["status"], "failed");
    assert_eq!(
        job["error"],
        "The media_path URL was refused (HTTP 403, AccessDenied/Request has expired): the pre-signed URL has probably expired; generate a new one"
    );
    let job = run(
        &app,
        &transcribe_config(Some(&format!("{media}/bucket/gone.mp3"))),
        None,
    )
    .await;
    let error = job["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("HTTP 404, NoSuchKey") && error.contains("check the URL"),
        "{error}"
    );
    assert!(
        seen.lock().expect("lock").is_empty(),
        "nothing was sent to transcribe"
    );
}

#[tokio::test]
async fn an_uploaded_media_file_is_transcribed_too() {
    let (speech, seen) = speech_service(0, 200).await;
    let app = app_with(Some(speech)).await;
    let job = run(&app, &transcribe_config(None), Some(("interview.wav", MEDIA))).await;
    assert_eq!(job["status"], "passed", "{job}");
    assert_eq!(job["target_file_name"], "interview.srt");
    let seen = seen.lock().expect("lock").clone();
    assert!(seen[0].contains(&("file".to_string(), format!("interview.wav:{}", MEDIA.len()))));
}

#[tokio::test]
async fn service_failures_are_retried_and_refusals_name_the_setting() {
    let media = media_server().await;
    let config = transcribe_config(Some(&format!("{media}/bucket/talk.mp3")));

    let (speech, seen) = speech_service(1, 503).await;
    let app = app_with(Some(speech)).await;
    let job = run(&app, &config, None).await;
    assert_eq!(job["status"], "passed", "{job}");
    assert_eq!(job["attempts"], 2, "a 503 is tried again: {job}");
    assert_eq!(seen.lock().expect("lock").len(), 2);

    let (speech, _) = speech_service(usize::MAX, 401).await;
    let app = app_with(Some(speech)).await;
    let job = run(&app, &config, None).await;
    assert_eq!(job["status"], "failed");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("HTTP 401: Incorrect API key provided") && error.contains("CCJOBS_TRANSCRIBE_API_KEY"),
        "{error}"
    );
    assert_eq!(job["attempts"], 1, "a refusal is not retried");
}

#[tokio::test]
async fn without_a_service_or_media_the_job_says_what_to_set() {
    let media = media_server().await;
    let app = app_with(None).await;
    let job = run(
        &app,
        &transcribe_config(Some(&format!("{media}/bucket/talk.mp3"))),
        None,
    )
    .await;
    assert_eq!(job["status"], "failed");
    assert!(
        job["error"]
            .as_str()
            .unwrap_or_default()
            .contains("CCJOBS_TRANSCRIBE_URL"),
        "{job}"
    );

    let (status, body) = app.submit(&app.key, &transcribe_config(None), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "missing_media");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("media_path"));
    let (status, body) = app
        .submit(&app.key, &transcribe_config(Some("s3://bucket/a.mp3")), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_url");
}
