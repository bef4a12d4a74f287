//! `JsonDialog`: the job's full API response, pretty-printed, with a Copy button.

use super::{Dialogs, Modal};
use crate::api::get_job_json;
use crate::erased::Erase;
use leptos::prelude::*;

#[component]
pub fn JsonDialog() -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let open = Signal::derive(move || dialogs.json_for.get().is_some());
    let copied = RwSignal::new(None::<Result<(), String>>);
    // Fetched when the dialog opens. A plain signal and task rather than a LocalResource:
    // the bundle then needs no second kind of async resource (docs/PERFORMANCE.md).
    let answer = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| {
        let id = dialogs.json_for.get();
        answer.set(None);
        if let Some(id) = id {
            leptos::task::spawn_local(async move {
                let result = get_job_json(id.to_string()).await.map_err(|e| e.to_string());
                // An answer for a dialog since closed, or opened on another job, is dropped.
                if dialogs.json_for.try_get_untracked() == Some(Some(id)) {
                    answer.try_set(Some(result));
                }
            });
        }
    });
    let text = move || answer.get();
    let copy = move |_| {
        if let Some(Ok(json)) = text() {
            leptos::task::spawn_local(async move {
                copied.set(Some(crate::browser::copy_text(&json).await));
            });
        }
    };
    let close = Callback::new(move |_| {
        dialogs.json_for.set(None);
        copied.set(None);
    });
    view! {
        <Modal open on_close=close labelled_by="json-dialog-title">
            <div class="modal-head">
                <h2 id="json-dialog-title">"Job JSON"</h2>
                <button type="button" on:click=copy disabled=move || !matches!(text(), Some(Ok(_)))>
                    {move || match copied.get() {
                        Some(Ok(())) => "Copied",
                        _ => "Copy",
                    }}
                </button>
                <button type="button" on:click=move |_| close.run(())>"Close"</button>
            </div>
            {move || match copied.get() {
                Some(Err(e)) => Some(view! { <p class="alert" role="alert">{format!("Could not copy: {e}. Select the text and copy it by hand.")}</p> }),
                _ => None,
            }}
            {move || match text() {
                None => view! { <p class="muted" role="status">"Loading…"</p> }.erase(),
                Some(Ok(json)) => view! { <pre class="json" tabindex="0">{json}</pre> }.erase(),
                Some(Err(e)) => view! { <p class="alert" role="alert">{e}</p> }.erase(),
            }}
        </Modal>
    }
}
