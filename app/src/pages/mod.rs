//! One module per page.

mod dashboard;
mod job_detail;
mod not_found;
#[cfg(feature = "playground")]
mod playground;
mod sign_in;

pub use dashboard::Dashboard;
pub use job_detail::JobDetailPage;
pub use not_found::NotFound;
#[cfg(feature = "playground")]
pub use playground::Playground;
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
            </nav>
            <form method="post" action="/auth/sign-out">
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </header>
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

/// In the dashboard's bundle, which leaves the Playground out: reloads the page so that the
/// server sends the Playground with its own bundle.
#[cfg(not(feature = "playground"))]
#[component]
pub fn Playground() -> impl IntoView {
    Effect::new(move |_| crate::browser::reload());
    view! { <p class="muted" role="status">"Loading the API Playground…"</p> }
}
