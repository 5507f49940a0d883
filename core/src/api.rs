//! One OMI call: token → send → one refresh and resend on 401 → status mapping → retries of
//! transient failures, all under the call's deadline.
//!
//! This is the one layer that retries. A POST (a push) is re-sent only when it provably never
//! reached the server: the token could not be had, or the connection was never made.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use tokio::time::{Instant, sleep, timeout_at};
use tracing::debug;

use crate::auth::Auth;
use crate::budget::Budget;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::events::{Event, EventHook, emit, ms_since};
use crate::retry::{self, RetryPolicy};
use crate::secret::Redactor;
use crate::transport::{HttpRequest, Transport};
use crate::wire::{self, Op};

/// A successful response.
pub(crate) struct Reply {
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: Option<String>,
}

/// One call to make.
pub(crate) struct Call {
    pub(crate) op: Op,
    pub(crate) url: Url,
    pub(crate) json: Option<Vec<u8>>,
    /// Retries allowed for transient failures (0 inside a wait: the wait loop retries).
    pub(crate) retries: u32,
    /// Nothing of this call runs past it.
    pub(crate) deadline: Instant,
}

/// The error of a call cut by its deadline.
pub(crate) fn deadline_error() -> Error {
    Error::Transport { message: "no answer before the call's deadline".into(), connect: false, timeout: true }
}

/// What one attempt ended with, and whether a push could have reached the server.
struct Failure {
    error: Error,
    maybe_sent: bool,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure { error, maybe_sent: true }
    }
}

pub(crate) struct Api {
    transport: Box<dyn Transport>,
    auth: Auth,
    redactor: Arc<Redactor>,
    request_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryPolicy,
    events: Option<EventHook>,
    budget: Option<Arc<Budget>>,
}

impl Api {
    pub(crate) fn new(config: &Config, transport: Box<dyn Transport>) -> Api {
        let redactor = Redactor::new();
        let budget = config.request_budget.map(|n| Arc::new(Budget::new(n)));
        Api {
            auth: Auth::new(config, &redactor, config.on_event.clone(), budget.clone()),
            budget,
            transport,
            redactor,
            request_timeout: config.request_timeout,
            max_response_bytes: config.max_response_bytes,
            retry: config.retry,
            events: config.on_event.clone(),
        }
    }

    pub(crate) fn emit(&self, event: Event) {
        emit(self.events.as_ref(), event);
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Runs `call` to its end: a reply, its last error, or the deadline.
    pub(crate) async fn call(&self, call: &Call) -> Result<Reply> {
        let mut retries = 0u32;
        loop {
            let failure = match timeout_at(call.deadline, self.attempt(call, retries + 1)).await {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(f)) => f,
                Err(_) => return Err(deadline_error()),
            };
            let may_repeat = call.op.is_get() || !failure.maybe_sent;
            if retries >= call.retries || !may_repeat || !retry::transient(&failure.error) {
                return Err(failure.error);
            }
            retries += 1;
            let delay = self.retry.backoff(retries);
            if Instant::now() + delay >= call.deadline {
                return Err(failure.error);
            }
            debug!(op = call.op.as_str(), retries, delay_ms = delay.as_millis() as u64, error = %failure.error, "retrying");
            self.emit(Event::Retry {
                op: call.op.as_str(),
                attempt: retries + 1,
                delay_ms: delay.as_secs_f64() * 1000.0,
                error: failure.error.kind().as_str(),
            });
            sleep(delay).await;
        }
    }

    /// Time a request may take now: the request timeout, or less when the deadline is closer.
    fn budget(&self, deadline: Instant) -> Duration {
        self.request_timeout.min(deadline.saturating_duration_since(Instant::now())).max(Duration::from_millis(1))
    }

