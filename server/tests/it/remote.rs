//! A URL as the source: fetched by the server, with internal addresses refused unless the
//! administrator allows them, and every failure explained.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::routing::get;
use axum::Router;

/// A small file server on 127.0.0.1 that answers like S3 and friends.
async fn file_server() -> String {
    let big = "x".repeat(2 * 1024 * 1024);
    let app = Router::new()
        .route("/bucket/episode%201.srt", get(|| async { SRT }))
        .route(
            "/bucket/expired.srt",
            get(|| async {
                (
                    StatusCode::FORBIDDEN,
                    [(header::CONTENT_TYPE, "application/xml")],
                    "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                )
            }),
        )
        .route("/bucket/page", get(|| async { axum::response::Html("<html>sign in</html>") }))
        .route("/bucket/big.srt", get(move || async move { big }))
        .route(
            "/bucket/slow.srt",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                SRT
            }),
        )
        .route(
            "/bucket/moved.srt",
            get(|| async { axum::response::Redirect::temporary("/bucket/episode%201.srt") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/bucket")
}

fn url_request(key: &str, url: &str) -> Request<Body> {
    let boundary = "ccjobs-url-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"config\"\r\n\r\n{CONVERT}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\n{url}\r\n--{boundary}--\r\n"
    );
    Request::post("/jobs")
        .header("x-api-key", key)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn a_url_source_is_fetched_and_converted() {
    let files = file_server().await;
    let app = TestApp::start_with(1, |c| c.allow_private_urls = true).await;
    let (status, job) = app
        .json(url_request(&app.key, &format!("{files}/episode%201.srt")))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["source_file_name"], "episode 1.srt");
    let job = app.wait_for_end(&app.key, job["id"].as_str().expect("id")).await;
    assert_eq!(job["status"], "passed", "{job}");
}

#[tokio::test]
async fn failed_fetches_say_what_happened_and_what_to_do() {
    let files = file_server().await;
    let app = TestApp::start_with(0, |c| {
        c.allow_private_urls = true;
        c.max_upload_bytes = 1024 * 1024;
    })
    .await;
    let cases = [
        (
            "expired.srt",
            "The source URL was refused (HTTP 403, AccessDenied/Request has expired): the pre-signed URL has probably expired; generate a new one",
        ),
        ("missing.srt", "was refused (HTTP 404): there is no file at that address"),
        ("page", "answered with a web page (text/html)"),
        ("big.srt", "larger than this server's limit of 1 MB"),
        ("moved.srt", "answered with a redirect (HTTP 307), which ccjobs does not follow"),
    ];
    for (path, expected) in cases {
        let (status, body) = app.json(url_request(&app.key, &format!("{files}/{path}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{path}: {message}");
    }
    // https to a server that speaks plain http: the TLS handshake fails.
    let plain = files.replace("http://", "https://");
    let (status, body) = app
        .json(url_request(&app.key, &format!("{plain}/episode%201.srt")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("secure (https) connection failed") && message.contains("certificate"),
        "{message}"
    );
    let (status, body) = app
        .json(url_request(&app.key, "http://no-such-host.invalid/x.srt"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("could not be found (DNS)"),
        "{body}"
    );
    let (_, list) = app.get(&app.key, "/jobs").await;
    assert_eq!(
        list["total"], 0,
        "no job is created for a source that could not be fetched"
    );
}

#[tokio::test]
async fn a_fetch_that_takes_too_long_is_cut_off() {
    let files = file_server().await;
    let app = TestApp::start_with(0, |c| {
        c.allow_private_urls = true;
        c.fetch_timeout_secs = 1;
    })
    .await;
    let started = std::time::Instant::now();
    let (status, body) = app
        .json(url_request(&app.key, &format!("{files}/slow.srt")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("did not answer in time"), "{message}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "cut off at the timeout"
    );
}

#[tokio::test]
async fn internal_addresses_are_refused_by_default() {
    let files = file_server().await;
    let app = TestApp::start(0).await;
    for url in [
        format!("{files}/episode%201.srt"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://[::1]:9/x.srt".to_string(),
    ] {
        let (status, body) = app.json(url_request(&app.key, &url)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("an internal address ccjobs does not connect to"),
            "{url}: {message}"
        );
        assert!(message.contains("CCJOBS_ALLOW_PRIVATE_URLS"), "{message}");
    }
}
