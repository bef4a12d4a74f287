//! What the dashboard relies on from the server: the CSV export, the editor hand-off with
//! signed links, the detail page sharing `/jobs/{id}` with the API, cross-site refusal.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

fn get(key: &str, uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("x-api-key", key)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn the_csv_export_streams_the_whole_filtered_view_safely() {
    let app = TestApp::start(1).await;
    let (_, good) = app
        .submit(&app.key, CONVERT, Some(("good.srt", SRT.as_bytes())))
        .await;
    let (_, bad) = app
        .submit(&app.key, CONVERT, Some(("=SUM(1,2).srt", b"1\n=oops\n")))
        .await;
    for job in [&good, &bad] {
        app.wait_for_end(&app.key, job["id"].as_str().unwrap_or_else(|| panic!("{job}")))
            .await;
    }
    let (status, headers, body) = app.send(get(&app.key, "/jobs.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    let today = app::time::Timestamp(ccjobs::store::now_ms()).to_rfc3339()[..10].to_string();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"ccjobs-jobs-{today}.csv\"")
    );

    let mut reader = csv::Reader::from_reader(body.as_slice());
    let header_row: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header_row[..9],
        [
            "Job ID",
            "Submitted",
            "Type",
            "Source profile",
            "Target profile",
            "Frame rate",
            "Status",
            "Error",
            "Source file name"
        ]
    );
    assert_eq!(header_row[9..], ["Job source", "Finished", "Retry of"]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("valid CSV");
    assert_eq!(rows.len(), 2);
    let failed = &rows[0];
    assert_eq!(&failed[0], bad["id"].as_str().expect("id"), "newest first");
    assert_eq!(&failed[6], "failed");
    assert_eq!(
        &failed[8], "'=SUM(1,2).srt",
        "formula neutralised, comma kept inside the cell"
    );
    assert!(
        failed[7].contains("expected a timing line"),
        "full error: {}",
        &failed[7]
    );
    assert_eq!(&failed[9], "api");
    assert!(!failed[10].is_empty(), "finished time");

    let (_, _, body) = app.send(get(&app.key, "/jobs.csv?status=passed")).await;
    let text = String::from_utf8(body).expect("utf-8");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(good["id"].as_str().expect("id")));
}

/// The database writes the export's cells (store/export.rs); the `csv` crate, with the
/// formula rule applied first, is the reference they must match byte for byte.
#[tokio::test]
async fn the_csv_export_writes_each_cell_as_a_csv_library_would() {
    let app = TestApp::start(0).await;
    // (file name, error, frame rate): quotes and commas, line breaks, formula starts, tabs,
    // carriage returns, non-ASCII, an empty and a missing value.
    let cells: [(&str, Option<&str>, Option<&str>); 6] = [
        (
            "say \"hi\", then go.srt",
            Some("line one\nline two, \"quoted\""),
            Some("29.97"),
        ),
        ("-minus.srt", Some("=cmd|' /C calc'!A0"), Some("+25")),
        ("\ttabbed.srt", Some("@SUM(A1)"), None),
        ("\rreturn.srt", Some("ends with a return\r"), Some("")),
        ("Übersetzung 字幕 ✓.srt", None, Some("23.976")),
        ("", Some("'already quoted"), Some("a\r\nb")),
    ];
    let mut ids = Vec::new();
    for (n, (name, error, rate)) in cells.iter().enumerate() {
        let (status, job) = app
            .submit(&app.key, CONVERT, Some((&format!("f{n}.srt"), SRT.as_bytes())))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{job}");
        let id = job["id"].as_str().expect("id").to_string();
        let literal =
            |v: Option<&str>| v.map_or("null".to_string(), |v| format!("'{}'", v.replace('\'', "''")));
        // Newest first: job 0 gets the latest time; milliseconds 5, 50, 500 show the padding.
        let created = 1_733_331_234_000 + 10_000 * (cells.len() - n) as i64 + [5, 50, 500][n % 3];
        let finished = (n % 2 == 0).then_some(created + 61_000);
        app.execute(&format!(
            "update jobs set source_file_name = {}, error = {}, frame_rate = {}, created_at = {created}, \
             finished_at = {} where id = '{id}'",
            literal(Some(name)),
            literal(*error),
            literal(*rate),
            finished.map_or("null".to_string(), |f| f.to_string()),
        ))
        .await;
        ids.push((id, created, finished));
    }

    let (status, _, body) = app.send(get(&app.key, "/jobs.csv")).await;
    assert_eq!(status, StatusCode::OK);

    let formula = |cell: &str| match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    };
    let time = |ms: i64| app::time::Timestamp(ms).to_rfc3339();
    let mut expected = csv::Writer::from_writer(Vec::new());
    expected
        .write_record(ccjobs::store::EXPORT_HEADER)
        .expect("header");
    for ((id, created, finished), (name, error, rate)) in ids.iter().zip(cells) {
        expected
            .write_record([
                id.clone(),
                time(*created),
                "convert".into(),
                "SubRip Video Subtitle Script".into(),
                "WebVTT".into(),
                formula(rate.unwrap_or("")),
                "queued".into(),
                formula(error.unwrap_or("")),
                formula(name),
                "api".into(),
                finished.map(time).unwrap_or_default(),
                String::new(),
            ])
            .expect("row");
    }
    let expected = String::from_utf8(expected.into_inner().expect("flush")).expect("utf-8");
    assert_eq!(String::from_utf8(body).expect("utf-8"), expected);
    assert!(
        expected.contains(".005Z") && expected.contains(".050Z"),
        "{expected}"
    );
}

