//! `ConfirmDelete`: asks before deleting a job; calls the same service method as the
//! API's `DELETE /jobs/{id}`.

use super::{Dialogs, JobChange, Modal};
use crate::api::delete_job;
use leptos::prelude::*;

#[component]
pub fn ConfirmDelete(on_change: Callback<JobChange>) -> impl IntoView {
    let dialogs = expect_context::<Dialogs>();
    let open = Signal::derive(move || dialogs.delete_for.get().is_some());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let close = Callback::new(move |_| {
        dialogs.delete_for.set(None);
        error.set(None);
    });
    let confirm = move |_| {
        let Some(id) = dialogs.delete_for.get_untracked() else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = delete_job(id.to_string()).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    dialogs.delete_for.set(None);
                    on_change.run(JobChange::Deleted(id));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <Modal open on_close=close labelled_by="delete-dialog-title">
            <h2 id="delete-dialog-title">"Delete job"</h2>
            <p>
                "Delete job " <code>{move || dialogs.delete_for.get().map(|id| id.to_string())}</code>
                " and its stored files? This cannot be undone."
            </p>
            {move || error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            <div class="modal-actions">
                <button type="button" on:click=move |_| close.run(())>"Cancel"</button>
                <button type="button" class="danger solid" on:click=confirm disabled=move || busy.get()>"Delete"</button>
            </div>
        </Modal>
    }
}
