//! The `ccjobs` server: REST API, dashboard (Leptos SSR), job engine and storage.
#![recursion_limit = "256"]

pub mod captions;
pub mod cli;
pub mod config;
pub mod engine;
pub mod fuzzing;
pub mod http;
pub mod remote;
pub mod service;
pub mod signing;
pub mod store;
pub mod tokens;
pub mod webhooks;

use crate::config::Config;
use crate::engine::Engine;
use crate::http::AppState;
use crate::service::Service;
use crate::store::Store;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// A running instance's parts, before it listens.
pub struct Instance {
    pub state: AppState,
    pub router: axum::Router,
}

/// Opens the store and builds the router. Does not start workers.
pub async fn build(config: Config) -> anyhow::Result<Instance> {
    let store = Store::open(&config.database_url).await?;
    let service = Arc::new(Service::open(store, config.limits.clone()).await?);
    let leptos_options = leptos_options(&config)?;
    let state = AppState {
        service,
        config: Arc::new(config),
        leptos_options,
    };
    let router = http::router(state.clone());
    Ok(Instance { state, router })
}

fn leptos_options(config: &Config) -> anyhow::Result<LeptosOptions> {
    let mut options = leptos::prelude::get_configuration(None)?.leptos_options;
    options.site_root = config.site_root.display().to_string().into();
    options.site_addr = config.bind;
    // `make build` names the assets by their content (/pkg/ccjobs.<hash>.wasm) and writes
    // the hashes to <name>.hash.txt beside them (scripts/lib.sh). Leptos reads that file
    // when it writes the hydration scripts, relative to the server binary unless the path
    // is absolute. Without it (cargo-leptos, or no build), the plain names are used.
    let hash_file = config
        .site_root
        .join(&*options.site_pkg_dir)
        .join(format!("{}.hash.txt", options.output_name));
    if hash_file.is_file() {
        options.hash_files = true;
        options.hash_file = std::path::absolute(&hash_file)?.display().to_string().into();
    }
    Ok(options)
}

/// Serves until `shutdown` resolves, then stops the workers after in-flight jobs end.
pub async fn serve(
    instance: Instance,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let service = instance.state.service.clone();
    let config = &instance.state.config;
    let engine = Engine::start(&service, config.workers, config);
    axum::serve(
        listener,
        instance
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    engine.shutdown().await;
    Ok(())
}

/// On first start with an empty database: an account, its API key and a sign-in link.
pub async fn bootstrap_account(instance: &Instance) -> anyhow::Result<Option<String>> {
    let service = &instance.state.service;
    if service.store().count_accounts().await? > 0 {
        return Ok(None);
    }
    let credentials = service.create_account("default").await?;
    Ok(Some(http::auth::credentials_banner(
        &credentials,
        &instance.state.config.public_url(),
    )))
}
