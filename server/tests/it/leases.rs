//! Jobs survive their worker: expired leases are taken back, retried up to the limit, and
//! a worker that lost its lease cannot overwrite the job.

use crate::common::*;
use app::model::JobSource;
use ccjobs::store::{Outcome, Reaped};

async fn queued_job(app: &TestApp) -> String {
    let service = &app.instance.state.service;
    let account = app.account("alice").await;
    let upload = ccjobs::service::Upload {
        name: "a.srt".into(),
        data: SRT.as_bytes().to_vec(),
    };
    let submitted = service
        .submit_job(account, JobSource::Api, CONVERT, Some(upload), None)
        .await
        .expect("submitted");
    submitted.job.id.to_string()
}

#[tokio::test]
async fn a_job_whose_worker_died_runs_again_and_fails_clearly_after_three_tries() {
    let app = TestApp::start(0).await;
    let id = queued_job(&app).await;
    let store = app.instance.state.service.store();
    for attempt in 1..=3 {
        // A worker claims it and dies: its lease (already past) is never renewed.
        let claimed = store
            .claim_next("dead-worker", -1, 4)
            .await
            .expect("db")
            .expect("a queued job");
        assert_eq!(claimed.job.attempts, attempt);
        let reaped = store.reap_expired(3).await.expect("db");
        let expected = if attempt < 3 {
            Reaped {
                requeued: 1,
                failed: 0,
            }
        } else {
            Reaped {
                requeued: 0,
                failed: 1,
            }
        };
        assert_eq!(reaped, expected, "attempt {attempt}");
    }
    let (_, job) = app.get(&app.key, &format!("/jobs/{id}")).await;
    assert_eq!(job["status"], "failed");
    assert_eq!(job["attempts"], 3);
    assert!(
        job["error"]
            .as_str()
            .expect("error")
            .starts_with("The job was interrupted 3 times"),
        "{job}"
    );
    let (status, response) = app.get(&app.key, &format!("/jobs/{id}/files/response")).await;
    assert_eq!(
        (status.as_u16(), response["status"].as_str()),
        (200, Some("failed"))
    );
    assert!(
        store.claim_next("w", 60_000, 4).await.expect("db").is_none(),
        "nothing left to run"
    );
}

#[tokio::test]
async fn a_worker_that_lost_its_lease_cannot_overwrite_the_job() {
    let app = TestApp::start(0).await;
    let id = queued_job(&app).await;
    let store = app.instance.state.service.store();
    let slow = store
        .claim_next("slow-worker", -1, 4)
        .await
        .expect("db")
        .expect("job");
    assert_eq!(
        store.reap_expired(3).await.expect("db"),
        Reaped {
            requeued: 1,
            failed: 0
        }
    );
    let fresh = store
        .claim_next("fresh-worker", 60_000, 4)
        .await
        .expect("db")
        .expect("job again");
    assert_eq!(fresh.job.id.to_string(), id);

    assert!(
        !store
            .renew_lease(slow.job.id, "slow-worker", 60_000)
            .await
            .expect("db"),
        "the heartbeat notices"
    );
    assert!(store
        .renew_lease(fresh.job.id, "fresh-worker", 60_000)
        .await
        .expect("db"));
    let late = Outcome::Failed {
        error: "stale result".into(),
    };
    assert!(
        store.finish_job(&slow, late).await.expect("db").is_none(),
        "stale write refused"
    );
    let done = ccjobs::store::FileRow {
        name: "a.vtt".into(),
        content_type: "text/vtt".into(),
        data: VTT.as_bytes().to_vec(),
    };
    let finished = store
        .finish_job(
            &fresh,
            Outcome::Passed {
                target: done,
                warnings: vec![],
            },
        )
        .await
        .expect("db")
        .expect("the lease holder's write lands");
    assert_eq!(finished.status.as_str(), "passed");
    let (_, job) = app.get(&app.key, &format!("/jobs/{id}")).await;
    assert_eq!(
        (job["status"].as_str(), job["attempts"].as_u64()),
        (Some("passed"), Some(2))
    );
}