/// Browsers ask for compressed answers: the streamed export must end cleanly through the
/// compression layer (it once panicked when asked again after its last batch).
#[tokio::test]
async fn the_csv_export_arrives_whole_when_compressed() {
    let app = TestApp::start(1).await;
    for n in 0..3 {
        let (_, job) = app
            .submit(&app.key, CONVERT, Some((&format!("f{n}.srt"), SRT.as_bytes())))
            .await;
        app.wait_for_end(&app.key, job["id"].as_str().expect("id")).await;
    }
    let (_, _, plain) = app.send(get(&app.key, "/jobs.csv")).await;
    let mut request = get(&app.key, "/jobs.csv");
    request
        .headers_mut()
        .insert(header::ACCEPT_ENCODING, "gzip".parse().expect("header"));
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body.as_slice()), &mut unpacked)
        .expect("a whole gzip stream");
    assert_eq!(
        String::from_utf8(unpacked).expect("utf-8"),
        String::from_utf8(plain).expect("utf-8")
    );
}

/// 12,000 jobs submitted in the same millisecond: the export's batches (5,000 rows) end
/// inside a run of equal times, where only the ID orders the rows.
#[tokio::test]
async fn the_export_walks_every_page_of_a_large_view() {
    let app = TestApp::start(0).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("f.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id");
    app.execute(&format!(
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 11999) \
         insert into jobs (id, account_id, created_at, job_type, status, source, source_profile, \
         target_profile, source_file_name, description) \
         select '00000000-0000-4000-8000-' || substr(cast(1000000000000 + i as text), 2), \
         j.account_id, j.created_at, j.job_type, j.status, j.source, j.source_profile, \
         j.target_profile, 'copy.srt', j.description from n, jobs j where j.id = '{id}'"
    ))
    .await;
    let (_, _, body) = app.send(get(&app.key, "/jobs.csv?type=convert")).await;
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let ids: Vec<String> = reader.records().map(|r| r.expect("row")[0].to_string()).collect();
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 12_000, "every job");
    assert_eq!(unique.len(), 12_000, "each exactly once across batches");
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted, "newest first, then by ID");
}

