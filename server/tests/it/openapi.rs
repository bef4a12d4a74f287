//! `GET /openapi.json` describes exactly what the router serves.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn schema_properties(doc: &Value, name: &str) -> BTreeSet<String> {
    keys(&doc["components"]["schemas"][name]["properties"])
}

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_route_is_described_with_its_methods_and_nothing_else() {
    let app = TestApp::start(0).await;
    let (status, doc) = app
        .json(
            Request::get("/openapi.json")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "public, no key needed");
    assert_eq!(doc["openapi"], "3.1.0");

    let (router, served) = ccjobs::http::router_and_rest_paths(app.instance.state.clone());
    let served: BTreeSet<String> = served.iter().map(|p| p.to_string()).collect();
    let described = keys(&doc["paths"]);
    assert_eq!(
        served.difference(&described).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "routes the document does not describe"
    );
    assert_eq!(
        described.difference(&served).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "described routes the router does not serve"
    );

    // The router's 405 answer lists the methods it serves on a path; the document must
    // list the same ones.
    for path in &served {
        let uri = path
            .replace("{id}", "0193a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b")
            .replace("{kind}", "source");
        let response = tower::ServiceExt::oneshot(
            router.clone(),
            Request::builder()
                .method("PUT")
                .uri(&uri)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{path}: no route serves PUT"
        );
        let allow = response
            .headers()
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let served_methods: BTreeSet<String> = allow
            .split(',')
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| !m.is_empty() && m != "head")
            .collect();
        let described_methods: BTreeSet<String> = keys(&doc["paths"][path])
            .into_iter()
            .filter(|k| METHODS.contains(&k.as_str()))
            .collect();
        assert_eq!(served_methods, described_methods, "{path}");
    }

    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").expect("local schema ref");
        assert!(doc["components"]["schemas"][name].is_object(), "{r} resolves");
    }
}

#[tokio::test]
async fn real_answers_have_exactly_the_described_properties() {
    let app = TestApp::start(1).await;
    let (_, doc) = app
        .json(
            Request::get("/openapi.json")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let (status, job) = app
        .submit(&app.key, CONVERT, Some(("episode.srt", SRT.as_bytes())))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(keys(&job), schema_properties(&doc, "Job"), "POST /jobs");
    let id = job["id"].as_str().expect("id");
    let job = app.wait_for_end(&app.key, id).await;
    assert_eq!(keys(&job), schema_properties(&doc, "Job"), "GET /jobs/{{id}}");

    let (_, page) = app.get(&app.key, "/jobs").await;
    assert_eq!(keys(&page), schema_properties(&doc, "JobPage"));
    assert_eq!(keys(&page["jobs"][0]), schema_properties(&doc, "JobSummary"));

    let (_, profiles) = app.get(&app.key, "/profiles").await;
    assert_eq!(keys(&profiles), schema_properties(&doc, "Profiles"));
    assert_eq!(
        keys(&profiles["profiles"][0]),
        keys(&doc["components"]["schemas"]["Profiles"]["properties"]["profiles"]["items"]["properties"])
    );

    let (_, secret) = app.get(&app.key, "/account/webhook-secret").await;
    assert_eq!(keys(&secret), schema_properties(&doc, "WebhookSecret"));

    let (status, error) = app.get("ccj_not_a_key", "/jobs").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(keys(&error), schema_properties(&doc, "Error"));
    assert_eq!(
        keys(&error["error"]),
        keys(&doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"])
    );
}
