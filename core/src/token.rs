//! Access tokens: the client-credentials grant with one cached token shared by every call,
//! refreshed early, one refresh in flight at a time; or a caller-supplied static token.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine;
use reqwest::header;
use tokio::time::Instant;
use tracing::debug;

use crate::config::{ClientAuth, Config, Credentials, RetryPolicy, Secret};
use crate::error::{Error, Result};
use crate::http::{self, HttpClient};
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

pub(crate) struct TokenSource {
    kind: Kind,
}

enum Kind {
    Static(Secret),
    Grant(Box<Grant>),
}

struct Grant {
    token_url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    auth: ClientAuth,
    scopes: String,
    retry: RetryPolicy,
    current: Mutex<Option<Cached>>,
    /// Held while a refresh runs: concurrent callers queue here and then reuse its result.
    refresh: tokio::sync::Mutex<Option<(u64, Error)>>,
    attempts: AtomicU64,
    generations: AtomicU64,
}

impl TokenSource {
    pub(crate) fn new(config: &Config) -> TokenSource {
        let kind = match &config.credentials {
            Credentials::StaticToken(t) => Kind::Static(t.clone()),
            Credentials::ClientSecret { client_id, client_secret, auth } => Kind::Grant(Box::new(Grant {
                token_url: config.token_url.clone(),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                auth: *auth,
                scopes: config.scopes.join(" "),
                retry: config.retry,
                current: Mutex::new(None),
                refresh: tokio::sync::Mutex::new(None),
                attempts: AtomicU64::new(0),
                generations: AtomicU64::new(0),
            })),
        };
        TokenSource { kind }
    }

    /// False for a static token: a 401 then cannot be cured by a refresh.
    pub(crate) fn refreshable(&self) -> bool {
        matches!(self.kind, Kind::Grant(_))
    }

    pub(crate) async fn get(&self, http: &HttpClient) -> Result<Token> {
        match &self.kind {
            Kind::Static(t) => Ok(Token { value: t.clone(), generation: 0 }),
            Kind::Grant(g) => g.get(http).await,
        }
    }

    /// Forgets `token` if it is still the cached one, so the next call fetches a new one.
    pub(crate) fn invalidate(&self, token: &Token) {
        if let Kind::Grant(g) = &self.kind {
            let mut cur = g.current.lock().unwrap_or_else(|p| p.into_inner());
            if cur.as_ref().is_some_and(|c| c.generation == token.generation) {
                *cur = None;
            }
        }
    }
}

impl Grant {
    fn fresh(&self) -> Option<Token> {
        let cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
        cur.as_ref()
            .filter(|c| Instant::now() < c.refresh_at)
            .map(|c| Token { value: c.value.clone(), generation: c.generation })
    }

    async fn get(&self, http: &HttpClient) -> Result<Token> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let seen = self.attempts.load(Ordering::SeqCst);
        let mut last_failure = self.refresh.lock().await;
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
        match self.fetch_with_retries(http).await {
            Ok((value, lifetime)) => {
                let generation = self.generations.fetch_add(1, Ordering::SeqCst) + 1;
                let refresh_at = Instant::now() + lifetime.saturating_sub(refresh_margin(lifetime));
                let mut cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
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

    async fn fetch_with_retries(&self, http: &HttpClient) -> Result<(Secret, Duration)> {
        let mut attempt = 0;
        loop {
            match self.fetch(http).await {
                Err(e) if attempt < self.retry.max_retries && http::retry_single_call(&e) => {
                    attempt += 1;
                    tokio::time::sleep(crate::wait::backoff(&self.retry, attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// Built in a plain function: the serializer is not `Send` and must not live across an await.
    fn form_body(&self) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        form.append_pair("scope", &self.scopes);
        if self.auth == ClientAuth::Post {
            form.append_pair("client_id", &self.client_id);
            form.append_pair("client_secret", self.client_secret.expose());
        }
        form.finish()
    }

    async fn fetch(&self, http: &HttpClient) -> Result<(Secret, Duration)> {
        debug!("requesting an access token");
        let mut rb = http.get().post(self.token_url.clone()).header(header::ACCEPT, "application/json");
        match self.auth {
            ClientAuth::Basic => {
                // RFC 6749 §2.3.1: form-encode id and secret before base64.
                let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = format!("{}:{}", enc(&self.client_id), enc(self.client_secret.expose()));
                let value = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair));
                let mut hv = header::HeaderValue::from_str(&value)
                    .map_err(|_| Error::Config("client id or secret cannot go in a header".into()))?;
                hv.set_sensitive(true);
                rb = rb.header(header::AUTHORIZATION, hv);
            }
            ClientAuth::Post => {}
        }
        let resp = rb
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(self.form_body())
            .send()
            .await
            .map_err(Error::transport)?;
        let status = resp.status();
        let request_id = http::request_id(resp.headers());
        let retry_after = http::retry_after(resp.headers());
        let body = resp.bytes().await.map_err(Error::transport)?;
        if !status.is_success() {
            let code = status.as_u16();
            if code == 429 || code >= 500 {
                return Err(http::status_error(http::Op::Status, status, &body, retry_after, request_id));
            }
            let parsed = wire::parse_error_body(&body);
            return Err(Error::Authentication {
                status: Some(code),
                code: parsed.code,
                message: parsed.message.unwrap_or_else(|| format!("the token endpoint answered {code}")),
                request_id,
            });
        }
        let parsed: wire::TokenResponse = serde_json::from_slice(&body).map_err(|e| Error::Protocol {
            // serde's own text may quote values (the token among them): give only the position.
            message: format!("token response is not readable ({:?} error at column {})", e.classify(), e.column()),
            request_id: request_id.clone(),
        })?;
        if let Some(t) = &parsed.token_type {
            if !t.eq_ignore_ascii_case("bearer") {
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
        Ok((Secret::new(parsed.access_token), lifetime))
    }
}
