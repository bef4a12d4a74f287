//! Account settings (`/settings`): the webhook signing secret — shown on request, copied,
//! rotated — and how a receiver checks a signature.

use super::{load_failed, TopBar};
use crate::api::webhook_secret;
use crate::components::LocalTime;
use crate::erased::{Erase, SyncHydrated};
use crate::model::WebhookSecret;
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let secret = Resource::new(|| (), |()| webhook_secret(false));
    view! {
        <TopBar/>
        <main class="page">
            <h1>"Settings"</h1>
            <Transition fallback=|| SyncHydrated(view! { <p class="muted" role="status">"Loading…"</p> })>
                {move || secret.get().map(|result| match result {
                    Ok(current) => view! { <SecretCard current/> }.erase(),
                    Err(e) => load_failed(e),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn SecretCard(current: WebhookSecret) -> impl IntoView {
    let current = RwSignal::new(current);
    let shown = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let note = RwSignal::new(None::<String>);
    let copy = move |_| {
        let text = current.get_untracked().secret;
        leptos::task::spawn_local(async move {
            note.set(Some(match crate::browser::copy_text(&text).await {
                Ok(()) => "Copied.".to_string(),
                Err(e) => format!("Could not copy: {e}. Show the secret and copy it by hand."),
            }));
        });
    };
    let rotate = move |_| {
        confirming.set(false);
        leptos::task::spawn_local(async move {
            match webhook_secret(true).await {
                Ok(fresh) => {
                    current.set(fresh);
                    shown.set(true);
                    note.set(Some(
                        "A new secret signs from now on. Put it in your receivers.".into(),
                    ));
                }
                Err(e) => note.set(Some(e.to_string())),
            }
        });
    };
    let masked = move || {
        let secret = current.get().secret;
        match shown.get() {
            true => secret,
            false => format!("whsec_{}", "•".repeat(secret.len().saturating_sub(6))),
        }
    };
    view! {
        <section aria-labelledby="secret-title" class="card">
            <h2 id="secret-title">"Webhook signing secret"</h2>
            <p>
                "Every webhook carries the headers " <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code>
                " and " <code>"webhook-signature"</code> " (Standard Webhooks): " <code>"v1,"</code>
                " and the base64 HMAC-SHA256 of " <code>"id.timestamp.body"</code>
                ", keyed with the base64-decoded part of this secret after " <code>"whsec_"</code> "."
            </p>
            <p><code class="mono secret" data-testid="webhook-secret">{masked}</code></p>
            <p class="actions">
                <button type="button" on:click=move |_| shown.update(|s| *s = !*s)>
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
                <button type="button" on:click=copy>"Copy"</button>
                {move || match confirming.get() {
                    false => view! {
                        <button type="button" on:click=move |_| confirming.set(true)>"Rotate…"</button>
                    }.erase(),
                    true => view! {
                        <span role="alert">
                            "Rotate? The current secret keeps signing beside the new one for 24 hours. "
                            <button type="button" class="danger" on:click=rotate>"Rotate secret"</button>
                            <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </span>
                    }.erase(),
                }}
            </p>
            {move || note.get().map(|n| view! { <p role="status">{n}</p> })}
            {move || current.get().previous_valid_until.map(|at| view! {
                <p class="hint">"The previous secret also signs until " <LocalTime at/> "."</p>
            })}
        </section>
    }
}