    /// One attempt, with at most one token refresh on 401.
    async fn attempt(&self, call: &Call, attempt: u32) -> std::result::Result<Reply, Failure> {
        let mut refreshed = false;
        loop {
            let token = self
                .auth
                .get(self.transport.as_ref(), self.budget(call.deadline))
                .await
                .map_err(|error| Failure { error, maybe_sent: false })?;
            self.auth.check_scope(call.op.scope()).map_err(|error| Failure { error, maybe_sent: false })?;
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
            let mut bearer =
                HeaderValue::from_str(&format!("Bearer {}", token.value.expose())).map_err(|_| Failure {
                    error: Error::Protocol {
                        message: "the access token cannot go in a header".into(),
                        request_id: None,
                    },
                    maybe_sent: false,
                })?;
            bearer.set_sensitive(true);
            headers.insert(header::AUTHORIZATION, bearer);
            if call.json.is_some() {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            let request = HttpRequest {
                method: if call.op.is_get() { Method::GET } else { Method::POST },
                url: call.url.clone(),
                headers,
                body: call.json.clone(),
                timeout: self.budget(call.deadline),
                body_limit: self.max_response_bytes,
            };
            if let Some(b) = &self.budget {
                b.acquire().await;
            }
            let started = Instant::now();
            let op = call.op.as_str();
            let resp = match self.transport.send(request).await {
                Ok(r) => r,
                Err(error) => {
                    let error_kind = Some(error.kind().as_str());
                    self.emit(Event::Request {
                        op,
                        status: None,
                        error: error_kind,
                        attempt,
                        elapsed_ms: ms_since(started),
                    });
                    let maybe_sent = !error.is_connect();
                    return Err(Failure { error, maybe_sent });
                }
            };
            self.emit(Event::Request {
                op,
                status: Some(resp.status),
                error: None,
                attempt,
                elapsed_ms: ms_since(started),
            });
            let request_id = request_id(&resp.headers, &self.redactor);
            if resp.status == 401 && self.auth.refreshable() && !refreshed {
                // The server refused the token before doing anything: safe to repeat, even a POST.
                debug!(op = call.op.as_str(), "401: refreshing the token once");
                self.auth.invalidate(&token);
                refreshed = true;
                continue;
            }
            if (200..300).contains(&resp.status) {
                return Ok(Reply { body: resp.body, request_id });
            }
            let retry_after = retry_after(&resp.headers);
            let error = status_error(Some(call.op), resp.status, &resp.body, retry_after, request_id, &self.redactor);
            if let Error::RateLimited { retry_after, .. } = &error {
                self.emit(Event::RateLimited { op, retry_after_ms: retry_after.map(|d| d.as_secs_f64() * 1000.0) });
            }
            return Err(error.into());
        }
    }
}

/// Maps an error status to an error; every server-supplied text is redacted and capped.
pub(crate) fn status_error(
    op: Option<Op>,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
    request_id: Option<String>,
    r: &Redactor,
) -> Error {
    let parsed = wire::parse_error_body(body);
    let message = r.scrub_opt(parsed.message, wire::MAX_SERVER_TEXT);
    let code = r.scrub_opt(parsed.code, wire::MAX_SERVER_CODE);
    match (status, op) {
        (401, _) => Error::Authentication {
            status: Some(401),
            code,
            message: message.unwrap_or_else(|| "the access token was refused".into()),
            request_id,
        },
        (403, Some(op)) => Error::PermissionDenied { scope: op.scope().to_string(), message, request_id },
        (404, Some(op)) => {
            Error::NotFound { code, message: message.unwrap_or_else(|| op.not_found_text().into()), request_id }
        }
        (429, _) => Error::RateLimited { status, retry_after, request_id },
        (503, _) if retry_after.is_some() => Error::RateLimited { status, retry_after, request_id },
        _ => Error::Server { status, code, message, request_id },
    }
}

/// The server's request id, redacted (a gateway may echo the Authorization header there).
pub(crate) fn request_id(headers: &HeaderMap, r: &Redactor) -> Option<String> {
    wire::REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()).map(|s| r.scrub(s, wire::MAX_SERVER_CODE)))
}

/// `Retry-After` as seconds or an HTTP date; capped at one hour.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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
