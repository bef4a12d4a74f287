//! Limits with clear answers: request rates, Job Description size and depth, cues per
//! file, and jobs running at once per account.

use crate::common::*;
use app::model::JobSource;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use std::net::SocketAddr;

#[tokio::test]
async fn too_many_requests_get_429_with_retry_after_per_key_and_per_address() {
    let app = TestApp::start_with(0, |c| {
        c.limits.requests_per_minute_per_key = 3;
        c.limits.requests_per_minute_per_ip = 5;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get(&app.key, "/jobs").await.0, StatusCode::OK);
    }
    let request = Request::get("/jobs")
        .header("x-api-key", &app.key)
        .body(Body::empty())
        .expect("request");
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers[header::RETRY_AFTER], "20");
    let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("3 per minute (setting CCJOBS_RATE_PER_KEY)"));
    let bob = app.new_key("bob").await;
    assert_eq!(
        app.get(&bob, "/jobs").await.0,
        StatusCode::OK,
        "another key has its own budget"
    );

    let from = |ip: &str| {
        let mut request = Request::get("/profiles").body(Body::empty()).expect("request");
        let address: SocketAddr = format!("{ip}:40000").parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(address));
        request
    };
    for _ in 0..5 {
        assert_eq!(app.send(from("127.0.0.2")).await.0, StatusCode::OK);
    }
    assert_eq!(app.send(from("127.0.0.2")).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.send(from("127.0.0.3")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn oversized_or_deeply_nested_configs_are_refused_and_nothing_is_stored() {
    let app = TestApp::start_with(0, |c| {
        c.limits.max_config_bytes = 200;
        c.limits.max_config_depth = 3;
    })
    .await;
    let file = Some(("a.srt", SRT.as_bytes()));
    let big = format!(r#"{{"job_type":"convert","note":"{}"}}"#, "x".repeat(300));
    let (status, body) = app.submit(&app.key, &big, file).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("config_too_large"))
    );
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("at most 200 (setting CCJOBS_MAX_CONFIG_BYTES)"));
    let deep = r#"{"job_type":"convert","a":{"b":{"c":{"d":1}}}}"#;
    let (status, body) = app.submit(&app.key, deep, file).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("config_too_deep"))
    );
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("4 levels deep"));
    assert_eq!(app.get(&app.key, "/jobs").await.1["total"], 0);
}

#[tokio::test]
async fn a_file_with_too_many_cues_fails_naming_the_limit() {
    let app = TestApp::start_with(1, |c| c.limits.max_cues = 1).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("two.srt", SRT.as_bytes())))
        .await;
    let done = app.wait_for_end(&app.key, job["id"].as_str().expect("id")).await;
    assert_eq!(done["status"], "failed");
    let error = done["error"].as_str().expect("error");
    assert!(
        error.contains("has 2 cues") && error.contains("CCJOBS_MAX_CUES"),
        "{error}"
    );
}

#[tokio::test]
async fn an_account_at_its_running_limit_waits_while_others_run() {
    let app = TestApp::start(0).await;
    let (app, service) = (&app, &app.instance.state.service);
    let submit = |name: &'static str| async move {
        let account = app.account(name).await;
        let upload = ccjobs::service::Upload {
            name: "a.srt".into(),
            data: SRT.as_bytes().to_vec(),
        };
        service
            .submit_job(account, JobSource::Api, CONVERT, Some(upload), None)
            .await
            .expect("job")
            .job
            .id
    };
    app.new_key("bob").await;
    let alice_1 = submit("alice").await;
    let alice_2 = submit("alice").await;
    let bob_1 = submit("bob").await;
    let store = service.store();
    let claim = || async {
        store
            .claim_next("w", 60_000, 1)
            .await
            .expect("db")
            .map(|c| c.job.id)
    };
    assert_eq!(claim().await, Some(alice_1));
    assert_eq!(
        claim().await,
        Some(bob_1),
        "alice's second job waits for her first"
    );
    assert_eq!(claim().await, None);
    assert_eq!(
        store
            .claim_next("w", 60_000, 2)
            .await
            .expect("db")
            .map(|c| c.job.id),
        Some(alice_2)
    );
}
