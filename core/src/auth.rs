//! Access tokens: the client-credentials grant with one cached token shared by every call,
//! refreshed early, one refresh in flight at a time; or a caller-supplied static token.
//!
//! One token request per [`Auth::get`]: retries belong to the caller's layer (the API call or
//! the wait loop), under the caller's deadline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use tokio::time::Instant;
use tracing::debug;

use crate::budget::Budget;
use crate::config::{ClientAuth, Config, Credentials, SMALL_BODY_BYTES};
use crate::error::{Error, Result};
use crate::events::{Event, EventHook, emit, ms_since};
use crate::process::{PerProcess, fresh};
use crate::secret::{self, Redactor, Secret};
use crate::transport::{HttpRequest, Transport};
use crate::wire;

/// Tokens are refreshed this long before they expire: a fifth of the lifetime, at most 60 s.
fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 5).min(Duration::from_secs(60))
}

/// A token in use, with the generation that lets a 401 invalidate exactly this one.
pub(crate) struct Token {
    pub(crate) value: Secret,
    generation: u64,
}

struct Cached {
    value: Secret,
    refresh_at: Instant,
    generation: u64,
}

pub(crate) struct Auth {
    kind: Kind,
}

enum Kind {
    Static(Secret),
    Grant(Box<Grant>),
}

struct Grant {
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    auth: ClientAuth,
    scopes: String,
    redactor: Arc<Redactor>,
    events: Option<EventHook>,
    budget: Option<Arc<Budget>>,
    /// Per process: a forked child fetches its own token (the parent's cache may be locked by
    /// a thread, or its refresh held by a task, that the child does not have).
    cache: PerProcess<Cache>,
    attempts: AtomicU64,
    generations: AtomicU64,
}

#[derive(Default)]
struct Cache {
    current: Mutex<Option<Cached>>,
    /// The scopes the server said it granted with the current token, if it said.
    granted: Mutex<Option<Vec<String>>>,
    /// Held while a refresh runs: concurrent callers queue here and then reuse its result.
    refresh: tokio::sync::Mutex<Option<(u64, Error)>>,
}

impl Auth {
    pub(crate) fn new(
        config: &Config,
        redactor: &Arc<Redactor>,
        events: Option<EventHook>,
        budget: Option<Arc<Budget>>,
    ) -> Auth {
        let kind = match &config.credentials {
            Credentials::StaticToken(t) => {
                redactor.add_fixed(t.expose());
                Kind::Static(t.clone())
            }
            Credentials::ClientSecret { client_id, client_secret, auth } => {
                redactor.add_client_secret(client_id, client_secret.expose());
                Kind::Grant(Box::new(Grant {
                    token_url: config.token_url.clone(),
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                    auth: *auth,
                    scopes: config.scopes.join(" "),
                    redactor: redactor.clone(),
                    events,
                    budget,
                    cache: PerProcess::new(Cache::default(), fresh),
                    attempts: AtomicU64::new(0),
                    generations: AtomicU64::new(0),
                }))
            }
        };
        Auth { kind }
    }

    /// False for a static token: a 401 then cannot be cured by a refresh.
    pub(crate) fn refreshable(&self) -> bool {
        matches!(self.kind, Kind::Grant(_))
    }

    /// A valid token; at most one token request, bounded by `timeout`.
    pub(crate) async fn get(&self, transport: &dyn Transport, timeout: Duration) -> Result<Token> {
        match &self.kind {
            Kind::Static(t) => Ok(Token { value: t.clone(), generation: 0 }),
            Kind::Grant(g) => g.get(transport, timeout).await,
        }
    }

    /// `PermissionDenied` when the token endpoint said which scopes it granted and `scope`
    /// is not among them: the operation is refused before it is sent.
    pub(crate) fn check_scope(&self, scope: &str) -> Result<()> {
        if let Kind::Grant(g) = &self.kind {
            let granted = g.cache.get().granted.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(list) = granted.as_ref() {
                if !list.iter().any(|s| s == scope) {
                    return Err(Error::PermissionDenied {
                        scope: scope.to_string(),
                        message: Some("the token endpoint did not grant this scope".into()),
                        request_id: None,
                    });
                }
            }
        }
        Ok(())
    }

    /// Forgets `token` if it is still the cached one, so the next call fetches a new one.
    pub(crate) fn invalidate(&self, token: &Token) {
        if let Kind::Grant(g) = &self.kind {
            let mut cur = g.cache.get().current.lock().unwrap_or_else(|p| p.into_inner());
            if cur.as_ref().is_some_and(|c| c.generation == token.generation) {
                *cur = None;
            }
        }
    }
}

