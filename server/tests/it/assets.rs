//! The built assets: pages name them by content hash, and they are served precompressed
//! and cached for a year, while pages are revalidated. The site here is laid out as
//! `make build` lays it out (scripts/lib.sh), with small stand-in files.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::path::Path;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const CSS_HASH: &str = "c0ffee00c0ffee00";

/// One bundle's script and WASM (each with a `.br`) and its hash file.
fn write_bundle(pkg: &Path, name: &str, js_hash: &str, wasm_hash: &str) {
    for (file, content) in [
        (format!("{name}.{js_hash}.js"), "export default function () {}"),
        (format!("{name}.{wasm_hash}.wasm"), "\0asm"),
    ] {
        std::fs::write(pkg.join(&file), content).expect("asset");
        std::fs::write(pkg.join(format!("{file}.br")), format!("br:{content}")).expect("br");
    }
    std::fs::write(
        pkg.join(format!("{name}.hash.txt")),
        format!("js: {js_hash}\nwasm: {wasm_hash}\ncss: {CSS_HASH}\n"),
    )
    .expect("hash file");
}

fn site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    write_bundle(&pkg, "ccjobs", "1111111111111111", "2222222222222222");
    write_bundle(&pkg, "ccjobs-full", "3333333333333333", "4444444444444444");
    let css = format!("ccjobs.{CSS_HASH}.css");
    std::fs::write(pkg.join(&css), "body {}").expect("css");
    std::fs::write(pkg.join(format!("{css}.br")), "br:body {}").expect("css br");
    std::fs::write(
        root.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("favicon");
}

/// Every `/pkg/…` URL in a page's links.
fn pkg_urls(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|url| url.starts_with("/pkg/"))
        .map(str::to_string)
        .collect()
}

fn page(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn pages_name_hashed_assets_served_brotli_for_a_year_and_are_revalidated_themselves() {
    let root = tempfile::tempdir().expect("site");
    site(root.path());
    let app = TestApp::start_with(1, |c| c.site_root = root.path().to_path_buf()).await;
    let cookie = app.session_cookie().await;

    let (status, headers, body) = app.send(page("/", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    let urls = pkg_urls(&String::from_utf8(body).expect("utf-8"));
    assert_eq!(
        urls,
        [
            format!("/pkg/ccjobs.{CSS_HASH}.css"),
            "/pkg/ccjobs.1111111111111111.js".to_string(),
            "/pkg/ccjobs.2222222222222222.wasm".to_string(),
        ],
        "the dashboard's stylesheet, script and WASM, by their hashed names"
    );
    for url in &urls {
        let request = Request::get(url)
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
            .body(Body::empty())
            .expect("request");
        let (status, headers, body) = app.send(request).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(headers[header::CONTENT_ENCODING], "br", "{url}");
        assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE, "{url}");
        assert_eq!(headers[header::VARY], "accept-encoding", "{url}");
        assert!(body.starts_with(b"br:"), "{url}: the precompressed file");
    }

    // The other pages load the full bundle, named by its own hashes.
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;
    let (status, headers, body) = app.send(page(&format!("/jobs/{id}"), &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    let html = String::from_utf8(body).expect("utf-8");
    assert!(
        html.contains("/pkg/ccjobs-full.3333333333333333.js")
            && html.contains("/pkg/ccjobs-full.4444444444444444.wasm"),
        "{:?}",
        pkg_urls(&html)
    );
}

#[tokio::test]
async fn only_existing_hashed_assets_are_cached_and_public_files_still_serve() {
    let root = tempfile::tempdir().expect("site");
    site(root.path());
    let app = TestApp::start_with(0, |c| c.site_root = root.path().to_path_buf()).await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");

    let (status, headers, body) = app.send(get("/pkg/ccjobs.2222222222222222.wasm")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
    assert_eq!(body, b"\0asm", "no brotli for a client that does not ask for it");

    let (status, headers, _) = app.send(get("/pkg/ccjobs.0000000000000000.wasm")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!headers.contains_key(header::CACHE_CONTROL), "a miss is not kept");

    let (status, headers, _) = app.send(get("/pkg/ccjobs.hash.txt")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "no-cache",
        "unhashed names are revalidated"
    );

    let (status, _, body) = app.send(get("/favicon.svg")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.starts_with(b"<svg"));
}
