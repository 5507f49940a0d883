//! The async client: list devices, send a push, read a confirmation, wait for one.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use tracing::{debug, info};

use crate::config::{Config, Credentials};
use crate::error::{Error, Result};
use crate::http::{self, HttpClient, Op, Request};
use crate::ticket::{PushTicket, unix_ms};
use crate::token::TokenSource;
use crate::validate;
use crate::wait::{self, Outcome, WaitOptions, WaitShared};
use crate::wire::{self, Device, State};

/// The confirmation state of a push, as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub state: State,
    /// The state string as the server sent it.
    pub raw: String,
}

/// An OMI push client. Cheap to clone; clones share the token cache, the connection pool and
/// the rate-limit state.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    http: HttpClient,
    tokens: TokenSource,
    waits: WaitShared,
    /// Cancelled by [`Client::close`]: waits in flight end with `Cancelled`, later calls fail.
    closed: tokio_util::sync::CancellationToken,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner.config;
        let auth = match &c.credentials {
            Credentials::ClientSecret { client_id, .. } => format!("client_id={client_id}"),
            Credentials::StaticToken(_) => "static token".to_string(),
        };
        write!(f, "Client {{ base_url: {}, {auth} }}", c.base_url)
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Client> {
        let http = HttpClient::new(&config)?;
        let tokens = TokenSource::new(&config);
        Ok(Client {
            inner: Arc::new(Inner { config, http, tokens, waits: WaitShared::default(), closed: Default::default() }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Closes the client for every clone: waits in flight end at once with
    /// [`Error::Cancelled`], and later calls fail with [`Error::Config`]. Idempotent.
    pub fn close(&self) {
        self.inner.closed.cancel();
    }

    /// True once [`Client::close`] was called (on this client or a clone).
    pub fn is_closed(&self) -> bool {
        self.inner.closed.is_cancelled()
    }

    pub(crate) fn closed_token(&self) -> &tokio_util::sync::CancellationToken {
        &self.inner.closed
    }

    fn check_open(&self) -> Result<()> {
        if self.is_closed() { Err(Error::Config("this client is closed".into())) } else { Ok(()) }
    }

    pub(crate) fn wait_shared(&self) -> &WaitShared {
        &self.inner.waits
    }

    fn url(&self, path: &str, query: Option<(&str, &str)>) -> Result<reqwest::Url> {
        let base = self.inner.config.base_url.as_str().trim_end_matches('/');
        let mut url = reqwest::Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::Config(format!("cannot build a request URL: {e}")))?;
        if let Some((k, v)) = query {
            url.query_pairs_mut().append_pair(k, v);
        }
        Ok(url)
    }

    fn request(&self, op: Op, url: reqwest::Url, json: Option<Vec<u8>>, retries: u32) -> Request<'_> {
        Request { op, url, json, retries, retry: &self.inner.config.retry }
    }

    /// Lists the user's enrolled devices.
    pub async fn list_devices(&self, user_id: &str) -> Result<Vec<Device>> {
        self.check_open()?;
        validate::id("user_id", user_id)?;
        let path = validate::fill(&self.inner.config.paths.devices, &[(wire::USER_ID, user_id)]);
        let url = self.url(&path, None)?;
        let req = self.request(Op::ListDevices, url, None, self.inner.config.retry.max_retries);
        let reply = http::execute(&self.inner.http, &self.inner.tokens, req).await?;
        wire::parse_devices(&reply.body).map_err(|message| Error::Protocol { message, request_id: reply.request_id })
    }

    /// Sends a push to one device, or to all of the user's devices when `device_id` is `None`.
    /// Without a `nonce`, a fresh one is generated. The request is never sent twice.
    pub async fn send_push(
        &self,
        user_id: &str,
        device_id: Option<&str>,
        message: &str,
        nonce: Option<&str>,
    ) -> Result<PushTicket> {
        self.check_open()?;
        validate::id("user_id", user_id)?;
        if let Some(d) = device_id {
            validate::id("device_id", d)?;
        }
        validate::message(message, self.inner.config.max_message_chars)?;
        let nonce = match nonce {
            Some(n) => {
                validate::nonce(n)?;
                n.to_string()
            }
            None => validate::generate_nonce()?,
        };
        let paths = &self.inner.config.paths;
        let (op, path) = match device_id {
            Some(d) => (Op::PushDevice, validate::fill(&paths.push_device, &[(wire::USER_ID, user_id), (wire::DEVICE_ID, d)])),
            None => (Op::PushAll, validate::fill(&paths.push_all, &[(wire::USER_ID, user_id)])),
        };
        let url = self.url(&path, None)?;
        let body = serde_json::to_vec(&wire::PushRequest { message, nonce: &nonce })
            .map_err(|e| Error::Config(format!("cannot encode the push: {e}")))?;
        let reply = http::execute(&self.inner.http, &self.inner.tokens, self.request(op, url, Some(body), 0)).await?;
        let sent_at = SystemTime::now();
        let echoed: wire::PushResponse = if reply.body.iter().all(u8::is_ascii_whitespace) {
            wire::PushResponse::default()
        } else {
            serde_json::from_slice(&reply.body).unwrap_or_else(|_| {
                debug!("push response body is not JSON; ignored");
                wire::PushResponse::default()
            })
        };
        if let Some(echo) = &echoed.nonce {
            if echo != &nonce {
                return Err(Error::Protocol {
                    message: "the server echoed a different nonce than the one sent".into(),
                    request_id: reply.request_id,
                });
            }
        }
        let expires_at_ms = echoed
            .expires_at
            .as_deref()
            .and_then(|s| humantime::parse_rfc3339_weak(s).ok())
            .map(unix_ms);
        info!(to_all_devices = device_id.is_none(), "push sent");
        Ok(PushTicket {
            nonce,
            user_id: user_id.to_string(),
            device_id: device_id.map(str::to_string),
            sent_at_ms: unix_ms(sent_at),
            expires_at_ms,
        })
    }

    /// Reads the confirmation state once.
    pub async fn confirmation_status(&self, nonce: &str) -> Result<Status> {
        self.status_with_retries(nonce, self.inner.config.retry.max_retries).await
    }

    pub(crate) async fn status_once(&self, nonce: &str) -> Result<Status> {
        self.status_with_retries(nonce, 0).await
    }

    async fn status_with_retries(&self, nonce: &str, retries: u32) -> Result<Status> {
        self.check_open()?;
        validate::nonce(nonce)?;
        let paths = &self.inner.config.paths;
        let url = self.url(&paths.confirmation, Some((&paths.confirmation_query, nonce)))?;
        let reply = http::execute(&self.inner.http, &self.inner.tokens, self.request(Op::Status, url, None, retries)).await?;
        let raw = wire::parse_confirmation(&reply.body)
            .map_err(|message| Error::Protocol { message, request_id: reply.request_id })?;
        Ok(Status { state: State::parse(&raw), raw })
    }

    /// Polls until the push is confirmed, rejected or expired, or the timeout passes.
    pub async fn wait_for_confirmation(&self, nonce: &str, options: WaitOptions) -> Result<Outcome> {
        self.check_open()?;
        validate::nonce(nonce)?;
        validate::timeout("timeout", options.timeout)?;
        validate::timeout("poll_interval", options.poll_interval)?;
        wait::wait(self, nonce, options).await
    }
}
