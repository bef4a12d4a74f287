//! The REST API, in-process against a real SQLite database and real workers.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn a_submitted_srt_job_passes_with_a_correct_webvtt_output() {
    let app = TestApp::start(1).await;
    let (status, job) = app
        .submit(&app.key, CONVERT, Some(("episode 1.srt", SRT.as_bytes())))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["status"], "queued");
    assert_eq!(job["source"], "api");
    assert_eq!(job["source_file_name"], "episode 1.srt");
    let id = job["id"].as_str().expect("id").to_string();

    let done = app.wait_for_end(&app.key, &id).await;
    assert_eq!(done["status"], "passed", "{done}");
    assert_eq!(done["target_file_name"], "episode 1.vtt");
    assert_eq!(done["attempts"], 1);
    assert!(done["finished_at"].is_string());

    let request = |kind: &str| {
        Request::get(format!("/jobs/{id}/files/{kind}"))
            .header("x-api-key", &app.key)
            .body(Body::empty())
            .expect("request")
    };
    let (status, headers, body) = app.send(request("target")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(String::from_utf8(body).expect("utf-8"), VTT);
    assert_eq!(headers[header::CONTENT_TYPE], "text/vtt; charset=utf-8");
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii")
        .contains("filename=\"episode 1.vtt\""));

    let (status, _, body) = app.send(request("source")).await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, SRT.as_bytes()));
    let (_, _, body) = app.send(request("response")).await;
    let response: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(response["status"], "passed");
    assert_eq!(response["id"], id.as_str());
}

