//! Requests per minute, per API key (or session) and per client IP: a token bucket each,
//! in memory, per server instance. Beyond the limit: 429 with `Retry-After`.
//!
//! Behind a reverse proxy every request comes from the proxy's address, so the per-IP
//! limit then applies to all clients together; set CCJOBS_RATE_PER_IP=0 there and let the
//! proxy limit by client.

use super::error::AppError;
use crate::config::Limits;
use crate::tokens::hash_token;
use app::api::ssr::session_token;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter {
    per_key: u32,
    per_ip: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(limits: &Limits) -> Arc<Self> {
        Arc::new(Self {
            per_key: limits.requests_per_minute_per_key,
            per_ip: limits.requests_per_minute_per_ip,
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// Takes one request from `who`'s bucket, or says how many seconds until one is free.
    fn take(&self, who: String, per_minute: u32, now: Instant) -> Result<(), u64> {
        if per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > 50_000 {
            // Buckets idle for two minutes are full again: forgetting them changes nothing.
            buckets.retain(|_, b| now.duration_since(b.updated) < Duration::from_secs(120));
        }
        let bucket = buckets.entry(who).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

fn too_many(retry_after: u64, whose: &str, limit: u32, setting: &str) -> Response {
    let message = format!(
        "too many requests from this {whose}: the limit is {limit} per minute (setting {setting}); try again in {retry_after} s"
    );
    let mut response = AppError::TooManyRequests(message).into_response();
    if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

pub async fn limit(State(limiter): State<Arc<RateLimiter>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/health" {
        return next.run(request).await;
    }
    let now = Instant::now();
    let headers = request.headers();
    let credential = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .or_else(|| headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()))
        .or_else(|| session_token(headers));
    if let Some(credential) = credential {
        // Keyed by hash: the limiter never holds a usable secret.
        if let Err(after) = limiter.take(format!("key:{}", hash_token(credential)), limiter.per_key, now) {
            return too_many(after, "API key", limiter.per_key, "CCJOBS_RATE_PER_KEY");
        }
    }
    if let Some(ConnectInfo(address)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        if let Err(after) = limiter.take(format!("ip:{}", address.ip()), limiter.per_ip, now) {
            return too_many(after, "address", limiter.per_ip, "CCJOBS_RATE_PER_IP");
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_refills_with_time() {
        let limits = Limits {
            requests_per_minute_per_key: 2,
            ..Limits::DEFAULT
        };
        let limiter = RateLimiter::new(&limits);
        let t0 = Instant::now();
        assert_eq!(limiter.take("a".into(), 2, t0), Ok(()));
        assert_eq!(limiter.take("a".into(), 2, t0), Ok(()));
        assert_eq!(limiter.take("a".into(), 2, t0), Err(30));
        assert_eq!(limiter.take("b".into(), 2, t0), Ok(()), "buckets are separate");
        assert_eq!(limiter.take("a".into(), 2, t0 + Duration::from_secs(30)), Ok(()));
        assert_eq!(limiter.take("a".into(), 0, t0), Ok(()), "0 means no limit");
    }
}
