//! `JobTable`: one row per job, newest first, with the dashboard's columns and actions.

use super::{JobActions, JobChange, LocalTime, StatusBadge};
use crate::model::JobSummary;
use leptos::prelude::*;

const DASH: &str = "—";

#[component]
pub fn JobTable(jobs: Vec<JobSummary>, on_change: Callback<JobChange>) -> impl IntoView {
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
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {jobs.into_iter().map(|job| view! { <JobRow job on_change/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn JobRow(job: JobSummary, on_change: Callback<JobChange>) -> impl IntoView {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| DASH.to_string());
    let id = job.id;
    let error_title = job.error_summary.clone().unwrap_or_default();
    view! {
        <tr data-job-id=id.to_string()>
            <td class="mono"><a href=format!("/jobs/{id}") rel="external">{id.to_string()}</a></td>
            <td><LocalTime at=job.created_at/></td>
            <td>{job.job_type.as_str()}</td>
            <td>{or_dash(job.source_profile)}</td>
            <td>{or_dash(job.target_profile)}</td>
            <td>{or_dash(job.frame_rate)}</td>
            <td><StatusBadge status=job.status/></td>
            <td class="error"><div class="clamp" title=error_title>{or_dash(job.error_summary)}</div></td>
            <td>
                <JobActions id status=job.status has_source=job.source_file_name.is_some() on_change/>
            </td>
        </tr>
    }
}