#[tokio::test]
async fn a_broken_caption_file_fails_with_the_line_and_what_to_do() {
    let app = TestApp::start(1).await;
    let (_, job) = app
        .submit(
            &app.key,
            CONVERT,
            Some(("bad.srt", b"1\n00:00:01 --> 00:00:02\nHi\n")),
        )
        .await;
    let done = app.wait_for_end(&app.key, job["id"].as_str().expect("id")).await;
    assert_eq!(done["status"], "failed");
    let error = done["error"].as_str().expect("error text");
    assert!(error.contains("line 2: expected a timing line"), "{error}");
    assert!(
        error.contains("set source_profile to the file's real format"),
        "{error}"
    );
    assert_eq!(done["target_file_name"], serde_json::Value::Null);
    let (status, _) = app
        .get(
            &app.key,
            &format!("/jobs/{}/files/target", done["id"].as_str().expect("id")),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = app.get(&app.key, "/jobs?status=failed").await;
    assert_eq!(
        page["jobs"][0]["error_summary"]
            .as_str()
            .map(|e| e.starts_with("\"bad.srt\" could not be read")),
        Some(true)
    );
}

#[tokio::test]
async fn bad_submissions_get_a_400_that_says_what_to_fix() {
    let app = TestApp::start(0).await;
    let file = Some(("a.srt", SRT.as_bytes()));

    let (status, body) = app
        .submit(
            &app.key,
            "{\n \"job_type\": \"convert\",\n \"source_profile\" \"x\"\n}",
            file,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_config");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("at line 3, column 19"),
        "{body}"
    );

    let unknown = r#"{"job_type":"convert","source_profile":"SubRip","target_profile":"WebVTT"}"#;
    let (status, body) = app.submit(&app.key, unknown, file).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "unknown_profile");
    assert_eq!(
        body["error"]["message"],
        "source_profile \"SubRip\" is not a profile ccjobs can read; use one of: \"SubRip Video Subtitle Script\", \"WebVTT\", \"Scenarist V1.0 (SCC)\", \"TTML\", \"DFXP\", \"IMSC1.1 Text\", \"YouTube SBV\", \"SAMI\", \"EBU STL\""
    );

    let (status, body) = app.submit(&app.key, CONVERT, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "missing_source");

    let (content_type, payload) = multipart_body(None, file);
    let request = Request::post("/jobs")
        .header("x-api-key", &app.key)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(payload))
        .expect("request");
    let (status, body) = app.json(request).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("missing_config"))
    );

    let big = vec![b'a'; 2 * 1024 * 1024];
    let (status, body) = app.submit(&app.key, CONVERT, Some(("big.srt", &big))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("limit of 1 MB"),
        "{body}"
    );

    let (status, body) = app.get(&app.key, "/jobs?status=done").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("queued, processing, passed, failed"));

    // Nothing was stored by any of these.
    let (_, page) = app.get(&app.key, "/jobs").await;
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn requests_without_a_valid_key_are_refused() {
    let app = TestApp::start(0).await;
    let (status, body) = app
        .json(Request::get("/jobs").body(Body::empty()).expect("request"))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (status, body) = app.get("ccj_0000", "/jobs").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("not valid"));
    let bearer = Request::get("/jobs")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.key))
        .body(Body::empty());
    let (status, _) = app.json(bearer.expect("request")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn another_accounts_jobs_are_invisible_and_untouchable() {
    let app = TestApp::start(0).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id");
    let bob = app.new_key("bob").await;

    for (method, uri) in [
        ("GET", format!("/jobs/{id}")),
        ("GET", format!("/jobs/{id}/files/source")),
        ("POST", format!("/jobs/{id}/retry")),
        ("DELETE", format!("/jobs/{id}")),
        ("DELETE", format!("/jobs?id={id}")),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(&uri)
            .header("x-api-key", &bob)
            .body(Body::empty());
        let (status, body) = app.json(request.expect("request")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {uri}: {body}");
    }
    let (_, bobs) = app.get(&bob, "/jobs").await;
    assert_eq!(bobs["total"], 0);
    let (status, still) = app.get(&app.key, &format!("/jobs/{id}")).await;
    assert_eq!(
        (status, still["status"].as_str()),
        (StatusCode::OK, Some("queued"))
    );
    let (_, mine) = app.get(&app.key, "/jobs").await;
    assert_eq!(mine["total"], 1, "bob's retry must not have created a job");
}

#[tokio::test]
async fn retry_makes_a_linked_job_and_delete_removes_job_and_files() {
    let app = TestApp::start(1).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;

    let retry = Request::post(format!("/jobs/{id}/retry"))
        .header("x-api-key", &app.key)
        .body(Body::empty());
    let (status, again) = app.json(retry.expect("request")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again["retry_of"], id.as_str());
    let again_id = again["id"].as_str().expect("id").to_string();
    assert_eq!(app.wait_for_end(&app.key, &again_id).await["status"], "passed");
    let (_, page) = app.get(&app.key, "/jobs").await;
    assert_eq!(page["jobs"][0]["id"], again_id.as_str(), "newest first");

    let delete = Request::delete(format!("/jobs/{id}"))
        .header("x-api-key", &app.key)
        .body(Body::empty());
    assert_eq!(app.send(delete.expect("request")).await.0, StatusCode::NO_CONTENT);
    for uri in [
        format!("/jobs/{id}"),
        format!("/jobs/{id}/files/source"),
        format!("/jobs/{id}/files/target"),
    ] {
        assert_eq!(app.get(&app.key, &uri).await.0, StatusCode::NOT_FOUND, "{uri}");
    }
    let delete = Request::delete(format!("/jobs?id={again_id}"))
        .header("x-api-key", &app.key)
        .body(Body::empty());
    assert_eq!(app.send(delete.expect("request")).await.0, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&app.key, "/jobs").await.1["total"], 0);
}

#[tokio::test]
async fn pages_walk_forward_and_back_by_keyset_cursor() {
    let app = TestApp::start(0).await;
    let mut ids = Vec::new();
    for n in 0..30 {
        let (_, job) = app
            .submit(&app.key, CONVERT, Some((&format!("f{n}.srt"), SRT.as_bytes())))
            .await;
        ids.push(job["id"].as_str().expect("id").to_string());
    }
    ids.reverse(); // newest first
    let page_ids = |page: &serde_json::Value| -> Vec<String> {
        page["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .map(|j| j["id"].as_str().expect("id").to_string())
            .collect()
    };
    let (_, first) = app.get(&app.key, "/jobs").await;
    assert_eq!(
        (first["total"].as_u64(), first["prev_cursor"].is_null()),
        (Some(30), true)
    );
    assert_eq!(page_ids(&first), ids[..25]);
    let next = first["next_cursor"].as_str().expect("next cursor");
    let (_, second) = app.get(&app.key, &format!("/jobs?cursor={next}")).await;
    assert_eq!(page_ids(&second), ids[25..]);
    assert!(second["next_cursor"].is_null());
    let prev = second["prev_cursor"].as_str().expect("prev cursor");
    let (_, back) = app.get(&app.key, &format!("/jobs?cursor={prev}")).await;
    assert_eq!(page_ids(&back), ids[..25]);
    assert!(back["prev_cursor"].is_null(), "back on the first page");

    let (_, search) = app.get(&app.key, "/jobs?q=f17.srt").await;
    assert_eq!(search["total"], 1);
    let prefix = &ids[3][..13];
    let (_, by_id) = app.get(&app.key, &format!("/jobs?q={prefix}")).await;
    assert!(page_ids(&by_id).contains(&ids[3]));
    let (_, none) = app.get(&app.key, "/jobs?type=translate&status=queued").await;
    assert_eq!(none["total"], 0);
    let (_, size) = app.get(&app.key, "/jobs?size=50&type=convert&range=24h").await;
    assert_eq!(page_ids(&size).len(), 30);
}

#[tokio::test]
async fn queued_jobs_still_run_after_a_restart() {
    let app = TestApp::start(0).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    let dir = app.stop().await;

    let app = TestApp::open(dir, 1).await;
    let done = app.wait_for_end(&app.key, &id).await;
    assert_eq!(done["status"], "passed", "{done}");
}

fn submit_waiting(key: &str, wait: &str, config: &str, file: (&str, &[u8])) -> Request<Body> {
    let (content_type, body) = multipart_body(Some(config), Some(file));
    Request::post(format!("/jobs?wait={wait}"))
        .header("x-api-key", key)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request")
}

#[tokio::test]
async fn wait_answers_when_the_job_ends_with_the_output_as_base64() {
    use base64::Engine as _;
    let app = TestApp::start(1).await;
    let (status, job) = app
        .json(submit_waiting(
            &app.key,
            "10",
            CONVERT,
            ("sync.srt", SRT.as_bytes()),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["status"], "passed", "{job}");
    let output = base64::engine::general_purpose::STANDARD
        .decode(job["output"].as_str().expect("output"))
        .expect("base64");
    let vtt = String::from_utf8(output).expect("utf-8");
    assert!(
        vtt.starts_with("WEBVTT") && vtt.contains("00:00:01.000 --> 00:00:02.500"),
        "{vtt}"
    );

    // A failed job answers with its error and no output.
    let (status, job) = app
        .json(submit_waiting(
            &app.key,
            "10",
            CONVERT,
            ("bad.srt", b"not captions\n"),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(job["status"], "failed");
    assert!(
        job["error"].as_str().is_some_and(|e| e.contains("bad.srt")),
        "{job}"
    );
    assert!(job.get("output").is_none(), "{job}");
}

#[tokio::test]
async fn wait_gives_up_after_n_seconds_and_refuses_more_than_60() {
    let app = TestApp::start(0).await; // no workers: the job stays queued
    let started = std::time::Instant::now();
    let (status, job) = app
        .json(submit_waiting(&app.key, "1", CONVERT, ("a.srt", SRT.as_bytes())))
        .await;
    let waited = started.elapsed();
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(job["status"], "queued");
    assert!(job.get("output").is_none());
    assert!(waited >= std::time::Duration::from_millis(900), "{waited:?}");

    for wait in ["61", "-1", "soon"] {
        let (status, body) = app
            .json(submit_waiting(&app.key, wait, CONVERT, ("a.srt", SRT.as_bytes())))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "wait={wait}");
        assert_eq!(body["error"]["code"], "invalid_wait");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("0 to 60"),
            "{body}"
        );
    }
    let (_, list) = app.get(&app.key, "/jobs").await;
    assert_eq!(list["total"], 1, "a refused wait creates no job");
}

#[tokio::test]
async fn unchanged_lists_and_jobs_answer_304_to_their_etag() {
    let app = TestApp::start(1).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;
    for uri in ["/jobs?status=passed".to_string(), format!("/jobs/{id}")] {
        let get = |tag: Option<&str>| {
            let mut request = Request::get(&uri).header("x-api-key", &app.key);
            if let Some(tag) = tag {
                request = request.header(header::IF_NONE_MATCH, tag);
            }
            request.body(Body::empty()).expect("request")
        };
        let (status, headers, body) = app.send(get(None)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.is_empty());
        let tag = headers[header::ETAG].to_str().expect("etag").to_string();
        let (status, again, body) = app.send(get(Some(&tag))).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
        assert!(body.is_empty(), "{uri}");
        assert_eq!(again[header::ETAG], tag.as_str());
        let (status, _, _) = app.send(get(Some("\"something-else\""))).await;
        assert_eq!(status, StatusCode::OK, "{uri}: another tag gets the body");
    }
    // A change gives the list a new tag.
    let (_, first, _) = app
        .send(
            Request::get("/jobs")
                .header("x-api-key", &app.key)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    app.submit(&app.key, CONVERT, Some(("b.srt", SRT.as_bytes())))
        .await;
    let (status, _, _) = app
        .send(
            Request::get("/jobs")
                .header("x-api-key", &app.key)
                .header(header::IF_NONE_MATCH, first[header::ETAG].clone())
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "a new job changes the list");
}
