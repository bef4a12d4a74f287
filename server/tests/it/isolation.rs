//! Account isolation, table-driven over every route and server function that takes a job
//! ID: with account B's credentials on account A's job, each answers "not found" and
//! changes nothing. A new route belongs in this table.

use crate::common::*;
use app::api::ApiError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::error::FromServerFnError;

/// Every REST route that takes a job ID, with each kind of file spelled out.
const REST: [(&str, &str); 10] = [
    ("GET", "/jobs/{id}"),
    ("GET", "/jobs/{id}/files/source"),
    ("GET", "/jobs/{id}/files/target"),
    ("GET", "/jobs/{id}/files/response"),
    ("GET", "/jobs/{id}/editor"),
    ("POST", "/jobs/{id}/retry"),
    ("GET", "/jobs/{id}/webhook"),
    ("POST", "/jobs/{id}/webhook/redeliver"),
    ("DELETE", "/jobs/{id}"),
    ("DELETE", "/jobs?id={id}"),
];

#[tokio::test]
async fn every_route_and_server_function_hides_other_accounts_jobs() {
    let app = TestApp::start(1).await;
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;

    let bob_key = app.new_key("bob").await;
    let bob_cookie = app.session_cookie_for("bob").await;

    for (method, template) in REST {
        let uri = template.replace("{id}", &id);
        for (name, value) in [("x-api-key", bob_key.clone()), ("cookie", bob_cookie.clone())] {
            let request = Request::builder()
                .method(method)
                .uri(&uri)
                .header(name, &value)
                .header("sec-fetch-site", "same-origin")
                .body(Body::empty())
                .expect("request");
            let (status, body) = app.json(request).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{method} {uri} with bob's {name}: {body}"
            );
        }
    }
    for function in [
        "get_job",
        "get_job_detail",
        "retry_job",
        "delete_job",
        "redeliver_webhook",
    ] {
        let request = Request::post(format!("/api/{function}"))
            .header(header::COOKIE, &bob_cookie)
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("id={id}")))
            .expect("request");
        let (status, _, body) = app.send(request).await;
        assert!(!status.is_success(), "{function}: {status}");
        // Decoded as the browser decodes it (server functions' errors are postcard).
        let error = ApiError::de(body.into());
        assert!(
            matches!(error, ApiError::NotFound(_)),
            "{function} answers not found: {error:?}"
        );
    }
    // Bob's lists and exports do not contain it either.
    let (_, list) = app.get(&bob_key, "/jobs").await;
    assert_eq!(list["total"], 0);
    let (_, _, csv) = app
        .send(
            Request::get("/jobs.csv")
                .header("x-api-key", &bob_key)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert!(!String::from_utf8_lossy(&csv).contains(&id));

    // And nothing changed for Alice.
    let (status, after) = app.get(&app.key, &format!("/jobs/{id}")).await;
    assert_eq!(
        (status, after["status"].as_str()),
        (StatusCode::OK, Some("passed"))
    );
    assert_eq!(
        app.get(&app.key, "/jobs").await.1["total"],
        1,
        "no retry was created"
    );
}

/// The router records its REST paths; each one that takes a job ID must be in [`REST`].
#[tokio::test]
async fn no_route_that_takes_a_job_id_is_left_out_of_the_table() {
    let app = TestApp::start(0).await;
    let (_, served) = ccjobs::http::router_and_rest_paths(app.instance.state.clone());
    let covered: Vec<String> = REST
        .iter()
        .map(|(_, t)| {
            t.split('?')
                .next()
                .unwrap_or(t)
                .replace("/files/source", "/files/{kind}")
        })
        .collect();
    // A signed download link carries no account: its signature is the credential
    // (tests/it/dashboard.rs checks forged and expired ones).
    let signed = "/download/{id}/{kind}";
    for path in served.iter().filter(|p| p.contains("{id}") && **p != signed) {
        assert!(
            covered.iter().any(|c| c == path),
            "{path} takes a job ID: add it to the isolation table (REST)"
        );
    }
}
