//! `JobTable`: one row per job, with the dashboard's columns.

use crate::model::JobSummary;
use leptos::prelude::*;

const DASH: &str = "—";

#[component]
pub fn JobTable(jobs: Vec<JobSummary>) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p class="empty">"No jobs yet. Submit one with POST /jobs and it shows up here."</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="jobs">
                <thead>
                    <tr>
                        <th scope="col">"Job ID"</th>
                        <th scope="col">"Submitted"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Source profile"</th>
                        <th scope="col">"Target profile"</th>
                        <th scope="col">"Frame rate"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Error"</th>
                    </tr>
                </thead>
                <tbody>
                    {jobs.into_iter().map(|job| view! { <JobRow job/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn JobRow(job: JobSummary) -> impl IntoView {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| DASH.to_string());
    let status = job.status.as_str();
    view! {
        <tr data-job-id=job.id.to_string()>
            <td class="mono">{job.id.to_string()}</td>
            <td title=job.created_at.to_rfc3339()>{job.created_at.to_display_utc()}</td>
            <td>{job.job_type.as_str()}</td>
            <td>{or_dash(job.source_profile)}</td>
            <td>{or_dash(job.target_profile)}</td>
            <td>{or_dash(job.frame_rate)}</td>
            <td><span class=format!("status status-{status}")>{status}</span></td>
            <td class="error">{or_dash(job.error_summary)}</td>
        </tr>
    }
}
