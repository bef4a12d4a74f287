//! Translate jobs against a small LibreTranslate-speaking server on 127.0.0.1, and what
//! happens when it is down, busy or refuses: transient failures are retried with backoff,
//! permanent ones fail at once.

use crate::common::*;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const TRANSLATE: &str = r#"{"job_type":"translate","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT","translate_options":{"source_language":"en","target_language":"fr"}}"#;

/// How the fake service behaves.
#[derive(Clone, Copy)]
enum Mode {
    /// Fails this many requests with 503, then translates.
    FailFirst(usize),
    /// Refuses every request with 400.
    Refuse,
}

/// A LibreTranslate-compatible `POST /translate` that "translates" to `[fr] text`, and how
/// many requests it saw.
async fn translation_service(mode: Mode) -> (String, Arc<AtomicUsize>) {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let app = Router::new().route(
        "/translate",
        post(move |Json(body): Json<Value>| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match mode {
                    Mode::FailFirst(k) if n < k => (
                        StatusCode::SERVICE_UNAVAILABLE,
                        Json(json!({"error": "model loading"})),
                    ),
                    Mode::Refuse => (
                        StatusCode::BAD_REQUEST,
                        Json(json!({"error": "fr is not supported"})),
                    ),
                    _ => {
                        let target = body["target"].as_str().unwrap_or("?").to_string();
                        let texts: Vec<String> = body["q"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|t| format!("[{target}] {}", t.as_str().unwrap_or_default()))
                            .collect();
                        (StatusCode::OK, Json(json!({ "translatedText": texts })))
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), seen)
}

async fn app_with(url: Option<String>) -> TestApp {
    TestApp::start_with(1, move |c| {
        c.translate_url = url;
        c.retry_base_ms = 50;
    })
    .await
}

async fn submit_translate(app: &TestApp) -> String {
    let (status, job) = app
        .submit(&app.key, TRANSLATE, Some(("talk.srt", SRT.as_bytes())))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    job["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn a_translate_job_keeps_the_timing_and_translates_every_cue() {
    let (url, seen) = translation_service(Mode::FailFirst(0)).await;
    let app = app_with(Some(url)).await;
    let id = submit_translate(&app).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["status"], "passed", "{job}");
    assert_eq!(job["attempts"], 1);
    let vtt = app.file_text(&id, "target").await;
    assert!(vtt.starts_with("WEBVTT"), "{vtt}");
    assert!(
        vtt.contains("00:00:01.000 --> 00:00:02.500\n[fr] Hello world"),
        "{vtt}"
    );
    assert!(
        vtt.contains("00:00:03.000 --> 00:00:04.000\n[fr] Tom &amp; Jerry"),
        "{vtt}"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1, "two cues, one batch");
    assert!(
        job["warnings"].to_string().contains("inline styling"),
        "the dropped <i> is reported: {job}"
    );
}

#[tokio::test]
async fn a_busy_service_is_tried_again_with_backoff() {
    let (url, seen) = translation_service(Mode::FailFirst(2)).await;
    let app = app_with(Some(url)).await;
    let id = submit_translate(&app).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["status"], "passed", "{job}");
    assert_eq!(job["attempts"], 3, "two transient failures, then success");
    assert_eq!(job["error"], Value::Null, "a passed job carries no error: {job}");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_service_that_stays_down_fails_the_job_after_the_last_attempt() {
    let (url, seen) = translation_service(Mode::FailFirst(usize::MAX)).await;
    let app = app_with(Some(url)).await;
    let id = submit_translate(&app).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["status"], "failed", "{job}");
    assert_eq!(job["attempts"], 3);
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.contains("HTTP 503: model loading"), "{error}");
    assert!(error.contains("Gave up after 3 attempts"), "{error}");
    assert_eq!(seen.load(Ordering::SeqCst), 3);

    // Nobody listening is transient too.
    let app = app_with(Some("http://127.0.0.1:9".into())).await;
    let id = submit_translate(&app).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["attempts"], 3, "{job}");
    assert!(
        job["error"]
            .as_str()
            .unwrap_or_default()
            .contains("could not be reached"),
        "{job}"
    );
}

#[tokio::test]
async fn a_refusal_fails_at_once_saying_why() {
    let (url, seen) = translation_service(Mode::Refuse).await;
    let app = app_with(Some(url)).await;
    let id = submit_translate(&app).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["attempts"], 1, "a permanent error is not retried");
    assert_eq!(
        job["error"],
        "The translation service refused the job (HTTP 400: fr is not supported); check translate_options.source_language and target_language"
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn without_a_service_or_a_language_the_answer_names_the_setting() {
    let app = app_with(None).await;
    let id = submit_translate(&app).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["status"], "failed");
    assert!(
        job["error"]
            .as_str()
            .unwrap_or_default()
            .contains("CCJOBS_TRANSLATE_URL"),
        "{job}"
    );

    let no_language = TRANSLATE.replace(r#""target_language":"fr""#, r#""x":1"#);
    let (status, body) = app
        .submit(&app.key, &no_language, Some(("talk.srt", SRT.as_bytes())))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("target_language"),
        "{body}"
    );
}
