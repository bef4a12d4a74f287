//! The Job Status Dashboard: the signed-in account's jobs, filtered and paged through the
//! URL, refreshed on demand or every 15 s, exported as CSV, acted on row by row.

use super::{sign_in_path, TopBar};
use crate::api::{list_jobs, ApiError};
use crate::browser::{self, PAGE_SIZE_KEY};
use crate::codec::Postcard;
use crate::components::{
    ConfirmDelete, Dialogs, FilterBar, JobChange, JobTable, JsonDialog, Pager, RefreshControls, RowsPerPage,
};
use crate::erased::{Erase, SyncHydrated};
use crate::filter::{list_query_string, parse_list_query, Cursor, JobFilter, PageRequest, PageSize};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

#[component]
pub fn Dashboard() -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let search = location.search;
    let query = Memo::new(move |_| parse_list_query(&search.get()));
    let filter = Signal::derive(move || query.get().map(|(f, _)| f).unwrap_or_default());
    let page_request = Signal::derive(move || query.get().map(|(_, p)| p).unwrap_or_default());
    let (refreshes, set_refreshes) = signal(0u32);
    let jobs = Resource::<_, Postcard>::new_with_options(
        move || (search.get(), refreshes.get()),
        |(search, _)| list_jobs(search),
        false,
    );
    let dialogs = Dialogs::new();
    provide_context(dialogs);
    let refresh = Callback::new(move |_| set_refreshes.update(|n| *n += 1));

    // Every view change is a URL: bookmarkable, shareable, and Back restores it.
    let go = {
        let navigate = navigate.clone();
        move |filter: &JobFilter, page: &PageRequest, replace: bool| {
            let qs = list_query_string(filter, page);
            let url = if qs.is_empty() {
                "/".to_string()
            } else {
                format!("/?{qs}")
            };
            navigate(
                &url,
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let first_page = move || PageRequest {
        size: page_request.get_untracked().size,
        cursor: None,
    };
    let on_filter = {
        let go = go.clone();
        Callback::new(move |f: JobFilter| go(&f, &first_page(), false))
    };
    let on_size = {
        let go = go.clone();
        Callback::new(move |size: PageSize| {
            browser::save(PAGE_SIZE_KEY, &size.get());
            go(
                &filter.get_untracked(),
                &PageRequest { size, cursor: None },
                false,
            );
        })
    };
    let on_page = {
        let go = go.clone();
        Callback::new(move |cursor: Option<String>| {
            let page = PageRequest {
                size: page_request.get_untracked().size,
                cursor: cursor.as_deref().and_then(Cursor::decode),
            };
            go(&filter.get_untracked(), &page, false);
        })
    };
    let action_error = RwSignal::new(None::<String>);
    let on_change = {
        let go = go.clone();
        Callback::new(move |change: JobChange| match change {
            // The new job is at the top of the first page.
            JobChange::Retried(_) => {
                if page_request.get_untracked().cursor.is_some() {
                    go(&filter.get_untracked(), &first_page(), false);
                } else {
                    refresh.run(());
                }
            }
            JobChange::Deleted(_) => refresh.run(()),
            JobChange::Failed(e) => action_error.set(Some(e.to_string())),
        })
    };

    // The saved page size applies when the URL does not name one.
    Effect::new({
        let go = go.clone();
        move |_| {
            let no_size = !search.get_untracked().split('&').any(|p| p.starts_with("size="));
            if let Some(size) = browser::load::<u32>(PAGE_SIZE_KEY).and_then(PageSize::new) {
                if no_size && size != PageSize::default() {
                    go(&filter.get_untracked(), &PageRequest { size, cursor: None }, true);
                }
            }
        }
    });

    let updated = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if jobs.get().is_some() {
            updated.set(Some(browser::now_local_time()));
        }
    });
    let export_href = move || {
        let qs = list_query_string(&filter.get(), &PageRequest::default());
        if qs.is_empty() {
            "/jobs.csv".to_string()
        } else {
            format!("/jobs.csv?{qs}")
        }
    };
    let clear = move |_| on_filter.run(JobFilter::default());

    view! {
        <TopBar/>
        <main class="page">
            <div class="toolbar">
                <h1>"Jobs"</h1>
                <RefreshControls on_refresh=refresh updated=updated.into()/>
                <a class="button" href=export_href download>"Export CSV"</a>
            </div>
            <FilterBar filter on_change=on_filter/>
            {move || action_error.get().map(|e| view! {
                <div class="alert" role="alert">
                    <p>{e}</p>
                    <button type="button" on:click=move |_| action_error.set(None)>"Dismiss"</button>
                </div>
            })}
            <Transition fallback=|| SyncHydrated(view! { <p class="muted" role="status">"Loading jobs…"</p> })>
                {move || jobs.get().map(|result| match result {
                    Ok(page) if page.jobs.is_empty() => {
                        let filtered = filter.get_untracked() != JobFilter::default();
                        view! {
                            <div class="empty">
                                {if filtered {
                                    view! {
                                        <p>"No jobs match these filters"</p>
                                        <button type="button" on:click=clear>"Clear filters"</button>
                                    }.erase()
                                } else {
                                    view! { <p>"No jobs yet. Submit one with POST /jobs and it shows up here."</p> }.erase()
                                }}
                            </div>
                        }.erase()
                    }
                    Ok(page) => view! {
                        <JobTable jobs=page.jobs.clone() on_change/>
                        <div class="table-foot">
                            <RowsPerPage size=Signal::derive(move || page_request.get().size) on_change=on_size/>
                            <Pager page on_go=on_page/>
                        </div>
                    }.erase(),
                    Err(ApiError::Unauthorized) => view! {
                        <Redirect path=sign_in_path(&location.pathname.get_untracked(), &search.get_untracked())/>
                    }.erase(),
                    Err(e) => view! {
                        <div class="alert" role="alert">
                            <p>{e.to_string()}</p>
                            <button type="button" on:click=move |_| refresh.run(())>"Try again"</button>
                            " "
                            <button type="button" on:click=clear>"Clear filters"</button>
                        </div>
                    }.erase(),
                })}
            </Transition>
            <JsonDialog/>
            <ConfirmDelete on_change/>
        </main>
    }
}
