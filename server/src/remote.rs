//! Outbound HTTP, safely: fetching files from URLs, and the connections webhooks use.
//!
//! http and https only; the host is resolved here and every address checked (no loopback,
//! private, link-local — the cloud metadata address among them —, carrier-grade NAT,
//! multicast, unspecified, or IPv4-mapped forms of those), then the connection goes to the
//! address that was checked, so a second DNS answer cannot point it elsewhere. Redirects
//! are not followed. The size cap holds while the body streams in. Every refusal says
//! what happened and what to do.

use crate::service::Upload;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// How a fetch may go.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
    pub max_bytes: usize,
    /// Private and loopback addresses allowed (self-hosted setups, tests). Off by default.
    pub allow_private: bool,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
}

/// Why an outbound request did not succeed: the message says what happened and what to
/// do; `transient` when trying again later may work (timeouts, refused connections, a busy
/// or failing server), not when the URL itself is wrong or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundError {
    pub message: String,
    pub transient: bool,
}

impl OutboundError {
    fn permanent(message: String) -> Self {
        Self {
            message,
            transient: false,
        }
    }
}

impl std::fmt::Display for OutboundError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A client bound to the one checked address of `url`'s host: parses the URL (http and
/// https only), resolves the host, refuses internal addresses unless the policy allows
/// them, and pins the connection to the address that was checked. Redirects are not
/// followed. `what` names the URL in messages ("The source URL", "The webhook URL").
pub async fn checked_client(
    what: &str,
    url: &str,
    policy: &FetchPolicy,
) -> Result<(reqwest::Client, reqwest::Url), OutboundError> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| {
        OutboundError::permanent(format!(
            "{what} {url:?} is not a valid URL ({e}); give a full http:// or https:// address"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(OutboundError::permanent(format!(
            "{what} uses {}:, which ccjobs does not connect to; give an http:// or https:// address",
            parsed.scheme()
        )));
    }
    let host = parsed
        .host_str()
        .ok_or_else(|| {
            OutboundError::permanent(format!(
                "{what} has no host; give a full http:// or https:// address"
            ))
        })?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = tokio::time::timeout(
        policy.connect_timeout,
        tokio::net::lookup_host((host.as_str(), port)),
    )
    .await
    .map_err(|_| OutboundError {
        message: format!("{what}'s host {host} did not resolve in time; check the address and try again"),
        transient: true,
    })?
    .map_err(|_| {
        OutboundError::permanent(format!(
            "{what}'s host {host} could not be found (DNS); check the address for typos"
        ))
    })?
    .collect();
    let address = addresses
        .iter()
        .find(|a| policy.allow_private || is_public(a.ip()))
        .copied()
        .ok_or_else(|| {
            OutboundError::permanent(match addresses.first() {
                Some(a) => format!(
                    "{what} points at {}, an internal address ccjobs does not connect to; use a public URL (an administrator can allow private addresses with CCJOBS_ALLOW_PRIVATE_URLS)",
                    a.ip()
                ),
                None => format!("{what}'s host {host} has no address; check the URL"),
            })
        })?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(policy.connect_timeout)
        .timeout(policy.total_timeout)
        .resolve(&host, address)
        .user_agent(concat!("ccjobs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| OutboundError::permanent(format!("cannot set up the connection to {what} ({e})")))?;
    Ok((client, parsed))
}

/// Downloads the file at `url` (see [`checked_client`]); `what` names the URL in messages
/// ("The source URL", "The media_path URL").
pub async fn fetch(what: &str, url: &str, policy: &FetchPolicy) -> Result<Upload, OutboundError> {
    let (client, parsed) = checked_client(what, url, policy).await?;
    let mut response = client
        .get(parsed.clone())
        .send()
        .await
        .map_err(|e| transport(what, &e))?;
    let status = response.status();
    if status.is_redirection() {
        return Err(OutboundError::permanent(format!(
            "{what} answered with a redirect (HTTP {}), which ccjobs does not follow; give the final address of the file",
            status.as_u16()
        )));
    }
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(OutboundError {
            message: refused(what, status.as_u16(), &body),
            transient: status.as_u16() == 429 || status.is_server_error(),
        });
    }
    if let Some(kind) = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        if kind.trim_start().to_ascii_lowercase().starts_with("text/html") {
            return Err(OutboundError::permanent(format!(
                "{what} answered with a web page (text/html), not a caption or media file; use the file's direct download link"
            )));
        }
    }
    if response
        .content_length()
        .is_some_and(|n| n > policy.max_bytes as u64)
    {
        return Err(too_large(what, policy.max_bytes));
    }
    let mut data = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(what, &e))? {
        if data.len() + chunk.len() > policy.max_bytes {
            return Err(too_large(what, policy.max_bytes));
        }
        data.extend_from_slice(&chunk);
    }
    let name = parsed
        .path_segments()
        .and_then(|mut s| s.next_back().map(str::to_string))
        .filter(|n| !n.is_empty())
        .map(|n| percent_decode(&n))
        .unwrap_or_else(|| "source".to_string());
    Ok(Upload { name, data })
}

