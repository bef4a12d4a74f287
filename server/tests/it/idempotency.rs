//! `Idempotency-Key` on `POST /jobs`: a retried request never makes a second job.

use crate::common::*;
use axum::http::StatusCode;

fn with_key(key: &str, api_key: &str, config: &str) -> axum::http::Request<axum::body::Body> {
    let mut request = submit_request(api_key, config, Some(("a.srt", SRT.as_bytes())));
    request
        .headers_mut()
        .insert("idempotency-key", key.parse().expect("header"));
    request
}

#[tokio::test]
async fn the_same_key_returns_the_same_job_even_when_sent_at_once() {
    let app = TestApp::start(0).await;
    let (status, headers, body) = app.send(with_key("order-17", &app.key, CONVERT)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers["idempotent-replayed"], "false");
    let first: serde_json::Value = serde_json::from_slice(&body).expect("json");

    let (status, headers, body) = app.send(with_key("order-17", &app.key, CONVERT)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["idempotent-replayed"], "true");
    let again: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(again["id"], first["id"]);

    // Eight clients retrying at once: still one job.
    let racers = (0..8).map(|_| app.send(with_key("order-18", &app.key, CONVERT)));
    let answers = futures_util::future::join_all(racers).await;
    let ids: std::collections::HashSet<String> = answers
        .iter()
        .map(|(_, _, body)| {
            serde_json::from_slice::<serde_json::Value>(body).expect("json")["id"].to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _, _)| *s == StatusCode::CREATED)
            .count(),
        1
    );
    assert_eq!(app.get(&app.key, "/jobs").await.1["total"], 2);
}

#[tokio::test]
async fn a_reused_key_with_another_config_is_refused_and_keys_are_per_account() {
    let app = TestApp::start(0).await;
    app.send(with_key("k1", &app.key, CONVERT)).await;
    let other = r#"{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"YouTube SBV"}"#;
    let (status, _, body) = app.send(with_key("k1", &app.key, other)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    assert_eq!(app.get(&app.key, "/jobs").await.1["total"], 1);

    let bob = app.new_key("bob").await;
    let (status, _, _) = app.send(with_key("k1", &bob, CONVERT)).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another account's key space is its own"
    );

    let (status, _, _) = app.send(with_key(&"x".repeat(300), &app.key, CONVERT)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
