//! The HTTP seam: one request out, one bounded response back. [`Transport`] is what the auth
//! and API layers send through; [`ReqwestTransport`] is the real one, and tests script their
//! own.

use std::future::Future;
use std::pin::Pin;
use std::sync::Once;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, Url};

use crate::config::{Config, SMALL_BODY_BYTES};
use crate::error::{Error, Result};
use crate::process::PerProcess;

/// One request, with the time it may take and the most body bytes it may bring back.
#[derive(Debug, Clone)]
pub(crate) struct HttpRequest {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Vec<u8>>,
    /// Already `min(request_timeout, time left in the call)`.
    pub(crate) timeout: Duration,
    /// Cap of a success body; over it is a `Protocol` error. Error bodies are cut at
    /// [`SMALL_BODY_BYTES`] instead (only their start is read).
    pub(crate) body_limit: usize,
}

/// A response, its body read (and bounded).
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

pub(crate) type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse>> + Send + 'a>>;

/// Sends one request. Failures are [`Error::Transport`] (with `connect` set when the request
/// provably never reached the server) or [`Error::Protocol`] (a body over its cap).
pub(crate) trait Transport: Send + Sync + 'static {
    fn send(&self, request: HttpRequest) -> SendFuture<'_>;
}

/// The error of a body over its cap.
pub(crate) fn too_large(limit: usize) -> Error {
    Error::Protocol {
        message: format!("the response body is larger than the limit of {limit} bytes"),
        request_id: None,
    }
}

/// reqwest behind [`Transport`]; rebuilt in a forked child (the parent's pooled connections
/// belong to a runtime whose threads the child does not have, and the pool's locks may be held
/// by threads the child does not have either).
pub(crate) struct ReqwestTransport {
    inner: PerProcess<Http>,
}

struct Http {
    config: Config,
    /// `None` only in a child where building it again failed (reported by each request).
    client: Option<reqwest::Client>,
}

/// A forked child's own client: the parent's pool is leaked, never dropped (dropping it could
/// wait on the parent's runtime).
fn rebuild(parent: &Http) -> Http {
    Http { config: parent.config.clone(), client: build(&parent.config).ok() }
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
    b = match config.http2 {
        crate::config::Http2::Auto => b,
        crate::config::Http2::Always => b.http2_prior_knowledge(),
        crate::config::Http2::Never => b.http1_only(),
    };
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

impl ReqwestTransport {
    pub(crate) fn new(config: &Config) -> Result<ReqwestTransport> {
        let http = Http { config: config.clone(), client: Some(build(config)?) };
        Ok(ReqwestTransport { inner: PerProcess::new(http, rebuild) })
    }

    async fn exchange(&self, req: HttpRequest) -> Result<HttpResponse> {
        let client = self
            .inner
            .get()
            .client
            .as_ref()
            .ok_or_else(|| Error::Config("cannot build the HTTP client again in this forked process".into()))?;
        let mut rb = client.request(req.method, req.url).headers(req.headers).timeout(req.timeout);
        if let Some(body) = req.body {
            rb = rb.body(body);
        }
        let mut resp = rb.send().await.map_err(Error::transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let success = resp.status().is_success();
        let limit = if success { req.body_limit } else { SMALL_BODY_BYTES.min(req.body_limit) };
        if success && resp.content_length().is_some_and(|n| n > limit as u64) {
            // Dropping the response closes the connection: nothing more is read.
            return Err(too_large(limit));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(Error::transport)? {
            if body.len() + chunk.len() > limit {
                if success {
                    return Err(too_large(limit));
                }
                // Only the start of an error body is kept.
                body.extend_from_slice(&chunk[..limit - body.len()]);
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse { status, headers, body })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(self.exchange(request))
    }
}
