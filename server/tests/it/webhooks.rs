//! Webhooks against a receiver on 127.0.0.1 that checks Standard Webhooks signatures with
//! its own HMAC: signed delivery of the job's answer, retries on the schedule with
//! Retry-After, 410 stops, redirects are not followed, the outbound guard, redelivery, and
//! the account's secret (view, rotate).

use crate::common::*;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::Router;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the receiver answers to its n-th request (the last answer repeats).
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, &'static str)>,
}

fn answer(status: u16) -> Answer {
    Answer {
        status,
        headers: Vec::new(),
    }
}

/// A request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    at: Instant,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    /// Requests to `/elsewhere` (where redirects point).
    followed: Arc<Mutex<usize>>,
}

impl Receiver {
    async fn start(answers: Vec<Answer>) -> Self {
        let received = Arc::new(Mutex::new(Vec::<Received>::new()));
        let followed = Arc::new(Mutex::new(0usize));
        let log = received.clone();
        let elsewhere = followed.clone();
        let app = Router::new()
            .route(
                "/hook",
                axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                    let log = log.clone();
                    let answers = answers.clone();
                    async move {
                        let n = {
                            let mut log = log.lock().expect("lock");
                            log.push(Received {
                                at: Instant::now(),
                                headers,
                                body,
                            });
                            log.len() - 1
                        };
                        let a = answers[n.min(answers.len() - 1)].clone();
                        let mut response = StatusCode::from_u16(a.status).expect("status").into_response();
                        for (name, value) in a.headers {
                            response
                                .headers_mut()
                                .insert(name, value.parse().expect("header"));
                        }
                        response
                    }
                }),
            )
            .route(
                "/elsewhere",
                any(move || {
                    *elsewhere.lock().expect("lock") += 1;
                    async { StatusCode::OK }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url: format!("http://{addr}/hook"),
            received,
            followed,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "the receiver got {} of {n} requests",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// True when one of the header's `v1,` signatures is the HMAC-SHA256 of `id.timestamp.body`
/// under `secret` (the base64 after `whsec_`), as the Standard Webhooks receiver checks it.
fn verifies(secret: &str, got: &Received) -> bool {
    let header = |name: &str| {
        got.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("secret is base64");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{}.{}.", header("webhook-id"), header("webhook-timestamp")).as_bytes());
    mac.update(&got.body);
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    header("webhook-signature").split(' ').any(|s| s == expected)
}

fn config_with_webhook(url: &str) -> String {
    format!(
        r#"{{"job_type":"convert","source_profile":"SubRip Video Subtitle Script","target_profile":"WebVTT","webhook":"{url}"}}"#
    )
}

/// An instance that may call 127.0.0.1 (the receiver), with the schedule's first wait
/// shortened to `first_wait_ms`.
async fn app_for_receiver(first_wait_ms: u64) -> TestApp {
    TestApp::start_with(1, move |c| {
        c.allow_private_urls = true;
        c.webhook_first_retry_ms = first_wait_ms;
    })
    .await
}

async fn submit_with_webhook(app: &TestApp, url: &str) -> String {
    let (status, job) = app
        .submit(
            &app.key,
            &config_with_webhook(url),
            Some(("talk.srt", SRT.as_bytes())),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    job["id"].as_str().expect("id").to_string()
}

/// Polls the job's webhook log until `done` holds, for at most `within`.
async fn log_until(app: &TestApp, id: &str, within: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let (status, log) = app.get(&app.key, &format!("/jobs/{id}/webhook")).await;
        if status == StatusCode::OK && done(&log) {
            return log;
        }
        assert!(
            Instant::now() < deadline,
            "webhook log never got there: {status} {log}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn attempts(log: &Value) -> Vec<Value> {
    log["attempts"].as_array().cloned().unwrap_or_default()
}

/// An empty POST with the account's key.
async fn post(app: &TestApp, uri: &str) -> (StatusCode, Value) {
    app.json(
        Request::post(uri)
            .header("x-api-key", &app.key)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

async fn secret(app: &TestApp, key: &str) -> String {
    let (status, body) = app.get(key, "/account/webhook-secret").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["secret"].as_str().expect("secret").to_string()
}

#[tokio::test]
async fn a_finished_job_posts_its_signed_answer_to_the_webhook() {
    let receiver = Receiver::start(vec![answer(204)]).await;
    let app = app_for_receiver(5000).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    let job = app.wait_for_end(&app.key, &id).await;
    assert_eq!(job["status"], "passed", "{job}");

    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    let secret = secret(&app, &app.key).await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(
        verifies(&secret, &got[0]),
        "the signature verifies: {:?}",
        got[0].headers
    );
    assert!(
        !verifies(&ccjobs::webhooks::new_secret(), &got[0]),
        "another secret does not verify"
    );
    let header = |name: &str| {
        got[0]
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert!(header("webhook-id").starts_with("msg_"), "{:?}", got[0].headers);
    let timestamp: i64 = header("webhook-timestamp").parse().expect("seconds");
    let now = ccjobs::store::now_ms() / 1000;
    assert!(
        (now - timestamp).abs() < 60,
        "timestamp {timestamp} is now ({now})"
    );
    assert_eq!(header("content-type"), "application/json");

    // The body is the synchronous API's answer: the job, and the output in base64.
    let body: Value = serde_json::from_slice(&got[0].body).expect("JSON body");
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["status"], "passed");
    let output = base64::engine::general_purpose::STANDARD
        .decode(body["output"].as_str().expect("output"))
        .expect("base64");
    assert_eq!(String::from_utf8(output).expect("utf-8"), VTT);

    let log = log_until(&app, &id, Duration::from_secs(5), |l| l["state"] == "delivered").await;
    let (_, doc) = app.get(&app.key, "/openapi.json").await;
    let described = |name: &str| -> Vec<String> {
        let mut keys: Vec<String> = doc["components"]["schemas"][name]["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    };
    let mut got: Vec<String> = log
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    got.sort();
    assert_eq!(
        got,
        described("WebhookLog"),
        "the log is as /openapi.json describes it"
    );
    assert_eq!(log["url"], receiver.url.as_str());
    assert_eq!(log["message_id"], header("webhook-id").as_str());
    let attempts = attempts(&log);
    assert_eq!(attempts.len(), 1, "{log}");
    assert_eq!(attempts[0]["http_status"], 204);
    assert!(attempts[0]["error"].is_null(), "{log}");
    assert!(attempts[0]["latency_ms"].as_u64().is_some(), "{log}");
}

#[tokio::test]
async fn failures_are_retried_on_the_schedule_and_retry_after_is_honoured() {
    let receiver = Receiver::start(vec![
        answer(500),
        Answer {
            status: 503,
            headers: vec![("retry-after", "2")],
        },
        answer(200),
    ])
    .await;
    // A first wait of 40 ms: the schedule's 5 s becomes 40 ms (and its 5 min 2.4 s).
    let app = app_for_receiver(40).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    let got = receiver.wait_for(3, Duration::from_secs(15)).await;
    let ids: Vec<_> = got.iter().map(|r| r.headers["webhook-id"].clone()).collect();
    assert!(
        ids.iter().all(|i| *i == ids[0]),
        "one message id on every attempt: {ids:?}"
    );
    let first_gap = got[1].at - got[0].at;
    assert!(first_gap >= Duration::from_millis(30), "{first_gap:?}");
    let second_gap = got[2].at - got[1].at;
    assert!(
        second_gap >= Duration::from_millis(1900),
        "Retry-After: 2 was honoured: {second_gap:?}"
    );

    let log = log_until(&app, &id, Duration::from_secs(5), |l| l["state"] == "delivered").await;
    let attempts = attempts(&log);
    let statuses: Vec<_> = attempts.iter().map(|a| a["http_status"].clone()).collect();
    assert_eq!(statuses, [500, 503, 200].map(Value::from).to_vec(), "{log}");
    let error = attempts[0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("HTTP 500") && error.contains("2xx"), "{error}");
    assert!(attempts[2]["error"].is_null());
}

#[tokio::test]
async fn the_last_scheduled_failure_gives_up_and_says_what_to_do() {
    let receiver = Receiver::start(vec![answer(500)]).await;
    // No waits: all eight attempts (the first and seven retries) at once.
    let app = app_for_receiver(0).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    let log = log_until(&app, &id, Duration::from_secs(10), |l| l["state"] == "failed").await;
    let attempts = attempts(&log);
    assert_eq!(attempts.len(), 8, "one attempt and seven retries: {log}");
    let last = attempts[7]["error"].as_str().unwrap_or_default();
    assert!(
        last.contains("Gave up after 8 attempts") && last.contains("Redeliver"),
        "{last}"
    );
    assert!(log["next_attempt_at"].is_null());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 8, "no attempt after giving up");
}

#[tokio::test]
async fn a_410_stops_deliveries_and_redeliver_sends_again() {
    let receiver = Receiver::start(vec![answer(410), answer(200)]).await;
    let app = app_for_receiver(20).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    let log = log_until(&app, &id, Duration::from_secs(5), |l| l["state"] == "stopped").await;
    assert_eq!(attempts(&log).len(), 1);
    assert!(attempts(&log)[0]["error"]
        .as_str()
        .unwrap_or_default()
        .contains("410 Gone"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "410 stopped the retries");

    let (status, body) = post(&app, &format!("/jobs/{id}/webhook/redeliver")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let log = log_until(&app, &id, Duration::from_secs(5), |l| l["state"] == "delivered").await;
    assert_eq!(attempts(&log).len(), 2, "{log}");
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let receiver = Receiver::start(vec![Answer {
        status: 302,
        headers: vec![("location", "/elsewhere")],
    }])
    .await;
    let app = app_for_receiver(60_000).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    let log = log_until(&app, &id, Duration::from_secs(5), |l| !attempts(l).is_empty()).await;
    let attempt = &attempts(&log)[0];
    assert_eq!(attempt["http_status"], 302);
    let error = attempt["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("redirect") && error.contains("/elsewhere"),
        "{error}"
    );
    assert_eq!(
        log["state"], "pending",
        "a redirect is a failed attempt, retried later: {log}"
    );
    assert!(log["next_attempt_at"].as_str().is_some(), "{log}");
    assert_eq!(
        *receiver.followed.lock().expect("lock"),
        0,
        "the redirect was not followed"
    );
}

#[tokio::test]
async fn internal_addresses_are_refused_unless_allowed_and_dead_receivers_are_retried() {
    let receiver = Receiver::start(vec![answer(200)]).await;
    // The default: private addresses refused.
    let app = TestApp::start(1).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    let log = log_until(&app, &id, Duration::from_secs(5), |l| l["state"] == "failed").await;
    let error = attempts(&log)[0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        error.contains("127.0.0.1")
            && error.contains("internal address")
            && error.contains("CCJOBS_ALLOW_PRIVATE_URLS"),
        "{error}"
    );
    assert!(receiver.received().is_empty());

    // Nothing listening: no HTTP status, an error that says so, and another attempt later.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}/hook", closed.local_addr().expect("addr"));
    drop(closed);
    let app = app_for_receiver(60_000).await;
    let id = submit_with_webhook(&app, &dead).await;
    app.wait_for_end(&app.key, &id).await;
    let log = log_until(&app, &id, Duration::from_secs(10), |l| !attempts(l).is_empty()).await;
    let attempt = &attempts(&log)[0];
    assert!(attempt["http_status"].is_null(), "{log}");
    assert!(
        attempt["error"]
            .as_str()
            .unwrap_or_default()
            .contains("could not be reached"),
        "{log}"
    );
    assert_eq!(log["state"], "pending");
}

#[tokio::test]
async fn the_secret_is_per_account_and_a_rotation_signs_with_both_for_a_day() {
    let receiver = Receiver::start(vec![answer(200)]).await;
    let app = app_for_receiver(5000).await;
    let first = secret(&app, &app.key).await;
    assert_eq!(secret(&app, &app.key).await, first, "stable until rotated");
    let bob = app.new_key("bob").await;
    assert_ne!(secret(&app, &bob).await, first, "each account has its own");

    let (status, rotated) = post(&app, "/account/webhook-secret/rotate").await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let second = rotated["secret"].as_str().expect("secret").to_string();
    assert_ne!(second, first);
    let until: app::time::Timestamp =
        serde_json::from_value(rotated["previous_valid_until"].clone()).expect("an RFC 3339 time");
    let day = 24 * 3600 * 1000;
    assert!(
        (until.0 - ccjobs::store::now_ms() - day).abs() < 60_000,
        "{rotated}"
    );
    assert_eq!(secret(&app, &app.key).await, second);

    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert!(verifies(&second, &got[0]), "the new secret signs");
    assert!(verifies(&first, &got[0]), "the old one too, during the overlap");
}

#[tokio::test]
async fn webhook_mistakes_are_refused_with_a_clear_error() {
    let app = TestApp::start(1).await;
    let (status, body) = app
        .submit(
            &app.key,
            &config_with_webhook("ftp://example.com/x"),
            Some(("a.srt", SRT.as_bytes())),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_url");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("webhook"),
        "{body}"
    );

    // A job without a webhook has no log and nothing to redeliver.
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;
    let (status, body) = app.get(&app.key, &format!("/jobs/{id}/webhook")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .contains("names no webhook"));
    let (status, body) = post(&app, &format!("/jobs/{id}/webhook/redeliver")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "no_webhook");
}

#[tokio::test]
async fn a_pending_delivery_survives_a_restart() {
    let receiver = Receiver::start(vec![answer(503), answer(200)]).await;
    // The first attempt fails; the retry is due in a second, after the restart.
    let app = app_for_receiver(1000).await;
    let id = submit_with_webhook(&app, &receiver.url).await;
    app.wait_for_end(&app.key, &id).await;
    log_until(&app, &id, Duration::from_secs(5), |l| attempts(l).len() == 1).await;
    let dir = app.stop().await;

    let app = TestApp::open_with(dir, 1, |c| {
        c.allow_private_urls = true;
        c.webhook_first_retry_ms = 1000;
    })
    .await;
    let log = log_until(&app, &id, Duration::from_secs(10), |l| l["state"] == "delivered").await;
    let statuses: Vec<_> = attempts(&log).iter().map(|a| a["http_status"].clone()).collect();
    assert_eq!(statuses, [503, 200].map(Value::from).to_vec(), "{log}");
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
}
