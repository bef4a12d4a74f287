//! The CLI's HTTP client: the REST API over reqwest, errors turned into what a user can act on.

use super::CliError;
use app::model::{Job, WebhookLog};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A ccjobs server and the API key to use with it.
pub struct Client {
    http: reqwest::Client,
    base: String,
    key: Option<String>,
}

/// A file to submit: its name and bytes.
pub struct Source {
    pub name: String,
    pub data: Vec<u8>,
}

impl Client {
    pub fn new(server: &str, key: Option<String>) -> Result<Self, CliError> {
        let base = server.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(CliError::Usage(format!(
                "--server {server:?} is not an http:// or https:// address; for example http://127.0.0.1:3000"
            )));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("ccjobs-cli/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| CliError::Server(format!("cannot set up HTTP: {e}")))?;
        Ok(Self { http, base, key })
    }

    fn request(&self, method: Method, path: &str) -> Result<RequestBuilder, CliError> {
        let key = self.key.as_deref().filter(|k| !k.trim().is_empty()).ok_or_else(|| {
            CliError::Server(
                "no API key: pass --api-key or set CCJOBS_API_KEY (the server printed one when it first started; `ccjobs account keys create NAME` makes another)".into(),
            )
        })?;
        Ok(self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-api-key", key.trim())
            .header(reqwest::header::ACCEPT, "application/json"))
    }

    async fn send(&self, request: RequestBuilder) -> Result<Response, CliError> {
        let response = request.send().await.map_err(|e| self.unreachable(e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.refusal(response).await)
    }

    fn unreachable(&self, e: reqwest::Error) -> CliError {
        let cause = crate::remote::root_cause(&e);
        CliError::Server(format!(
            "cannot reach the ccjobs server at {} ({cause}); check that it runs (`ccjobs serve`) and that --server / CCJOBS_URL points at it",
            self.base
        ))
    }

    /// The server's own message for a refused request, with the exit code it deserves.
    async fn refusal(&self, response: Response) -> CliError {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
            .unwrap_or_else(|| format!("HTTP {status}: {}", body.chars().take(300).collect::<String>()));
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => CliError::Server(format!(
                "the server at {} refused the API key: {message}",
                self.base
            )),
            s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => CliError::Server(message),
            _ => CliError::Usage(message),
        }
    }

    async fn json<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T, CliError> {
        let response = self.send(request).await?;
        response.json().await.map_err(|e| {
            CliError::Server(format!(
                "the server's answer was not the JSON expected ({e}); is --server a ccjobs server?"
            ))
        })
    }

    pub async fn submit(&self, config: &str, source: Option<Source>) -> Result<Job, CliError> {
        let mut form = reqwest::multipart::Form::new().text("config", config.to_string());
        if let Some(source) = source {
            form = form.part(
                "source",
                reqwest::multipart::Part::bytes(source.data).file_name(source.name),
            );
        }
        let request = self
            .request(Method::POST, "/jobs")?
            .header(crate::http::jobs::SOURCE_HEADER, "cli")
            .multipart(form);
        self.json(request).await
    }

    pub async fn job(&self, id: &str) -> Result<Job, CliError> {
        self.json(self.request(Method::GET, &format!("/jobs/{}", encode(id)))?)
            .await
    }

    pub async fn job_json(&self, id: &str) -> Result<Value, CliError> {
        self.json(self.request(Method::GET, &format!("/jobs/{}", encode(id)))?)
            .await
    }

    pub async fn list(&self, query: &str) -> Result<Value, CliError> {
        self.json(self.request(Method::GET, &format!("/jobs?{query}"))?)
            .await
    }

    pub async fn retry(&self, id: &str) -> Result<Job, CliError> {
        self.json(self.request(Method::POST, &format!("/jobs/{}/retry", encode(id)))?)
            .await
    }

    pub async fn webhook_log(&self, id: &str) -> Result<WebhookLog, CliError> {
        self.json(self.request(Method::GET, &format!("/jobs/{}/webhook", encode(id)))?)
            .await
    }

    pub async fn redeliver(&self, id: &str) -> Result<WebhookLog, CliError> {
        self.json(self.request(Method::POST, &format!("/jobs/{}/webhook/redeliver", encode(id)))?)
            .await
    }

    /// The account's webhook secret; a new one first with `rotate`.
    pub async fn webhook_secret(&self, rotate: bool) -> Result<Value, CliError> {
        let request = match rotate {
            true => self.request(Method::POST, "/account/webhook-secret/rotate")?,
            false => self.request(Method::GET, "/account/webhook-secret")?,
        };
        self.json(request).await
    }

    pub async fn delete(&self, id: &str) -> Result<(), CliError> {
        self.send(self.request(Method::DELETE, &format!("/jobs/{}", encode(id)))?)
            .await
            .map(drop)
    }

    /// A job's file (`source`, `target` or `response`), as a response to stream.
    pub async fn file(&self, id: &str, kind: &str) -> Result<Response, CliError> {
        self.send(self.request(Method::GET, &format!("/jobs/{}/files/{kind}", encode(id)))?)
            .await
    }

    pub async fn export(&self, query: &str) -> Result<Response, CliError> {
        self.send(self.request(Method::GET, &format!("/jobs.csv?{query}"))?)
            .await
    }

    /// `GET /profiles` needs no key.
    pub async fn profiles(&self) -> Result<Value, CliError> {
        let request = self.http.get(format!("{}/profiles", self.base));
        self.json(request).await
    }

    /// Downloads a URL given as the source (on this machine, not the server's).
    pub async fn download_source(&self, url: &str) -> Result<Source, CliError> {
        let response = self.http.get(url).send().await.map_err(|e| {
            CliError::Usage(format!(
                "cannot download {url} ({e}); check the address, or download it and pass the file"
            ))
        })?;
        let status = response.status();
        if !status.is_success() {
            return Err(CliError::Usage(format!(
                "downloading {url} was refused (HTTP {status}); check the address (a pre-signed URL may have expired)"
            )));
        }
        let name = response
            .url()
            .path_segments()
            .and_then(|mut s| s.next_back().map(str::to_string))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "source".to_string());
        let data = response
            .bytes()
            .await
            .map_err(|e| CliError::Usage(format!("downloading {url} broke off ({e}); try again")))?
            .to_vec();
        Ok(Source { name, data })
    }
}

/// A job ID as one path segment: whatever the user typed cannot add segments.
fn encode(id: &str) -> String {
    form_urlencoded::byte_serialize(id.trim().as_bytes()).collect()
}
