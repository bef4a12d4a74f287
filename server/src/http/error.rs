//! One error type for every REST route: an HTTP status and one JSON envelope,
//! `{"error": {"code": "...", "message": "..."}}`. A 5xx says "internal error" with a
//! request id; the cause goes to the log only.

use crate::service::ServiceError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::RngCore;
use serde_json::json;

#[derive(Debug)]
pub enum AppError {
    BadRequest { code: &'static str, message: String },
    Unauthorized(String),
    Forbidden(String),
    NotFound(String),
    PayloadTooLarge(String),
    TooManyRequests(String),
    Conflict { code: &'static str, message: String },
    Internal(String),
}

/// A short random id that ties a client's error to the server's log line.
pub fn request_id() -> String {
    let mut bytes = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// Logs the cause under a new request id; the client sees only the id.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let id = request_id();
        tracing::error!(request_id = %id, error = %cause, "internal error");
        AppError::Internal(id)
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid { code, message } => AppError::BadRequest { code, message },
            e @ ServiceError::NotFound(_) => AppError::NotFound(e.to_string()),
            ServiceError::Conflict { code, message } => AppError::Conflict { code, message },
            ServiceError::Store(cause) => AppError::internal(cause),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            AppError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            AppError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "unauthorized", m),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m),
            AppError::PayloadTooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", m),
            AppError::Conflict { code, message } => (StatusCode::CONFLICT, code, message),
            AppError::TooManyRequests(m) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", m),
            AppError::Internal(id) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!(
                    "internal error (request id {id}); try again, and quote the request id if it persists"
                ),
            ),
        };
        (
            status,
            Json(json!({ "error": { "code": code, "message": message } })),
        )
            .into_response()
    }
}
