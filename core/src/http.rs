//! One HTTP exchange with the OMI API: bearer token, one refresh-and-retry on 401, status
//! mapping to errors, retries of idempotent calls.

use std::sync::{Mutex, Once};
use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use tracing::debug;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::token::TokenSource;
use crate::wire;

/// A reqwest client that is rebuilt in a forked child: the parent's pooled connections belong
/// to a runtime whose threads the child does not have.
pub(crate) struct HttpClient {
    config: Config,
    inner: Mutex<(u32, reqwest::Client)>,
}

static TLS_PROVIDER: Once = Once::new();

fn build(config: &Config) -> Result<reqwest::Client> {
    // An application may have installed its own provider first; then that one is used.
    TLS_PROVIDER.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let mut b = reqwest::Client::builder()
        .user_agent(config.user_agent.clone())
        .timeout(config.request_timeout)
        .connect_timeout(config.connect_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = &config.ca_cert_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::Config(format!("ca_cert_pem is not a PEM certificate: {}", e.without_url())))?;
        if certs.is_empty() {
            return Err(Error::Config("ca_cert_pem holds no certificate".into()));
        }
        b = b.tls_certs_merge(certs);
    }
    b.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", e.without_url())))
}

impl HttpClient {
    pub(crate) fn new(config: &Config) -> Result<HttpClient> {
        let client = build(config)?;
        Ok(HttpClient { config: config.clone(), inner: Mutex::new((std::process::id(), client)) })
    }

    pub(crate) fn get(&self) -> reqwest::Client {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        if guard.0 != pid {
            if let Ok(fresh) = build(&self.config) {
                // The old pool's connections are driven by the parent's runtime; dropping them
                // here could block, so they are leaked once per fork.
                let old = std::mem::replace(&mut guard.1, fresh);
                std::mem::forget(old);
                guard.0 = pid;
            }
        }
        guard.1.clone()
    }
}

/// An OMI operation, for error messages and the scope a 403 refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    ListDevices,
    PushDevice,
    PushAll,
    Status,
}

impl Op {
    pub(crate) fn scope(self) -> &'static str {
        match self {
            Op::ListDevices => wire::SCOPE_DEVICES_GET,
            Op::PushDevice => wire::SCOPE_PUSH_DEVICE,
            Op::PushAll => wire::SCOPE_PUSH_ALL,
            Op::Status => wire::SCOPE_STATUS_GET,
        }
    }
    fn method(self) -> Method {
        match self {
            Op::ListDevices | Op::Status => Method::GET,
            Op::PushDevice | Op::PushAll => Method::POST,
        }
    }
    fn idempotent(self) -> bool {
        self.method() == Method::GET
    }
}

/// A successful response, read whole.
pub(crate) struct Reply {
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: Option<String>,
}

pub(crate) struct Request<'a> {
    pub(crate) op: Op,
    pub(crate) url: reqwest::Url,
    pub(crate) json: Option<Vec<u8>>,
    /// Retries of transient failures allowed for this call (idempotent calls only).
    pub(crate) retries: u32,
    pub(crate) retry: &'a crate::config::RetryPolicy,
}

pub(crate) async fn execute(http: &HttpClient, tokens: &TokenSource, req: Request<'_>) -> Result<Reply> {
    let mut attempt = 0u32;
    loop {
        match exchange(http, tokens, &req).await {
            Err(e) if req.op.idempotent() && attempt < req.retries && retry_single_call(&e) => {
                attempt += 1;
                let delay = crate::wait::backoff(req.retry, attempt);
                debug!(op = ?req.op, attempt, delay_ms = delay.as_millis() as u64, error = %e, "retrying");
                tokio::time::sleep(delay).await;
            }
            other => return other,
        }
    }
}

/// Outside a wait, rate limits go back to the caller; 5xx and transport failures are retried.
pub(crate) fn retry_single_call(e: &Error) -> bool {
    matches!(e, Error::Transport { .. }) || matches!(e, Error::Server { status, .. } if *status >= 500)
}

/// One attempt, with at most one token refresh on 401.
async fn exchange(http: &HttpClient, tokens: &TokenSource, req: &Request<'_>) -> Result<Reply> {
    let mut refreshed = false;
    let mut reconnected = false;
    loop {
        let token = tokens.get(http).await?;
        let mut rb = http
            .get()
            .request(req.op.method(), req.url.clone())
            .bearer_auth(token.value.expose())
            .header(header::ACCEPT, "application/json");
        if let Some(body) = &req.json {
            rb = rb.header(header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        let resp = match rb.send().await {
            Ok(r) => r,
            // A POST is re-sent only when it provably never reached the server.
            Err(e) if e.is_connect() && !req.op.idempotent() && !reconnected => {
                debug!(op = ?req.op, "connect failed before the push was sent; one retry");
                reconnected = true;
                continue;
            }
            Err(e) => return Err(Error::transport(e)),
        };
        let status = resp.status();
        let request_id = request_id(resp.headers());
        let retry_after = retry_after(resp.headers());
        if status == StatusCode::UNAUTHORIZED && tokens.refreshable() && !refreshed {
            // The server refused the token before doing anything: safe to repeat, even a POST.
            debug!(op = ?req.op, "401: refreshing the token once");
            tokens.invalidate(&token);
            refreshed = true;
            continue;
        }
        let body = resp.bytes().await.map_err(Error::transport)?.to_vec();
        if status.is_success() {
            return Ok(Reply { body, request_id });
        }
        return Err(status_error(req.op, status, &body, retry_after, request_id));
    }
}

pub(crate) fn status_error(
    op: Op,
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
    request_id: Option<String>,
) -> Error {
    let parsed = wire::parse_error_body(body);
    let code = status.as_u16();
    match code {
        401 => Error::Authentication {
            status: Some(401),
            code: parsed.code,
            message: parsed.message.unwrap_or_else(|| "the access token was refused".into()),
            request_id,
        },
        403 => Error::PermissionDenied { scope: op.scope().to_string(), message: parsed.message, request_id },
        404 => Error::NotFound {
            code: parsed.code,
            message: parsed.message.unwrap_or_else(|| match op {
                Op::ListDevices => "unknown user".into(),
                Op::PushDevice => "unknown user or device".into(),
                Op::PushAll => "unknown user".into(),
                Op::Status => "unknown nonce".into(),
            }),
            request_id,
        },
        429 => Error::RateLimited { status: code, retry_after, request_id },
        503 if retry_after.is_some() => Error::RateLimited { status: code, retry_after, request_id },
        _ => Error::Server { status: code, code: parsed.code, message: parsed.message, request_id },
    }
}

pub(crate) fn request_id(headers: &header::HeaderMap) -> Option<String> {
    wire::REQUEST_ID_HEADERS.iter().find_map(|name| {
        headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().filter(|c| !c.is_control()).take(128).collect())
    })
}

/// `Retry-After` as seconds or an HTTP date; capped at one hour.
pub(crate) fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let raw = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    let d = if let Ok(secs) = raw.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        Duration::from_secs_f64(secs.min(3600.0))
    } else {
        let when = httpdate::parse_http_date(raw).ok()?;
        when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO)
    };
    Some(d.min(Duration::from_secs(3600)))
}
