//! Sign-in: paste an API key, or confirm a one-time sign-in link.
//!
//! Plain HTML forms that POST to `/auth/…`, so signing in works before (or without) the
//! WASM bundle. A link's token is only spent by the POST, never by the GET: link
//! previewers and mail scanners cannot burn it.

use crate::erased::Erase;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignIn() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").filter(|t| !t.is_empty());
    let error = move || query.read().get("error").filter(|e| !e.is_empty());
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_string());
    view! {
        <main class="page narrow">
            <h1>"Sign in to ccjobs"</h1>
            {move || error().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            {move || match token() {
                Some(token) => view! {
                    <form method="post" action="/auth/link" class="card">
                        <p>"This one-time link signs you in on this browser."</p>
                        <input type="hidden" name="token" value=token/>
                        <input type="hidden" name="next" value=next()/>
                        <button type="submit">"Sign in"</button>
                    </form>
                }.erase(),
                None => view! {
                    <form method="post" action="/auth/sign-in" class="card">
                        <label for="api-key">"API key"</label>
                        <input id="api-key" name="api_key" type="password" required
                            autocomplete="off" spellcheck="false" placeholder="ccj_…"/>
                        <input type="hidden" name="next" value=next()/>
                        <button type="submit">"Sign in"</button>
                        <p class="hint">
                            "The server printed an API key and a sign-in link when it first started. "
                            "Run " <code>"ccjobs account create NAME"</code> " for another account."
                        </p>
                    </form>
                }.erase(),
            }}
        </main>
    }
}
