//! The built assets under /pkg, and how long browsers keep them and the pages.
//!
//! `make build` names each script, WASM bundle and stylesheet by a hash of its content
//! (`ccjobs.3f9a1c2b5e7d0a41.wasm`, scripts/lib.sh) and precompresses it (`.br`, `.gz`).
//! A hashed name never changes content, so browsers may keep it for a year without asking
//! again (`immutable`, RFC 8246); a new build has new names, and the pages that name them
//! are revalidated on every load. Files without a hash (a cargo-leptos build) are
//! revalidated too.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;

const A_YEAR_IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// Pages carry the signed-in account's data: no shared cache keeps them.
const PAGE: &str = "private, no-cache";

/// `/pkg`: the built assets, the precompressed file when the browser accepts it.
pub fn pkg_service<S: Clone + Send + Sync + 'static>(pkg_dir: &Path) -> Router<S> {
    let files = ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(asset_cache_control))
}

async fn asset_cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if matches!(
        response.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED
    ) {
        let headers = response.headers_mut();
        let policy = if hashed { A_YEAR_IMMUTABLE } else { REVALIDATE };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        // The body depends on Accept-Encoding (a .br, a .gz or the plain file), which a
        // shared cache must know; ServeDir does not say so itself.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// `<name>.<16 hex digits>.<js|wasm|css>`, as scripts/lib.sh names what it builds.
pub fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let mut parts = file.rsplitn(3, '.');
    let (ext, hash, stem) = (parts.next(), parts.next(), parts.next());
    matches!(ext, Some("js" | "wasm" | "css"))
        && hash.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        && stem.is_some_and(|s| !s.is_empty())
}

/// Pages are revalidated on every load: they name the current build's assets.
pub async fn page_cache_control(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(PAGE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        assert!(is_hashed_asset("/ccjobs.3f9a1c2b5e7d0a41.wasm"));
        assert!(is_hashed_asset("/ccjobs-full.3f9a1c2b5e7d0a41.js"));
        assert!(is_hashed_asset("/ccjobs.3f9a1c2b5e7d0a41.css"));
        for path in [
            "/ccjobs.wasm",
            "/ccjobs.css",
            "/ccjobs.hash.txt",
            "/.3f9a1c2b5e7d0a41.js",
            "/ccjobs.3f9a1c2b5e7d0a4.js",
            "/ccjobs.3f9a1c2b5e7d0a4z.js",
            "/ccjobs.3f9a1c2b5e7d0a41.wasm.br",
        ] {
            assert!(!is_hashed_asset(path), "{path}");
        }
    }
}
