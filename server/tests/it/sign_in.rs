//! Sign-in, sessions and sign-out; the dashboard rendered through a real listener.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

fn form(uri: &str, body: String) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request")
}

fn cookie_of(headers: &axum::http::HeaderMap) -> String {
    let set = headers[header::SET_COOKIE].to_str().expect("ascii").to_string();
    set.split(';').next().expect("pair").to_string()
}

#[tokio::test]
async fn an_api_key_signs_in_with_a_safe_cookie_and_sign_out_ends_the_session() {
    let app = TestApp::start(0).await;
    let (status, headers, _) = app
        .send(form(
            "/auth/sign-in",
            format!("api_key={}&next=%2F%3Fstatus%3Dfailed", app.key),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/?status=failed");
    let set = headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"), "{set}");
    let cookie = cookie_of(&headers);

    let with_cookie = |method: &str, uri: &str| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(app.json(with_cookie("GET", "/jobs")).await.0, StatusCode::OK);

    // A cookie-authenticated change from another site is refused.
    let (_, job) = app
        .submit(&app.key, CONVERT, Some(("a.srt", SRT.as_bytes())))
        .await;
    let id = job["id"].as_str().expect("id");
    let mut cross = with_cookie("DELETE", &format!("/jobs/{id}"));
    cross
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().expect("value"));
    assert_eq!(app.json(cross).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&app.key, &format!("/jobs/{id}")).await.0,
        StatusCode::OK,
        "not deleted"
    );

    let (status, headers, _) = app.send(with_cookie("POST", "/auth/sign-out")).await;
    assert_eq!(
        (status, headers[header::LOCATION].to_str().ok()),
        (StatusCode::SEE_OTHER, Some("/sign-in"))
    );
    assert_eq!(
        app.json(with_cookie("GET", "/jobs")).await.0,
        StatusCode::UNAUTHORIZED,
        "session ended server-side"
    );
}

#[tokio::test]
async fn a_wrong_key_or_a_spent_link_returns_to_sign_in_with_a_message() {
    let app = TestApp::start(0).await;
    let (status, headers, _) = app
        .send(form(
            "/auth/sign-in",
            "api_key=ccj_nope&next=https%3A%2F%2Fevil.example".into(),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().expect("ascii");
    assert!(
        location.starts_with("/sign-in?error=That+API+key+is+not+valid"),
        "{location}"
    );
    assert!(
        location.ends_with("next=%2F"),
        "never redirect off-site: {location}"
    );
    assert!(!headers.contains_key(header::SET_COOKIE));

    let service = &app.instance.state.service;
    let token = service
        .create_sign_in_link(app.account("alice").await)
        .await
        .expect("link");
    let (status, headers, _) = app.send(form("/auth/link", format!("token={token}"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers.contains_key(header::SET_COOKIE));
    let (_, headers, _) = app.send(form("/auth/link", format!("token={token}"))).await;
    assert!(headers[header::LOCATION]
        .to_str()
        .expect("ascii")
        .contains("already+been+used"));
    assert!(!headers.contains_key(header::SET_COOKIE), "a link signs in once");
}

#[tokio::test]
async fn the_dashboard_renders_the_accounts_jobs_over_a_real_port() {
    let app = TestApp::start(1).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = app.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // Submit exactly as the README's curl does.
    let form = reqwest::multipart::Form::new().text("config", CONVERT).part(
        "source",
        reqwest::multipart::Part::bytes(SRT.as_bytes().to_vec()).file_name("in.srt"),
    );
    let job: serde_json::Value = client
        .post(format!("{base}/jobs"))
        .header("x-api-key", &app.key)
        .multipart(form)
        .send()
        .await
        .expect("submit")
        .json()
        .await
        .expect("json");
    let id = job["id"].as_str().expect("id").to_string();
    app.wait_for_end(&app.key, &id).await;

    let signed_out = client
        .get(&base)
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(signed_out.status(), StatusCode::FOUND);
    assert_eq!(signed_out.headers()[header::LOCATION], "/sign-in?next=%2F");

    let sign_in = client
        .post(format!("{base}/auth/sign-in"))
        .form(&[("api_key", app.key.as_str())])
        .send()
        .await
        .expect("sign in");
    let cookie = cookie_of(sign_in.headers());
    let page = client
        .get(&base)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    for heading in [
        "Job ID",
        "Submitted",
        "Type",
        "Source profile",
        "Target profile",
        "Frame rate",
        "Status",
        "Error",
    ] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{heading}</th>")),
            "missing column {heading}"
        );
    }
    assert!(html.contains(&id), "the job's row is rendered");
    assert!(html.contains(">passed</span>"));
    assert!(
        html.contains("/pkg/ccjobs.wasm"),
        "the page loads the WASM bundle for hydration"
    );
}
