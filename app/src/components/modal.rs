//! `Modal`: a native `<dialog>` opened with `showModal()`, so the browser gives it the
//! dialog role, traps focus, closes it on Escape and returns focus to the opener.

use leptos::html::Dialog;
use leptos::prelude::*;

#[component]
pub fn Modal<C: IntoView + 'static>(
    /// Whether the dialog is open; set to false when the user closes it.
    open: Signal<bool>,
    /// Called when the dialog closes (Escape, Close button, or the action completing).
    on_close: Callback<()>,
    /// The id of the element that names the dialog.
    labelled_by: &'static str,
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
    let node = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let want_open = open.get();
        #[cfg(feature = "hydrate")]
        if let Some(dialog) = node.get() {
            if want_open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !want_open && dialog.open() {
                dialog.close();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (want_open, node);
    });
    view! {
        <dialog node_ref=node class="modal" aria-labelledby=labelled_by on:close=move |_| on_close.run(())>
            {children()}
        </dialog>
    }
}
