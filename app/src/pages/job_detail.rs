//! The job detail view (`/jobs/{id}`): every recorded field, the timeline, the full error
//! next to the Job Description that caused it, retry lineage, and the same actions.

use super::{sign_in_path, TopBar};
use crate::api::{get_job_detail, redeliver_webhook, ApiError, JobDetail};
use crate::components::{ConfirmDelete, Dialogs, JobActions, JobChange, JsonDialog, LocalTime, StatusBadge};
use crate::erased::{Erase, SyncHydrated};
use crate::model::{JobId, JobStatus, WebhookLog};
use crate::time::Timestamp;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};

/// "850 ms", "12.3 s", "4 min 05 s".
pub fn duration_text(ms: i64) -> String {
    match ms {
        ..=999 => format!("{} ms", ms.max(0)),
        // Integer arithmetic: float formatting would add ~20 KB to the WASM bundle.
        1_000..=59_999 => {
            let tenths = (ms + 50) / 100;
            format!("{}.{} s", tenths / 10, tenths % 10)
        }
        _ => format!("{} min {:02} s", ms / 60_000, ms / 1000 % 60),
    }
}

#[component]
pub fn JobDetailPage() -> impl IntoView {
    let params = use_params_map();
    let location = use_location();
    let navigate = use_navigate();
    let id = move || params.read().get("id").unwrap_or_default();
    let (refreshes, set_refreshes) = signal(0u32);
    let detail = Resource::new(move || (id(), refreshes.get()), |(id, _)| get_job_detail(id));
    provide_context(Dialogs::new());
    let action_error = RwSignal::new(None::<String>);
    // Made once for the page: one made inside the view below would be disposed by the very
    // refresh it triggers, and a later call (the webhook log's second look) would do nothing.
    let refresh = Callback::new(move |()| set_refreshes.update(|n| *n += 1));
    let on_change = Callback::new(move |change: JobChange| match change {
        JobChange::Retried(new_id) => navigate(&format!("/jobs/{new_id}"), Default::default()),
        JobChange::Deleted(_) => navigate("/", Default::default()),
        JobChange::Failed(e) => action_error.set(Some(e.to_string())),
    });
    view! {
        <TopBar/>
        <main class="page">
            <p><a href="/">"← All jobs"</a></p>
            {move || action_error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            <Transition fallback=|| SyncHydrated(view! { <p class="muted" role="status">"Loading job…"</p> })>
                {move || detail.get().map(|result| match result {
                    Ok(detail) => view! { <JobView detail on_change refresh/> }.erase(),
                    Err(ApiError::Unauthorized) => view! {
                        <Redirect path=sign_in_path(&location.pathname.get_untracked(), &location.search.get_untracked())/>
                    }.erase(),
                    Err(e @ ApiError::NotFound(_)) => view! {
                        <h1>"Job not found"</h1>
                        <p class="alert" role="alert">{e.to_string()}</p>
                    }.erase(),
                    Err(e) => view! {
                        <div class="alert" role="alert">
                            <p>{e.to_string()}</p>
                            <button type="button" on:click=move |_| set_refreshes.update(|n| *n += 1)>"Try again"</button>
                        </div>
                    }.erase(),
                })}
            </Transition>
            <JsonDialog/>
            <ConfirmDelete on_change/>
        </main>
    }
}

fn optional_time(t: Option<Timestamp>) -> AnyView {
    match t {
        Some(at) => view! { <LocalTime at/> }.erase(),
        None => "—".erase(),
    }
}

#[component]
fn JobView(detail: JobDetail, on_change: Callback<JobChange>, refresh: Callback<()>) -> impl IntoView {
    let JobDetail {
        job,
        retried_as,
        description_json: description,
        webhook,
    } = detail;
    let id = job.id;
    let duration = job
        .started_at
        .zip(job.finished_at)
        .map(|(s, f)| duration_text(f.0 - s.0));
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_string());
    let failed = job.status == JobStatus::Failed;
    view! {
        <div class="detail-head">
            <h1>"Job " <code class="mono">{id.to_string()}</code></h1>
            <StatusBadge status=job.status/>
        </div>
        <JobActions id status=job.status has_source=job.source_file_name.is_some() on_change/>
        {failed.then(|| view! {
            <section class="error-block" aria-labelledby="error-title">
                <h2 id="error-title">"Error"</h2>
                <pre>{job.error.clone().unwrap_or_default()}</pre>
            </section>
        })}
        <div class="detail-grid">
            <section aria-labelledby="fields-title">
                <h2 id="fields-title">"Details"</h2>
                <dl>
                    <dt>"Type"</dt><dd>{job.job_type.as_str()}</dd>
                    <dt>"Submitted from"</dt><dd>{job.source.as_str()}</dd>
                    <dt>"Source profile"</dt><dd>{or_dash(&job.source_profile)}</dd>
                    <dt>"Target profile"</dt><dd>{or_dash(&job.target_profile)}</dd>
                    <dt>"Frame rate"</dt><dd>{or_dash(&job.frame_rate)}</dd>
                    <dt>"Source file"</dt><dd>{or_dash(&job.source_file_name)}</dd>
                    <dt>"Target file"</dt><dd>{or_dash(&job.target_file_name)}</dd>
                    <dt>"Attempts"</dt><dd>{job.attempts}</dd>
                    {job.retry_of.map(|from| view! {
                        <dt>"Retried from"</dt>
                        <dd><a href=format!("/jobs/{from}")>{from.to_string()}</a></dd>
                    })}
                    {(!retried_as.is_empty()).then(|| view! {
                        <dt>"Retried as"</dt>
                        <dd>{retried_as.iter().map(|r| view! { <a href=format!("/jobs/{r}")>{r.to_string()}</a>" " }).collect_view()}</dd>
                    })}
                </dl>
            </section>
            <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">"Timeline"</h2>
                <dl>
                    <dt>"Submitted"</dt><dd><LocalTime at=job.created_at/></dd>
                    <dt>"Started"</dt><dd>{optional_time(job.started_at)}</dd>
                    <dt>"Finished"</dt><dd>{optional_time(job.finished_at)}</dd>
                    <dt>"Duration"</dt><dd>{duration.unwrap_or_else(|| "—".into())}</dd>
                </dl>
            </section>
        </div>
        {(!job.warnings.is_empty()).then(|| view! {
            <section aria-labelledby="warnings-title">
                <h2 id="warnings-title">"Warnings"</h2>
                <ul>{job.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            </section>
        })}
        {webhook.map(|log| view! { <WebhookSection id log refresh/> })}
        <section aria-labelledby="description-title">
            <h2 id="description-title">"Job Description"</h2>
            <pre class="json" tabindex="0">{description}</pre>
        </section>
    }
}

/// The job's webhook: where it goes, how delivery stands, every attempt, and Redeliver.
#[component]
fn WebhookSection(id: JobId, log: WebhookLog, refresh: Callback<()>) -> impl IntoView {
    let sending = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let redeliver = move |_| {
        sending.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let result = redeliver_webhook(id.to_string()).await;
            sending.set(false);
            match result {
                // Shows it pending now, and the attempt's outcome once a sender has made it
                // (at once when the server is idle, a few seconds when it is busy).
                Ok(_) => {
                    refresh.run(());
                    for delay_ms in [1_500, 4_000, 8_000] {
                        set_timeout(
                            move || refresh.run(()),
                            std::time::Duration::from_millis(delay_ms),
                        );
                    }
                }
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let state = log.state.as_str();
    view! {
        <section aria-labelledby="webhook-title" class="webhook">
            <h2 id="webhook-title">"Webhook"</h2>
            <p>
                <code class="mono">{log.url}</code>" — "
                <strong data-state=state>{state}</strong>
                {log.next_attempt_at.map(|at| view! { ", next attempt " <LocalTime at/> })}
                " "
                <button type="button" on:click=redeliver disabled=move || sending.get()>
                    {move || if sending.get() { "Redelivering…" } else { "Redeliver" }}
                </button>
            </p>
            {move || problem.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            <table>
                <caption>"Delivery attempts (webhook-id " <code class="mono">{log.message_id}</code> ")"</caption>
                <thead><tr><th>"Attempted"</th><th>"HTTP status"</th><th>"Latency"</th><th>"Error"</th></tr></thead>
                <tbody>
                    {log.attempts.into_iter().map(|a| view! {
                        <tr>
                            <td><LocalTime at=a.at/></td>
                            <td>{a.http_status.map_or("—".to_string(), |s| s.to_string())}</td>
                            <td>{duration_text(i64::from(a.latency_ms))}</td>
                            <td>{a.error.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::duration_text;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(850), "850 ms");
        assert_eq!(duration_text(12_345), "12.3 s");
        assert_eq!(duration_text(12_960), "13.0 s");
        assert_eq!(duration_text(245_000), "4 min 05 s");
    }
}