fn too_large(what: &str, max: usize) -> OutboundError {
    OutboundError::permanent(format!(
        "{what}'s file is larger than this server's limit of {} MB; split the file or ask the administrator to raise CCJOBS_MAX_UPLOAD_BYTES",
        max / (1024 * 1024)
    ))
}

/// The innermost cause of an error: the part that says what happened ("Connection
/// refused") under reqwest's "error sending request".
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// A request that got no HTTP answer. Always worth another try later.
pub fn transport(what: &str, e: &reqwest::Error) -> OutboundError {
    let cause = root_cause(e);
    let lower = cause.to_ascii_lowercase();
    let tls = [
        "certificate",
        "tls",
        "handshake",
        "invalidcontenttype",
        "corrupt message",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let message = if e.is_timeout() {
        format!("{what} did not answer in time; check that the server is up, or try again later")
    } else if tls {
        format!(
            "{what}'s secure (https) connection failed ({cause}); check that the server's certificate is valid for its name and not expired"
        )
    } else if e.is_connect() {
        format!("{what} could not be reached ({cause}); check the address and that the server accepts connections")
    } else {
        format!("the request to {what} failed ({cause}); check the server, or try again later")
    };
    OutboundError {
        message,
        transient: true,
    }
}

/// An HTTP refusal, with S3's error code and message when the body carries them.
fn refused(what: &str, status: u16, body: &str) -> String {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].trim().to_string())
    };
    let detail = match (tag("Code"), tag("Message")) {
        (Some(code), Some(message)) => format!(", {code}/{message}"),
        (Some(code), None) => format!(", {code}"),
        _ => String::new(),
    };
    let expired = body.contains("Request has expired") || body.contains("ExpiredToken");
    let advice = match status {
        403 if expired => "the pre-signed URL has probably expired; generate a new one",
        401 | 403 => "the URL needs permission ccjobs does not have; use a pre-signed or public URL",
        404 | 410 => "there is no file at that address; check the URL",
        429 => "the server is limiting requests; try again later",
        s if s >= 500 => "the server that holds the file failed; try again later",
        _ => "check the URL",
    };
    format!("{what} was refused (HTTP {status}{detail}): {advice}")
}

fn percent_decode(s: &str) -> String {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("n={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .unwrap_or_else(|| s.as_bytes().to_vec());
    String::from_utf8(bytes).unwrap_or_else(|_| s.to_string())
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    match value.parse::<u64>() {
        Ok(seconds) => Some(Duration::from_secs(seconds)),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(std::time::SystemTime::now())
            .ok(),
    }
}

/// True for addresses on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64 to IPv4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public(ip.parse().expect(ip)), "{ip} must be refused");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(ip.parse().expect(ip)), "{ip} is public");
        }
    }

    #[test]
    fn refusals_say_why_and_what_to_do() {
        let s3 = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        assert_eq!(
            refused("The source URL", 403, s3),
            "The source URL was refused (HTTP 403, AccessDenied/Request has expired): the pre-signed URL has probably expired; generate a new one"
        );
        assert!(refused("The source URL", 404, "").contains("no file at that address"));
    }

    #[test]
    fn names_are_decoded() {
        assert_eq!(percent_decode("episode%201.srt"), "episode 1.srt");
        assert_eq!(percent_decode("a+b.srt"), "a+b.srt");
    }
}
