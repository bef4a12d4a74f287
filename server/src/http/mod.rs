//! The HTTP surface: REST API, downloads, CSV export, sign-in, health, and the Leptos
//! pages and server functions.

mod assets;
pub mod auth;
mod editor;
pub mod error;
mod export;
mod files;
pub(crate) mod jobs;
pub mod openapi;
mod profiles;
mod rate_limit;
mod webhooks;

use crate::config::Config;
use crate::service::Service;
use app::port::SharedJobService;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::{Arc, OnceLock};
use tower_http::compression::CompressionLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// How source URLs are fetched on this server.
    pub fn fetch_policy(&self) -> crate::remote::FetchPolicy {
        self.config.fetch_policy()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The page path that shares its URL with the API (`/jobs/{id}`).
const DETAIL_PATH: &str = "/jobs/{id}";

/// A browser navigating (HTML wanted, no API key) gets the page; anything else the JSON.
fn wants_page(headers: &HeaderMap) -> bool {
    let html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    html && !headers.contains_key("x-api-key") && !headers.contains_key(header::AUTHORIZATION)
}

/// Refuses state-changing requests that a browser says come from another site (forms,
/// fetches, server functions alike). Scripts and curl send neither header and pass; they
/// authenticate with an API key, which a browser never attaches on its own.
async fn same_origin_guard(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = request.headers();
    let cross_site = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => match (headers.get(header::ORIGIN), headers.get(header::HOST)) {
            (Some(origin), Some(host)) => {
                let origin = origin.to_str().unwrap_or("");
                origin.split_once("://").map(|(_, h)| h) != host.to_str().ok()
            }
            _ => false,
        },
    };
    if !safe && cross_site {
        return error::AppError::Forbidden(
            "this request came from another site and was refused; use the ccjobs dashboard itself, or the API with a key".into(),
        )
        .into_response();
    }
    next.run(request).await
}

/// Headers every response carries. Pages set their own Content-Security-Policy (with the
/// nonce of their inline hydration script); everything else gets one that allows nothing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'",
        ));
    response
}

/// The app's routes, generated once per process. Generating them raises a process-wide
/// flag that holds back resource loading (leptos_router's `SuppressResourceLoad`); a page
/// render whose first resource load starts meanwhile waits forever (leptos issue #4773).
/// Several instances in one process (the tests) would otherwise generate while others
/// render; one generation, before any router exists, keeps that window closed.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// The REST routes, with their paths recorded as they are added: the OpenAPI test checks
/// the document against exactly what the router serves.
#[derive(Default)]
struct Rest {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Rest {
    fn route(mut self, path: &'static str, methods: axum::routing::MethodRouter<AppState>) -> Self {
        self.paths.push(path);
        self.router = self.router.route(path, methods);
        self
    }
}

pub fn router(state: AppState) -> Router {
    router_and_rest_paths(state).0
}

/// The router, and the paths of its REST routes (pages, assets and server functions aside).
pub fn router_and_rest_paths(state: AppState) -> (Router, Vec<&'static str>) {
    let port: SharedJobService = state.service.clone();
    let context = move || provide_context(port.clone());
    let options = state.leptos_options.clone();
    let app_shell = move || app::shell(options.clone());
    let (detail, pages): (Vec<_>, Vec<_>) = route_list().into_iter().partition(|r| r.path() == DETAIL_PATH);
    let detail_page = leptos_axum::render_route_with_context(detail, context.clone(), app_shell.clone());

    let job_by_id = get(move |state: State<AppState>, request: Request<Body>| {
        let detail_page = detail_page.clone();
        async move {
            if wants_page(request.headers()) {
                detail_page(state, request).await
            } else {
                jobs::get_job_json(state, request).await
            }
        }
    })
    .delete(jobs::delete_job);

    let rest = Rest::default()
        .route(
            "/jobs",
            post(jobs::submit_job)
                .get(jobs::list_jobs)
                .delete(jobs::delete_jobs),
        )
        .route("/jobs.csv", get(export::export_csv))
        .route(DETAIL_PATH, job_by_id)
        .route("/jobs/{id}/retry", post(jobs::retry_job))
        .route("/jobs/{id}/webhook", get(webhooks::log))
        .route("/jobs/{id}/webhook/redeliver", post(webhooks::redeliver))
        .route("/jobs/{id}/files/{kind}", get(files::download))
        .route("/jobs/{id}/editor", get(editor::open_in_editor))
        .route("/download/{id}/{kind}", get(editor::signed_download))
        .route("/account/webhook-secret", get(webhooks::secret))
        .route("/account/webhook-secret/rotate", post(webhooks::rotate))
        .route("/profiles", get(profiles::list_profiles))
        .route("/openapi.json", get(openapi::serve))
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/auth/sign-in", post(auth::sign_in_with_key))
        .route("/auth/link", post(auth::sign_in_with_link))
        .route("/auth/sign-out", post(auth::sign_out));
    let rest_paths = rest.paths;
    let api = rest
        .router
        // Multipart bodies up to the configured limit, plus room for the config field.
        .layer(DefaultBodyLimit::max(state.config.max_upload_bytes));
    // Built assets: hashed names, precompressed at build time (scripts/lib.sh).
    let pkg =
        std::path::Path::new(&*state.leptos_options.site_root).join(&*state.leptos_options.site_pkg_dir);
    let router = Router::new()
        .merge(api)
        .nest("/pkg", assets::pkg_service(&pkg))
        .leptos_routes_with_context(&state, pages, context, app_shell)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(middleware::from_fn(assets::page_cache_control))
        .layer(middleware::from_fn(same_origin_guard))
        .layer(middleware::from_fn_with_state(
            rate_limit::RateLimiter::new(&state.config.limits),
            rate_limit::limit,
        ))
        .layer(middleware::from_fn(security_headers))
        // Brotli or gzip for whatever the client accepts: the WASM bundle shrinks ~3x.
        .layer(CompressionLayer::new())
        .with_state(state);
    (router, rest_paths)
}