impl Grant {
    fn fresh(&self) -> Option<Token> {
        let cur = self.cache.get().current.lock().unwrap_or_else(|p| p.into_inner());
        cur.as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| Token { value: c.value.clone(), generation: c.generation })
    }

    async fn get(&self, transport: &dyn Transport, timeout: Duration) -> Result<Token> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let seen = self.attempts.load(Ordering::SeqCst);
        let mut last_failure = self.cache.get().refresh.lock().await;
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        // A refresh that started after we queued has just failed: share its error rather than
        // sending one more request per waiting caller.
        if let Some((attempt, err)) = last_failure.as_ref() {
            if *attempt > seen {
                return Err(err.clone());
            }
        }
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        match self.fetch(transport, timeout).await {
            Ok((value, lifetime, granted)) => {
                let generation = self.generations.fetch_add(1, Ordering::SeqCst) + 1;
                let refresh_at = Instant::now() + lifetime.saturating_sub(refresh_margin(lifetime));
                let cache = self.cache.get();
                *cache.granted.lock().unwrap_or_else(|p| p.into_inner()) = granted;
                let mut cur = cache.current.lock().unwrap_or_else(|p| p.into_inner());
                *cur = Some(Cached { value: value.clone(), refresh_at, generation });
                *last_failure = None;
                Ok(Token { value, generation })
            }
            Err(e) => {
                *last_failure = Some((attempt, e.clone()));
                Err(e)
            }
        }
    }

    fn request(&self, timeout: Duration) -> Result<HttpRequest> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        let body = match self.auth {
            ClientAuth::Basic => {
                let mut hv = HeaderValue::from_str(&secret::basic_value(&self.client_id, self.client_secret.expose()))
                    .map_err(|_| Error::Config("client id or secret cannot go in a header".into()))?;
                hv.set_sensitive(true);
                headers.insert(header::AUTHORIZATION, hv);
                wire::token_form(&self.scopes, None)
            }
            ClientAuth::Post => wire::token_form(&self.scopes, Some((&self.client_id, self.client_secret.expose()))),
        };
        Ok(HttpRequest {
            method: Method::POST,
            url: self.token_url.clone(),
            headers,
            body: Some(body.into_bytes()),
            timeout,
            body_limit: SMALL_BODY_BYTES,
        })
    }

    async fn fetch(
        &self,
        transport: &dyn Transport,
        timeout: Duration,
    ) -> Result<(Secret, Duration, Option<Vec<String>>)> {
        debug!("requesting an access token");
        if let Some(b) = &self.budget {
            b.acquire().await;
        }
        let started = Instant::now();
        let resp = match transport.send(self.request(timeout)?).await {
            Ok(r) => r,
            Err(e) => {
                let event =
                    Event::Token { status: None, error: Some(e.kind().as_str()), elapsed_ms: ms_since(started) };
                emit(self.events.as_ref(), event);
                return Err(e);
            }
        };
        emit(
            self.events.as_ref(),
            Event::Token { status: Some(resp.status), error: None, elapsed_ms: ms_since(started) },
        );
        let r = &self.redactor;
        let request_id = crate::api::request_id(&resp.headers, r);
        if !(200..300).contains(&resp.status) {
            let code = resp.status;
            if code == 429 || code >= 500 {
                let retry_after = crate::api::retry_after(&resp.headers);
                return Err(crate::api::status_error(None, code, &resp.body, retry_after, request_id, r));
            }
            let parsed = wire::parse_error_body(&resp.body);
            let message = r.scrub_opt(parsed.message, wire::MAX_SERVER_TEXT);
            let server_code = r.scrub_opt(parsed.code, wire::MAX_SERVER_CODE);
            if server_code.as_deref() == Some(wire::TOKEN_ERROR_INVALID_SCOPE) {
                return Err(Error::PermissionDenied {
                    scope: self.scopes.clone(),
                    message: Some(message.unwrap_or_else(|| "the token endpoint refused the requested scopes".into())),
                    request_id,
                });
            }
            return Err(Error::Authentication {
                status: Some(code),
                code: server_code,
                message: message.unwrap_or_else(|| format!("the token endpoint answered {code}")),
                request_id,
            });
        }
        let parsed = wire::parse_token_response(&resp.body)
            .map_err(|message| Error::Protocol { message, request_id: request_id.clone() })?;
        // Known before anything else, so no error below can carry it.
        r.add_token(&parsed.access_token);
        if let Some(t) = &parsed.token_type {
            if !t.eq_ignore_ascii_case("bearer") {
                let t = r.scrub(t, wire::MAX_SERVER_CODE);
                return Err(Error::Protocol { message: format!("token_type `{t}` is not Bearer"), request_id });
            }
        }
        if parsed.access_token.is_empty() || parsed.access_token.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::Protocol { message: "access_token is empty or malformed".into(), request_id });
        }
        let lifetime = match parsed.expires_in {
            Some(s) if s.is_finite() && s > 0.0 => Duration::from_secs_f64(s.min(86_400.0 * 365.0)),
            _ => Duration::from_secs(300),
        };
        debug!(expires_in_s = lifetime.as_secs_f64(), "access token received");
        Ok((Secret::new(parsed.access_token), lifetime, parsed.scope))
    }
}
