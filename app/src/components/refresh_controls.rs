//! `RefreshControls`: Refresh, Auto-refresh (15s) and when the view was last updated.
//! Auto-refresh is remembered in localStorage and skips a beat while the tab is hidden or
//! a dialog is open, so it never changes what the user is reading or doing.

use super::Dialogs;
use crate::browser::{self, AUTO_REFRESH_KEY};
use leptos::prelude::*;

pub const AUTO_REFRESH_SECS: u64 = 15;

#[component]
pub fn RefreshControls(on_refresh: Callback<()>, updated: Signal<Option<String>>) -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let auto = RwSignal::new(false);
    // Restore the preference once the page is live.
    Effect::new(move |_| {
        if let Some(saved) = browser::load::<bool>(AUTO_REFRESH_KEY) {
            auto.set(saved);
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let tick = move || {
            if auto.get_untracked() && !browser::page_hidden() && !dialogs.any_open_untracked() {
                on_refresh.run(());
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(AUTO_REFRESH_SECS))
        {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = dialogs;
    view! {
        <div class="refresh">
            <button type="button" on:click=move |_| on_refresh.run(())>"Refresh"</button>
            <label class="switch">
                <input
                    type="checkbox"
                    prop:checked=move || auto.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        auto.set(on);
                        browser::save(AUTO_REFRESH_KEY, &on);
                    }
                />
                <span>{format!("Auto-refresh ({AUTO_REFRESH_SECS}s)")}</span>
            </label>
            <span class="muted updated" aria-live="polite">
                {move || updated.get().map(|t| format!("Last updated {t}"))}
            </span>
        </div>
    }
}
