//! Webhook routes: the account's signing secret (view, rotate), and a job's delivery log
//! and redelivery.

use super::auth::Caller;
use super::error::AppError;
use super::jobs::parse_id;
use super::AppState;
use app::model::{WebhookLog, WebhookSecret};
use axum::extract::{Path, State};
use axum::response::Json;

/// `GET /account/webhook-secret`: the `whsec_…` secret that signs this account's webhooks.
pub async fn secret(
    State(state): State<AppState>,
    Caller(account): Caller,
) -> Result<Json<WebhookSecret>, AppError> {
    Ok(Json(state.service.webhook_secret(account).await?))
}

/// `POST /account/webhook-secret/rotate`: a new secret; the previous one also signs for a day.
pub async fn rotate(
    State(state): State<AppState>,
    Caller(account): Caller,
) -> Result<Json<WebhookSecret>, AppError> {
    Ok(Json(state.service.rotate_webhook_secret(account).await?))
}

/// `GET /jobs/{id}/webhook`: the job's delivery and every attempt.
pub async fn log(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> Result<Json<WebhookLog>, AppError> {
    let id = parse_id(&id)?;
    state.service.webhook_log(account, id).await?.map(Json).ok_or_else(|| {
        AppError::NotFound(format!(
            "job {id} has no webhook delivery: its Job Description names no webhook, or the job has not ended yet"
        ))
    })
}

/// `POST /jobs/{id}/webhook/redeliver`: sends the webhook again now.
pub async fn redeliver(
    State(state): State<AppState>,
    Caller(account): Caller,
    Path(id): Path<String>,
) -> Result<Json<WebhookLog>, AppError> {
    Ok(Json(
        state.service.redeliver_webhook(account, parse_id(&id)?).await?,
    ))
}
