//! Submissions that arrive together are stored together (store/inserts.rs): every one is
//! stored once, with its own file, and one that cannot be stored fails alone.

use crate::common::*;
use app::description::JobDescription;
use app::model::{JobId, JobSource};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use ccjobs::store::{FileRow, NewJob};
use futures_util::future::join_all;

#[tokio::test]
async fn a_burst_of_submissions_is_stored_whole_each_with_its_own_file() {
    let app = TestApp::start_with(0, |c| c.limits.requests_per_minute_per_key = 0).await;
    let files: Vec<(String, String)> = (0..300)
        .map(|n| {
            let srt = format!("1\n00:00:01,000 --> 00:00:02,000\nline {n}\n");
            (format!("burst-{n}.srt"), srt)
        })
        .collect();
    let answers = join_all(
        files
            .iter()
            .map(|(name, srt)| app.submit(&app.key, CONVERT, Some((name, srt.as_bytes())))),
    )
    .await;
    for ((name, srt), (status, job)) in files.iter().zip(&answers) {
        assert_eq!(*status, StatusCode::CREATED, "{job}");
        assert_eq!(job["status"], "queued");
        let id = job["id"].as_str().expect("id");
        let (status, _, body) = app
            .send(
                Request::get(format!("/jobs/{id}/files/source"))
                    .header("x-api-key", &app.key)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert_eq!(String::from_utf8(body).expect("utf-8"), *srt, "{name}'s own file");
    }
    let (_, page) = app.get(&app.key, "/jobs?size=100").await;
    assert_eq!(page["total"], 300, "{page}");
}

#[tokio::test]
async fn a_job_that_cannot_be_stored_fails_alone_among_those_stored_with_it() {
    let app = TestApp::start(0).await;
    let store = app.instance.state.service.store();
    let account = app.account("alice").await;
    let description = JobDescription::parse(CONVERT).expect("description");
    let job = |id: JobId, n: usize| NewJob {
        id,
        account,
        source: JobSource::Api,
        retry_of: None,
        description: description.clone(),
        source_file: Some(FileRow {
            name: format!("f{n}.srt"),
            content_type: "application/x-subrip".into(),
            data: SRT.as_bytes().to_vec(),
        }),
        idempotency_key: None,
    };
    let taken = JobId(uuid::Uuid::now_v7());
    store.insert_job(job(taken, 0)).await.expect("first");
    // 100 at once, the 50th with an ID already stored.
    let ids: Vec<JobId> = (1..=100)
        .map(|n| {
            if n == 50 {
                taken
            } else {
                JobId(uuid::Uuid::now_v7())
            }
        })
        .collect();
    let outcomes = join_all(
        ids.iter()
            .enumerate()
            .map(|(n, id)| store.insert_job(job(*id, n + 1))),
    )
    .await;
    for (n, outcome) in outcomes.iter().enumerate() {
        assert_eq!(outcome.is_err(), n == 49, "job {n}: {:?}", outcome.as_ref().err());
    }
    let (_, page) = app.get(&app.key, "/jobs?size=25").await;
    assert_eq!(page["total"], 100, "99 new and the first: {page}");
}
