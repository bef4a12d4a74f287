//! `FilterBar`: job type, status, date range (with custom dates) and search. Every change
//! becomes a new URL, so views can be bookmarked, shared and restored with Back.

use crate::filter::{DateRange, JobFilter};
use crate::model::{JobStatus, JobType};
use leptos::prelude::*;

fn one<T: Copy>(list: &[T]) -> Option<T> {
    (list.len() == 1).then(|| list[0])
}

#[component]
pub fn FilterBar(filter: Signal<JobFilter>, on_change: Callback<JobFilter>) -> impl IntoView {
    let update = move |edit: &dyn Fn(&mut JobFilter)| {
        let mut next = filter.get_untracked();
        edit(&mut next);
        on_change.run(next);
    };
    let type_value = move || one(&filter.get().types).map(|t| t.as_str()).unwrap_or("");
    let status_value = move || one(&filter.get().statuses).map(|s| s.as_str()).unwrap_or("");
    let range_value = move || filter.get().range.as_ref().map(|r| r.word()).unwrap_or("");
    let custom = move || match filter.get().range {
        Some(DateRange::Custom { from, to }) => Some((from.unwrap_or_default(), to.unwrap_or_default())),
        _ => None,
    };
    let set_custom = move |from: Option<String>, to: Option<String>| {
        update(&|f| {
            let (old_from, old_to) = match &f.range {
                Some(DateRange::Custom { from, to }) => (from.clone(), to.clone()),
                _ => (None, None),
            };
            f.range = Some(DateRange::Custom {
                from: from.clone().or(old_from).filter(|s| !s.is_empty()),
                to: to.clone().or(old_to).filter(|s| !s.is_empty()),
            });
        })
    };
    view! {
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <label>
                <span>"Job type"</span>
                <select prop:value=type_value on:change=move |ev| {
                    let v = event_target_value(&ev);
                    update(&|f| f.types = v.parse::<JobType>().ok().into_iter().collect());
                }>
                    <option value="" selected=move || type_value().is_empty()>"All"</option>
                    {JobType::ALL.iter().map(|t| {
                        let word = t.as_str();
                        view! { <option value=word selected=move || type_value() == word>{word}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Status"</span>
                <select prop:value=status_value on:change=move |ev| {
                    let v = event_target_value(&ev);
                    update(&|f| f.statuses = v.parse::<JobStatus>().ok().into_iter().collect());
                }>
                    <option value="" selected=move || status_value().is_empty()>"All"</option>
                    {[JobStatus::Passed, JobStatus::Failed, JobStatus::Processing, JobStatus::Queued].into_iter().map(|s| {
                        let word = s.as_str();
                        view! { <option value=word selected=move || status_value() == word>{word}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Date range"</span>
                <select prop:value=range_value on:change=move |ev| {
                    let v = event_target_value(&ev);
                    update(&|f| f.range = match v.as_str() {
                        "24h" => Some(DateRange::Last24Hours),
                        "week" => Some(DateRange::LastWeek),
                        "month" => Some(DateRange::LastMonth),
                        "year" => Some(DateRange::LastYear),
                        "custom" => Some(DateRange::Custom { from: None, to: None }),
                        _ => None,
                    });
                }>
                    {[("", "All time"), ("24h", "Last 24 hours"), ("week", "Last week"), ("month", "Last month"), ("year", "Last year"), ("custom", "Custom")]
                        .into_iter()
                        .map(|(word, label)| view! { <option value=word selected=move || range_value() == word>{label}</option> })
                        .collect_view()}
                </select>
            </label>
            {move || custom().map(|(from, to)| view! {
                <label>
                    <span>"From"</span>
                    <input type="date" value=from on:change=move |ev| set_custom(Some(event_target_value(&ev)), None)/>
                </label>
                <label>
                    <span>"To"</span>
                    <input type="date" value=to on:change=move |ev| set_custom(None, Some(event_target_value(&ev)))/>
                </label>
            })}
            <label class="search">
                <span>"Search"</span>
                <input
                    type="search"
                    placeholder="Job ID or file name"
                    prop:value=move || filter.get().q.unwrap_or_default()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        update(&|f| f.q = Some(v.trim().to_string()).filter(|q| !q.is_empty()));
                    }
                />
            </label>
        </form>
    }
}
