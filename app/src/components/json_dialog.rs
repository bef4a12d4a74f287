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
    let job = LocalResource::new(move || {
        let id = dialogs.json_for.get();
        async move {
            match id {
                Some(id) => Some(get_job_json(id.to_string()).await),
                None => None,
            }
        }
    });
    let text = move || job.get().flatten().map(|r| r.map_err(|e| e.to_string()));
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
