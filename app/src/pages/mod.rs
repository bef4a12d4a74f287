//! One module per page.

mod dashboard;
#[cfg(feature = "full")]
mod job_detail;
#[cfg(feature = "full")]
mod not_found;
#[cfg(feature = "full")]
mod playground;
#[cfg(feature = "full")]
mod settings;
mod sign_in;

pub use dashboard::Dashboard;
#[cfg(feature = "full")]
pub use job_detail::JobDetailPage;
#[cfg(feature = "full")]
pub use not_found::NotFound;
#[cfg(feature = "full")]
pub use playground::Playground;
#[cfg(feature = "full")]
pub use settings::Settings;
pub use sign_in::SignIn;

use leptos::prelude::*;

/// The bar above every signed-in page.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar">
            <a href="/" class="brand">"ccjobs"</a>
            <nav aria-label="Main">
                <a href="/">"Jobs"</a>
                // A full page load: the Playground comes with its own bundle.
                <a href="/playground" rel="external">"API Playground"</a>
                <a href="/settings" rel="external">"Settings"</a>
            </nav>
            <form method="post" action="/auth/sign-out">
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </header>
    }
}

/// What a signed-in page shows when its data did not come: the way to sign in (and back
/// here), or the error.
pub fn load_failed(error: crate::api::ApiError) -> AnyView {
    use crate::erased::Erase;
    match error {
        crate::api::ApiError::Unauthorized => {
            let location = leptos_router::hooks::use_location();
            let path = sign_in_path(&location.pathname.get_untracked(), "");
            view! { <leptos_router::components::Redirect path/> }.erase()
        }
        e => view! { <p class="alert" role="alert">{e.to_string()}</p> }.erase(),
    }
}

/// Where a signed-out visitor goes: sign-in, then back here.
pub fn sign_in_path(path: &str, search: &str) -> String {
    let target = if search.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{search}")
    };
    let next: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("/sign-in?next={next}")
}

/// Any page but the dashboard and sign-in, as the dashboard's bundle has it: a reload, so
/// that the server sends the page with the full bundle. Links to those pages are full loads
/// (`rel="external"`), so this shows only on client-side navigation.
#[cfg(not(feature = "full"))]
#[component]
pub fn Elsewhere() -> impl IntoView {
    Effect::new(move |_| crate::browser::reload());
    view! { <p class="muted" role="status">"Loading…"</p> }
}
