//! `JobActions`: what a user can do to one job — View JSON, Download, Retry, Delete, and
//! Open in Closed Caption Creator (passed jobs only). Used in the table and the detail view.

use crate::api::{retry_job, ApiError};
use crate::model::{JobId, JobStatus};
use leptos::prelude::*;

/// Which dialog is open, and for which job. Auto-refresh pauses while one is.
#[derive(Clone, Copy)]
pub struct Dialogs {
    pub json_for: RwSignal<Option<JobId>>,
    pub delete_for: RwSignal<Option<JobId>>,
}

impl Dialogs {
    pub fn new() -> Self {
        Self {
            json_for: RwSignal::new(None),
            delete_for: RwSignal::new(None),
        }
    }

    pub fn any_open_untracked(&self) -> bool {
        self.json_for.get_untracked().is_some() || self.delete_for.get_untracked().is_some()
    }
}

impl Default for Dialogs {
    fn default() -> Self {
        Self::new()
    }
}

/// What an action changed, for the page to follow up (reload, navigate).
#[derive(Clone, Debug)]
pub enum JobChange {
    /// The new job's ID.
    Retried(JobId),
    Deleted(JobId),
    Failed(ApiError),
}

#[component]
pub fn JobActions(
    id: JobId,
    status: JobStatus,
    has_source: bool,
    on_change: Callback<JobChange>,
) -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let retrying = RwSignal::new(false);
    let retry = move |_| {
        retrying.set(true);
        leptos::task::spawn_local(async move {
            let result = retry_job(id.to_string()).await;
            retrying.set(false);
            on_change.run(match result {
                Ok(new_id) => JobChange::Retried(new_id),
                Err(e) => JobChange::Failed(e),
            });
        });
    };
    let files = format!("/jobs/{id}/files");
    view! {
        <div class="actions">
            <button type="button" on:click=move |_| dialogs.json_for.set(Some(id))>"View JSON"</button>
            <details class="menu">
                <summary>"Download"</summary>
                <ul>
                    {has_source.then(|| view! { <li><a href=format!("{files}/source") download>"Source file"</a></li> })}
                    {(status == JobStatus::Passed).then(|| view! { <li><a href=format!("{files}/target") download>"Target file"</a></li> })}
                    {status.is_terminal().then(|| view! { <li><a href=format!("{files}/response") download>"Job response"</a></li> })}
                </ul>
            </details>
            <button type="button" on:click=retry disabled=move || retrying.get()>"Retry"</button>
            <button type="button" class="danger" on:click=move |_| dialogs.delete_for.set(Some(id))>"Delete"</button>
            {(status == JobStatus::Passed).then(|| view! {
                <a class="editor" href=format!("/jobs/{id}/editor") target="_blank" rel="noopener">
                    "Open in Closed Caption Creator"
                </a>
            })}
        </div>
    }
}
