//! Who is calling. REST clients send an API key (`x-api-key`, or `Authorization: Bearer`);
//! the dashboard sends its session cookie. Sign-in and sign-out are plain form POSTs.

use super::error::AppError;
use super::AppState;
use crate::service::Credentials;
use app::api::ssr::{session_token, SESSION_COOKIE};
use app::model::AccountId;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

/// The authenticated account of a request.
pub struct Caller(pub AccountId);

const MISSING_KEY: &str = "this request has no API key; send it in the x-api-key header \
     (or Authorization: Bearer), or sign in to the dashboard";
const WRONG_KEY: &str = "the API key is not valid (mistyped, or revoked); check it, or create a new one";

fn api_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(key.trim());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(key) = api_key(&parts.headers) {
            return match state.service.account_for_api_key(key).await? {
                Some(account) => Ok(Caller(account)),
                None => Err(AppError::Unauthorized(WRONG_KEY.into())),
            };
        }
        let Some(token) = session_token(&parts.headers) else {
            return Err(AppError::Unauthorized(MISSING_KEY.into()));
        };
        let account = state
            .service
            .account_for_session(token)
            .await?
            .ok_or_else(|| AppError::Unauthorized("your session has ended; sign in again".into()))?;
        Ok(Caller(account))
    }
}

#[derive(Deserialize)]
pub struct KeyForm {
    api_key: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub struct LinkForm {
    token: String,
    #[serde(default)]
    next: String,
}

/// Only local paths: a sign-in must never redirect to another site.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn back_to_sign_in(message: &str, next: &str) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("error", message)
        .append_pair("next", safe_next(next))
        .finish();
    Redirect::to(&format!("/sign-in?{query}")).into_response()
}

fn session_cookie(state: &AppState, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie =
        format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn signed_in(state: &AppState, account: AccountId, next: &str) -> Result<Response, AppError> {
    let token = state.service.start_session(account).await?;
    let mut response = Redirect::to(safe_next(next)).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(state, &token, 7 * 24 * 3600));
    Ok(response)
}

pub async fn sign_in_with_key(
    State(state): State<AppState>,
    Form(form): Form<KeyForm>,
) -> Result<Response, AppError> {
    match state.service.account_for_api_key(&form.api_key).await? {
        Some(account) => signed_in(&state, account, &form.next).await,
        None => Ok(back_to_sign_in(
            "That API key is not valid (mistyped, or revoked). Paste the key the server printed, or create a new one.",
            &form.next,
        )),
    }
}

pub async fn sign_in_with_link(
    State(state): State<AppState>,
    Form(form): Form<LinkForm>,
) -> Result<Response, AppError> {
    match state.service.sign_in_with_link(&form.token).await? {
        Some(account) => signed_in(&state, account, &form.next).await,
        None => Ok(back_to_sign_in(
            "That sign-in link has already been used or has expired. Sign in with your API key, or run `ccjobs account link NAME` for a new link.",
            &form.next,
        )),
    }
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        state.service.end_session(token).await?;
    }
    let mut response = Redirect::to("/sign-in").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(response)
}

/// What the server prints for a new account: the key (once) and a sign-in link.
pub fn credentials_banner(credentials: &Credentials, public_url: &str) -> String {
    format!(
        "ccjobs: created account {name:?}.\n  API key (shown once; keep it safe): {key}\n  \
         Sign-in link (one-time, valid 24 hours): {public_url}/sign-in?token={token}\n",
        name = credentials.name,
        key = credentials.api_key,
        token = credentials.sign_in_token,
    )
}
