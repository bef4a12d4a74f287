//! Small pieces of a row: a timestamp in the reader's local time, a status badge.

use crate::model::JobStatus;
use crate::time::Timestamp;
use crate::Hydrated;
use leptos::prelude::*;

/// Local time once the page is live (UTC in the server's HTML); the full UTC timestamp in
/// the tooltip.
#[component]
pub fn LocalTime(at: Timestamp) -> impl IntoView {
    let hydrated = use_context::<Hydrated>().map(|h| h.0);
    let text = move || match hydrated.map(|h| h.get()) {
        Some(true) => crate::browser::local_time(at.0),
        _ => at.to_display_utc(),
    };
    view! { <time datetime=at.to_rfc3339() title=at.to_rfc3339()>{text}</time> }
}

/// The status as a word; the colour is a second cue, never the only one.
#[component]
pub fn StatusBadge(status: JobStatus) -> impl IntoView {
    let word = status.as_str();
    view! { <span class=format!("status status-{word}")>{word}</span> }
}
