//! The Job Status Dashboard: the signed-in account's jobs, newest first.

use crate::api::{list_jobs, ApiError};
use crate::components::JobTable;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

#[component]
pub fn Dashboard() -> impl IntoView {
    let location = use_location();
    let (refreshes, set_refreshes) = signal(0u32);
    let jobs = Resource::new(
        move || (location.search.get(), refreshes.get()),
        |(search, _)| list_jobs(search),
    );
    mark_hydrated();

    view! {
        <header class="topbar">
            <a href="/" class="brand">"ccjobs"</a>
            <form method="post" action="/auth/sign-out">
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </header>
        <main class="page">
            <div class="toolbar">
                <h1>"Jobs"</h1>
                <button type="button" on:click=move |_| set_refreshes.update(|n| *n += 1)>
                    "Refresh"
                </button>
            </div>
            <Transition fallback=|| view! { <p class="muted" role="status">"Loading jobs…"</p> }>
                {move || jobs.get().map(|result| match result {
                    Ok(page) => view! {
                        <p class="muted" role="status">
                            {format!(
                                "{}{} jobs",
                                page.total,
                                if page.total_is_lower_bound { "+" } else { "" }
                            )}
                        </p>
                        <JobTable jobs=page.jobs/>
                    }.into_any(),
                    Err(ApiError::Unauthorized) => view! {
                        <Redirect path=format!("/sign-in?next={}", encode_next(&location.pathname.get_untracked(), &location.search.get_untracked()))/>
                    }.into_any(),
                    Err(e) => view! {
                        <div class="alert" role="alert">
                            <p>{e.to_string()}</p>
                            <button type="button" on:click=move |_| set_refreshes.update(|n| *n += 1)>
                                "Try again"
                            </button>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </main>
    }
}

fn encode_next(path: &str, search: &str) -> String {
    let target = if search.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{search}")
    };
    form_urlencoded::byte_serialize(target.as_bytes()).collect()
}

/// Sets `data-hydrated` on `<body>` once the WASM app runs: Effects only run in the
/// browser, so tests (and curious users) can tell a live page from server HTML.
fn mark_hydrated() {
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