#[tokio::test]
async fn the_editor_hand_off_carries_a_signed_expiring_link_to_the_target() {
    let app = TestApp::start(1).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("ep.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;

    let (status, headers, _) = app.send(get(&app.key, &format!("/jobs/{id}/editor"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().expect("ascii");
    let encoded = location
        .strip_prefix("https://editor.example/workorder?description=")
        .expect("template");
    let decoded: String = form_urlencoded::parse(format!("d={encoded}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect();
    let order: serde_json::Value = serde_json::from_str(&decoded).expect("work order JSON");
    assert_eq!(order["job_id"], id.as_str());
    assert_eq!(order["caption_file"]["name"], "ep.vtt");
    let url = order["caption_file"]["url"].as_str().expect("url");
    let path = &url[url.find("/download/").expect("signed path")..];

    let anonymous = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");
    let (status, _, body) = app.send(anonymous(path)).await;
    assert_eq!(status, StatusCode::OK, "no key needed with a valid signature");
    assert_eq!(String::from_utf8(body).expect("utf-8"), VTT);

    let tampered = path.replace("/target?", "/source?");
    assert_eq!(app.send(anonymous(&tampered)).await.0, StatusCode::FORBIDDEN);
    let expired = path.replacen("expires=", "expires=1", 1);
    assert_eq!(app.send(anonymous(&expired)).await.0, StatusCode::FORBIDDEN);
    let past = format!(
        "/download/{id}/target?expires=1&signature={}",
        app.instance
            .state
            .service
            .signer()
            .sign(id.parse().expect("id"), "target", 1)
    );
    let (status, _, body) = app.send(anonymous(&past)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&body).contains("expired"));

    let (_, failed) = app.submit(&app.key, CONVERT, Some(("x.srt", b"nonsense"))).await;
    let failed_id = failed["id"].as_str().expect("id");
    app.wait_for_end(&app.key, failed_id).await;
    let (status, _, _) = app
        .send(get(&app.key, &format!("/jobs/{failed_id}/editor")))
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "only passed jobs go to the editor"
    );
}

#[tokio::test]
async fn a_browser_gets_the_detail_page_and_a_script_gets_json_at_the_same_url() {
    let app = TestApp::start(1).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("<b>x</b>.srt", b"garbage")))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;
    let cookie = app.session_cookie().await;

    let page = Request::get(format!("/jobs/{id}"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    let (status, headers, body) = app.send(page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .starts_with("text/html"));
    let html = String::from_utf8(body).expect("utf-8");
    assert!(
        html.contains("Job Description") && html.contains("could not be read"),
        "detail page"
    );
    assert!(
        html.contains("&lt;b&gt;x&lt;/b&gt;.srt") && !html.contains("<b>x</b>.srt"),
        "file names render as text"
    );

    let (status, json) = app.get(&app.key, &format!("/jobs/{id}")).await;
    assert_eq!((status, json["id"].as_str()), (StatusCode::OK, Some(id.as_str())));
    let signed_out = Request::get(format!("/jobs/{id}"))
        .header(header::ACCEPT, "text/html")
        .body(Body::empty());
    let (status, headers, _) = app.send(signed_out.expect("request")).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        headers[header::LOCATION].to_str().ok(),
        Some(format!("/sign-in?next=%2Fjobs%2F{id}").as_str())
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_they_reach_a_handler() {
    let app = TestApp::start(0).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id");
    let cookie = app.session_cookie().await;
    for (site, origin) in [(Some("cross-site"), None), (None, Some("https://evil.example"))] {
        let mut request = Request::post("/api/delete_job")
            .header(header::COOKIE, &cookie)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let (status, _) = app
            .json(request.body(Body::from(format!("id={id}"))).expect("request"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.get(&app.key, &format!("/jobs/{id}")).await.0,
        StatusCode::OK,
        "still there"
    );

    let same = Request::post("/api/delete_job")
        .header(header::COOKIE, &cookie)
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("id={id}")))
        .expect("request");
    assert_eq!(
        app.send(same).await.0,
        StatusCode::OK,
        "the dashboard's own Delete works"
    );
    assert_eq!(
        app.get(&app.key, &format!("/jobs/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts_and_every_response_is_hardened() {
    let app = TestApp::start(0).await;
    let page = Request::get("/sign-in")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .expect("request");
    let (status, headers, body) = app.send(page).await;
    assert_eq!(status, StatusCode::OK);
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_string();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src");
    assert!(
        policy.contains("script-src 'self' 'nonce-") && policy.contains("'wasm-unsafe-eval'"),
        "{policy}"
    );
    assert!(
        policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"),
        "{policy}"
    );
    let html = String::from_utf8(body).expect("utf-8");
    assert!(
        html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")),
        "the hydration script carries the nonce"
    );

    let (_, headers, _) = app.send(get(&app.key, "/jobs")).await;
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
}
