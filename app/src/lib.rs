//! ccjobs' shared crate: the typed job model, the routes and components of the dashboard,
//! and the server functions that reach the backend through the [`port::JobService`] port.
#![recursion_limit = "256"]

pub mod api;
pub mod browser;
pub mod codec;
pub mod components;
pub mod description;
pub mod erased;
pub mod filter;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod port;
pub mod time;

use erased::SyncHydrated;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
#[cfg(feature = "full")]
use leptos_router::ParamSegment;
use leptos_router::{SsrMode, StaticSegment};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    let stylesheet = stylesheet_href(&options);
    #[cfg(feature = "ssr")]
    let options = bundle_for_page(options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <title>"ccjobs"</title>
                // In the shell, not through leptos_meta: the browser bundle then carries no
                // head-management code.
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <HydrationScripts options/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The dashboard and sign-in pages load the dashboard's bundle, which carries nothing
/// else and stays small; every other page (job detail, API Playground, settings) the full
/// bundle (`<output-name>-full`, whose hashes are in `<output-name>-full.hash.txt`).
#[cfg(feature = "ssr")]
fn bundle_for_page(mut options: LeptosOptions) -> LeptosOptions {
    let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_string());
    if path.is_some_and(|p| !matches!(p.as_str(), "/" | "/sign-in")) {
        let full = format!("{}-full", options.output_name);
        let dir = std::path::Path::new(&*options.hash_file).parent();
        if let (true, Some(dir)) = (options.hash_files, dir) {
            let hash_file = dir.join(format!("{full}.hash.txt"));
            options.hash_file = hash_file.display().to_string().into();
        }
        options.output_name = full.into();
    }
    options
}

/// `/pkg/<output-name>.<hash>.css` when the build hashed the asset names (the `css:` line
/// of the hash file, read on every page like Leptos reads its `js:` and `wasm:` lines, so a
/// rebuild needs no restart), else `/pkg/<output-name>.css`.
fn stylesheet_href(options: &LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    let hash = options
        .hash_files
        .then(|| std::fs::read_to_string(&*options.hash_file).ok())
        .flatten()
        .and_then(|text| {
            text.lines().find_map(|line| match line.split_once(':') {
                Some((key, hash)) if key.trim() == "css" => Some(hash.trim().to_string()),
                _ => None,
            })
        });
    #[cfg(not(feature = "ssr"))]
    let hash = None::<String>;
    let (pkg, name) = (&options.site_pkg_dir, &options.output_name);
    match hash {
        Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
        None => format!("/{pkg}/{name}.css"),
    }
}

/// Pages may run only our own script and WASM: the inline hydration script carries this
/// response's nonce, everything else must come from this origin.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// True once the WASM app runs in the browser: local times and other browser-only text
/// switch on then, after hydration, so server and client render the same first HTML.
#[derive(Clone, Copy)]
pub struct Hydrated(pub ReadSignal<bool>);

/// The routes. Pages that need the signed-in account render only once their data is in
/// (`SsrMode::Async`), so a signed-out visitor gets a real redirect, not a flash.
#[component]
pub fn App() -> impl IntoView {
    let (hydrated, set_hydrated) = signal(false);
    provide_context(Hydrated(hydrated));
    // Effects run only in the browser: this marks the page live for users' tools and tests.
    Effect::new(move |_| {
        set_hydrated.set(true);
        browser::set_body_attribute("data-hydrated", "true");
    });
    view! { <Router>{routes()}</Router> }
}

/// Every page: what the server renders, and what the full bundle hydrates.
#[cfg(feature = "full")]
fn routes() -> impl IntoView {
    view! {
        <Routes fallback=|| SyncHydrated(view! { <pages::NotFound/> })>
            <Route path=StaticSegment("") view=|| SyncHydrated(view! { <pages::Dashboard/> }) ssr=SsrMode::Async/>
            <Route path=StaticSegment("sign-in") view=|| SyncHydrated(view! { <pages::SignIn/> })/>
            <Route path=StaticSegment("playground") view=|| SyncHydrated(view! { <pages::Playground/> })/>
            <Route path=StaticSegment("settings") view=|| SyncHydrated(view! { <pages::Settings/> }) ssr=SsrMode::Async/>
            <Route
                path=(StaticSegment("jobs"), ParamSegment("id"))
                view=|| SyncHydrated(view! { <pages::JobDetailPage/> })
                ssr=SsrMode::Async
            />
        </Routes>
    }
}

/// The dashboard's bundle is sent only with the dashboard and sign-in, so it routes only
/// those two; any other path reached without a page load (Back, a redirect) is reloaded,
/// and the server sends it with the full bundle. Each route costs the bundle its matching
/// and rendering code.
#[cfg(not(feature = "full"))]
fn routes() -> impl IntoView {
    view! {
        <Routes fallback=|| SyncHydrated(view! { <pages::Elsewhere/> })>
            <Route path=StaticSegment("") view=|| SyncHydrated(view! { <pages::Dashboard/> }) ssr=SsrMode::Async/>
            <Route path=StaticSegment("sign-in") view=|| SyncHydrated(view! { <pages::SignIn/> })/>
        </Routes>
    }
}
