//! `Pager` (Previous page / Next page and the row range) and `RowsPerPage`.

use crate::filter::PageSize;
use crate::model::JobPage;
use leptos::prelude::*;

/// 1234567 → "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "26–50 of 1,234"; counts stop at 10,000 ("10,000+").
pub fn range_text(page: &JobPage) -> String {
    let total = if page.total_is_lower_bound {
        format!("{}+", grouped(page.total))
    } else {
        grouped(page.total)
    };
    if page.jobs.is_empty() {
        return format!("0 of {total}");
    }
    if page.offset >= JobPage::COUNT_LIMIT {
        return format!("rows after {} of {total}", grouped(JobPage::COUNT_LIMIT));
    }
    let first = page.offset + 1;
    let last = page.offset + page.jobs.len() as u64;
    format!("{}–{} of {total}", grouped(first), grouped(last))
}

#[component]
pub fn Pager(page: JobPage, on_go: Callback<Option<String>>) -> impl IntoView {
    let prev = page.prev_cursor.clone();
    let next = page.next_cursor.clone();
    let (has_prev, has_next) = (prev.is_some(), next.is_some());
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="range" role="status">{range_text(&page)}</span>
            <button type="button" disabled=!has_prev on:click=move |_| on_go.run(prev.clone())>"Previous page"</button>
            <button type="button" disabled=!has_next on:click=move |_| on_go.run(next.clone())>"Next page"</button>
        </nav>
    }
}

#[component]
pub fn RowsPerPage(size: Signal<PageSize>, on_change: Callback<PageSize>) -> impl IntoView {
    view! {
        <label class="rows-per-page">
            <span>"Rows per page"</span>
            <select
                prop:value=move || size.get().get().to_string()
                on:change=move |ev| {
                    if let Some(size) = event_target_value(&ev).parse().ok().and_then(PageSize::new) {
                        on_change.run(size);
                    }
                }
            >
                {PageSize::ALLOWED.into_iter().map(|n| view! {
                    <option value=n.to_string() selected=move || size.get().get() == n>{n.to_string()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(offset: u64, rows: usize, total: u64, capped: bool) -> JobPage {
        let row = crate::model::JobSummary {
            id: "0193a1b2-0000-7000-8000-000000000001".parse().expect("id"),
            created_at: crate::time::Timestamp(0),
            job_type: crate::model::JobType::Convert,
            status: crate::model::JobStatus::Queued,
            source: crate::model::JobSource::Api,
            source_profile: None,
            target_profile: None,
            frame_rate: None,
            source_file_name: None,
            error_summary: None,
            retry_of: None,
        };
        JobPage {
            jobs: vec![row; rows],
            next_cursor: None,
            prev_cursor: None,
            total,
            total_is_lower_bound: capped,
            offset,
        }
    }

    #[test]
    fn ranges_read_like_a_person_would_write_them() {
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(999), "999");
        assert_eq!(range_text(&page(0, 25, 1234, false)), "1–25 of 1,234");
        assert_eq!(range_text(&page(25, 5, 30, false)), "26–30 of 30");
        assert_eq!(range_text(&page(50, 25, 10_000, true)), "51–75 of 10,000+");
        assert_eq!(range_text(&page(0, 0, 0, false)), "0 of 0");
    }
}
