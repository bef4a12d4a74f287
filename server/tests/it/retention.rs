//! Retention deletes old finished jobs with their files, in batches, and leaves the rest.

use crate::common::*;
use app::time::Timestamp;

#[tokio::test]
async fn old_finished_jobs_go_with_their_files_and_running_or_recent_ones_stay() {
    let app = TestApp::start(1).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let (_, job) = app
            .submit(&app.key, CONVERT, Some((&format!("f{n}.srt"), SRT.as_bytes())))
            .await;
        let id = job["id"].as_str().expect("id").to_string();
        app.wait_for_end(&app.key, &id).await;
        ids.push(id);
    }
    let dir = app.stop().await;
    let app = TestApp::open(dir, 0).await;
    let (_, queued) = app
        .submit(&app.key, CONVERT, Some(("waiting.srt", SRT.as_bytes())))
        .await;
    let queued = queued["id"].as_str().expect("id").to_string();

    // Backdate four finished jobs and the queued one by 40 days.
    let forty_days_ago = ccjobs::store::now_ms() - 40 * 86_400_000;
    for id in ids[..4].iter().chain([&queued]) {
        app.backdate(id, forty_days_ago).await;
    }

    let store = app.instance.state.service.store();
    let cutoff = Timestamp(ccjobs::store::now_ms() - 30 * 86_400_000);
    assert_eq!(
        store.delete_finished_before(cutoff, 3).await.expect("db"),
        3,
        "one small batch"
    );
    assert_eq!(store.delete_finished_before(cutoff, 3).await.expect("db"), 1);
    assert_eq!(store.delete_finished_before(cutoff, 3).await.expect("db"), 0);

    for id in &ids[..4] {
        assert_eq!(app.get(&app.key, &format!("/jobs/{id}")).await.0.as_u16(), 404);
        assert_eq!(
            app.get(&app.key, &format!("/jobs/{id}/files/source"))
                .await
                .0
                .as_u16(),
            404
        );
    }
    for id in &ids[..4] {
        let id = id.parse().expect("id");
        for kind in ["source", "target", "response"] {
            let file = store.get_file_unscoped(id, kind).await.expect("db");
            assert!(file.is_none(), "the {kind} file went with its job");
        }
    }
    assert_eq!(
        app.get(&app.key, &format!("/jobs/{}", ids[4])).await.0.as_u16(),
        200,
        "recent job kept"
    );
    assert_eq!(
        app.get(&app.key, &format!("/jobs/{queued}")).await.0.as_u16(),
        200,
        "unfinished job kept"
    );
}
