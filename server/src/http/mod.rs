//! The HTTP surface: REST API, sign-in, health, and the Leptos pages and server functions.

pub mod auth;
pub mod error;
mod files;
mod jobs;

use crate::config::Config;
use crate::service::Service;
use app::port::SharedJobService;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

pub fn router(state: AppState) -> Router {
    let port: SharedJobService = state.service.clone();
    let routes = generate_route_list(app::App);
    let api = Router::new()
        .route(
            "/jobs",
            post(jobs::submit_job)
                .get(jobs::list_jobs)
                .delete(jobs::delete_jobs),
        )
        .route("/jobs/{id}", get(jobs::get_job).delete(jobs::delete_job))
        .route("/jobs/{id}/retry", post(jobs::retry_job))
        .route("/jobs/{id}/files/{kind}", get(files::download))
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({ "status": "ok" })) }),
        )
        .route("/auth/sign-in", post(auth::sign_in_with_key))
        .route("/auth/link", post(auth::sign_in_with_link))
        .route("/auth/sign-out", post(auth::sign_out))
        // Multipart bodies up to the configured limit, plus room for the config field.
        .layer(DefaultBodyLimit::max(state.config.max_upload_bytes));
    let options = state.leptos_options.clone();
    Router::new()
        .merge(api)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(port.clone()),
            move || app::shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .with_state(state)
}
