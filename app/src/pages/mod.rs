//! One module per page.

mod dashboard;
mod job_detail;
mod not_found;
mod sign_in;

pub use dashboard::Dashboard;
pub use job_detail::JobDetailPage;
pub use not_found::NotFound;
pub use sign_in::SignIn;

use leptos::prelude::*;

/// The bar above every signed-in page.
#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar">
            <a href="/" class="brand">"ccjobs"</a>
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
