//! Query plans: every filter combination of the dashboard is served by an index in the
//! order the page is read (newest first), on whichever database runs: no full scan of
//! `jobs`, and no sort step for the filter shapes the indexes are built for.

use crate::common::*;
use app::description::JobDescription;
use app::filter::parse_list_query;
use app::model::{JobId, JobSource};
use ccjobs::store::{FileRow, NewJob};

/// Filters whose rows an index returns already in page order: no sort allowed.
const ORDERED: [&str; 9] = [
    "",
    "status=failed",
    "type=transcribe",
    "type=convert&status=passed",
    "range=24h",
    "range=week&status=failed",
    "range=month&type=translate",
    "range=year&type=convert&status=queued",
    "range=custom&from=2026-01-01&to=2026-03-31&status=failed",
];

/// Filters with several values or a search: an index narrows them (few rows), a sort may
/// order them.
const NARROWED: [&str; 5] = [
    "status=queued&status=processing",
    "type=convert&type=translate&status=failed",
    "q=0193",
    "q=episode-12",
    "type=convert&status=failed&range=month&q=episode",
];

/// Searches by file name that match many rows (a word in most names; here, shorter than a
/// trigram): each is tested row by row along an index, and each page counts its matches.
const NAME_SCANS: [&str; 5] = [
    "q=ep",
    "status=failed&q=ep",
    "type=convert&q=ep",
    "range=week&type=translate&q=ep",
    "type=convert&status=failed&range=month&q=ep",
];

#[tokio::test]
async fn every_filter_is_served_by_an_index() {
    let app = TestApp::start(0).await;
    let store = app.instance.state.service.store();
    let account = app.account("alice").await;
    app.new_key("bob").await;
    let neighbour = app.account("bob").await;
    let description = JobDescription::parse(CONVERT).expect("description");
    // Alice's 400 jobs among a neighbour's 1,600, as on a shared server.
    for n in 0..2000 {
        let account = if n % 5 == 0 { account } else { neighbour };
        store
            .insert_job(NewJob {
                id: JobId(uuid::Uuid::now_v7()),
                account,
                source: JobSource::Api,
                retry_of: None,
                description: description.clone(),
                source_file: Some(FileRow {
                    name: format!("episode-{n}.srt"),
                    content_type: "application/x-subrip".into(),
                    data: SRT.as_bytes().to_vec(),
                }),
                idempotency_key: None,
            })
            .await
            .expect("insert");
    }
    // A realistic mix: mostly passed convert jobs over fifty days, some failed, queued and
    // running, some transcribe and translate.
    let n = "cast(substr(source_file_name, 9, length(source_file_name) - 12) as bigint)";
    app.execute(&format!(
        "update jobs set \
         status = case when {n} % 10 = 0 then 'failed' when {n} % 10 = 1 then 'queued' \
                       when {n} % 20 = 2 then 'processing' else 'passed' end, \
         job_type = case when {n} % 7 = 0 then 'transcribe' when {n} % 13 = 0 then 'translate' \
                         else 'convert' end, \
         created_at = created_at - {n} * 10800000"
    ))
    .await;
    store.analyze().await.expect("analyze");
    let postgres = std::env::var(POSTGRES_ENV).is_ok();
    for (query, ordered) in ORDERED
        .iter()
        .map(|q| (q, true))
        .chain(NARROWED.iter().map(|q| (q, false)))
    {
        let (filter, _) = parse_list_query(query).expect("filter");
        let plan = store
            .explain_list(account, &filter)
            .await
            .expect("plan")
            .join("\n");
        let full_scan = if postgres {
            plan.contains("Seq Scan on jobs")
        } else {
            plan.lines().any(|l| l.trim() == "SCAN jobs")
        };
        assert!(!full_scan, "{query:?} scans the whole table:\n{plan}");
        let sorts = if postgres {
            plan.lines()
                .any(|l| l.trim_start().trim_start_matches("-> ").starts_with("Sort"))
        } else {
            plan.contains("TEMP B-TREE FOR ORDER BY")
        };
        if ordered {
            assert!(
                !sorts,
                "{query:?} sorts instead of reading an index in order:\n{plan}"
            );
        }
        eprintln!("{query:?}\n{plan}\n");
    }
    if postgres {
        return;
    }
    // On SQLite a search's counts read the file names from the index itself: reading them
    // from the table costs one page per matching row (11 ms cold for 6,000 at a million).
    for query in NAME_SCANS {
        let (filter, _) = parse_list_query(query).expect("filter");
        let plan = store
            .explain_count(account, &filter)
            .await
            .expect("plan")
            .join("\n");
        eprintln!("count {query:?}\n{plan}\n");
        let reads_jobs: Vec<&str> = plan.lines().filter(|l| l.contains(" jobs ")).collect();
        assert!(
            !reads_jobs.is_empty() && reads_jobs.iter().all(|l| l.contains("USING COVERING INDEX")),
            "the count of {query:?} reads table rows:\n{plan}"
        );
    }
}
