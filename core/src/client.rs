//! The async client: list devices, send a push, read a confirmation, wait for one.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::api::{Api, Call};
use crate::config::{Config, Credentials};
use crate::error::{Error, Result};
use crate::events::{Event, ms_since};
use crate::process::{PerProcess, fresh};
use crate::ticket::{PushTicket, unix_ms};
use crate::transport::{ReqwestTransport, Transport};
use crate::validate;
use crate::wait::{self, Outcome, Plan, WaitOptions, WaitShared};
use crate::wire::{self, Device, Op, State, Status};

/// An OMI push client. Cheap to clone; clones share the token cache, the connection pool and
/// the rate-limit state.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    api: Api,
    waits: WaitShared,
    /// Set by [`Client::close`]: later calls fail.
    closed: AtomicBool,
    /// Cancelled by [`Client::close`]: waits in flight end with `Cancelled`. Per process: a
    /// token's locks may be held at a fork by a thread the forked child does not have.
    close_waits: PerProcess<CancellationToken>,
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
        let transport = ReqwestTransport::new(&config)?;
        Ok(Client::with_transport(config, Box::new(transport)))
    }

    pub(crate) fn with_transport(config: Config, transport: Box<dyn Transport>) -> Client {
        let api = Api::new(&config, transport);
        Client {
            inner: Arc::new(Inner {
                config,
                api,
                waits: WaitShared::default(),
                closed: AtomicBool::new(false),
                close_waits: PerProcess::new(CancellationToken::new(), fresh),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Closes the client for every clone: waits in flight end at once with
    /// [`Error::Cancelled`], and later calls fail with [`Error::Config`]. Idempotent.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        self.inner.close_waits.get().cancel();
    }

    /// True once [`Client::close`] was called (on this client or a clone).
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst)
    }

    fn check_open(&self) -> Result<()> {
        if self.is_closed() { Err(Error::Config("this client is closed".into())) } else { Ok(()) }
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

    /// The deadline of a single call started now.
    fn call_deadline(&self) -> Instant {
        Instant::now() + self.inner.config.call_timeout
    }

    /// Lists the user's enrolled devices.
    pub async fn list_devices(&self, user_id: &str) -> Result<Vec<Device>> {
        self.check_open()?;
        validate::id("user_id", user_id)?;
        let path = validate::fill(&self.inner.config.paths.devices, &[(wire::USER_ID, user_id)]);
        let call = Call {
            op: Op::ListDevices,
            url: self.url(&path, None)?,
            json: None,
            retries: self.inner.config.retry.max_retries,
            deadline: self.call_deadline(),
        };
        let reply = self.inner.api.call(&call).await?;
        wire::parse_devices(&reply.body).map_err(|message| Error::Protocol { message, request_id: reply.request_id })
    }

    /// Sends a push to one device, or to all of the user's devices when `device_id` is `None`.
    /// Without a `nonce`, a fresh one is generated. The push is sent at most once: it is
    /// repeated only when it provably never reached the server.
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
            Some(d) => {
                (Op::PushDevice, validate::fill(&paths.push_device, &[(wire::USER_ID, user_id), (wire::DEVICE_ID, d)]))
            }
            None => (Op::PushAll, validate::fill(&paths.push_all, &[(wire::USER_ID, user_id)])),
        };
        let json = serde_json::to_vec(&wire::PushRequest { message, nonce: &nonce })
            .map_err(|e| Error::Config(format!("cannot encode the push: {e}")))?;
        let call = Call {
            op,
            url: self.url(&path, None)?,
            json: Some(json),
            retries: self.inner.config.retry.max_retries,
            deadline: self.call_deadline(),
        };
        let reply = self.inner.api.call(&call).await?;
        let sent_at = SystemTime::now();
        let echoed = wire::parse_push_response(&reply.body);
        if let Some(echo) = &echoed.nonce {
            if echo != &nonce {
                return Err(Error::Protocol {
                    message: "the server echoed a different nonce than the one sent".into(),
                    request_id: reply.request_id,
                });
            }
        }
        let expires_at_ms =
            echoed.expires_at.as_deref().and_then(|s| humantime::parse_rfc3339_weak(s).ok()).map(unix_ms);
        info!(to_all_devices = device_id.is_none(), "push sent");
        self.inner.api.emit(Event::Push { to_all_devices: device_id.is_none() });
        Ok(PushTicket {
            nonce,
            user_id: user_id.to_string(),
            device_id: device_id.map(str::to_string),
            sent_at_ms: unix_ms(sent_at),
            expires_at_ms,
        })
    }

    /// Reads the confirmation state once (retrying transient failures within the call budget).
    pub async fn confirmation_status(&self, nonce: &str) -> Result<Status> {
        self.check_open()?;
        self.status(nonce, self.inner.config.retry.max_retries, self.call_deadline()).await
    }

    async fn status(&self, nonce: &str, retries: u32, deadline: Instant) -> Result<Status> {
        validate::nonce(nonce)?;
        let paths = &self.inner.config.paths;
        let url = self.url(&paths.confirmation, Some((&paths.confirmation_query, nonce)))?;
        let reply = self.inner.api.call(&Call { op: Op::Status, url, json: None, retries, deadline }).await?;
        let raw = wire::parse_confirmation(&reply.body)
            .map_err(|message| Error::Protocol { message, request_id: reply.request_id })?;
        let raw = self.inner.api.redactor().scrub(&raw, wire::MAX_SERVER_CODE);
        Ok(Status { state: State::parse(&raw), raw })
    }

    /// Polls until the push is confirmed, rejected or expired, or the timeout passes. The
    /// wait ends by its timeout (plus scheduling slack of a few milliseconds) whatever the
    /// server does: a poll still on the wire then is cut.
    pub async fn wait_for_confirmation(&self, nonce: &str, options: WaitOptions) -> Result<Outcome> {
        self.check_open()?;
        validate::nonce(nonce)?;
        validate::timeout("timeout", options.timeout)?;
        validate::timeout("poll_interval", options.poll_interval)?;
        let config = &self.inner.config;
        let plan = Plan {
            interval: options.poll_interval.unwrap_or(config.poll_interval),
            timeout: options.timeout.unwrap_or(config.wait_timeout),
            retry: config.retry,
        };
        let cancel = options.cancel.clone().unwrap_or_default();
        let polls = std::sync::atomic::AtomicU32::new(0);
        let poll = |deadline| {
            polls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.status(nonce, 0, deadline)
        };
        let started = Instant::now();
        let _live = crate::memory::LiveWait::start();
        let result = tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(Error::Cancelled),
            _ = self.inner.close_waits.get().cancelled() => Err(Error::Cancelled),
            r = wait::run(&self.inner.waits, nonce, plan, poll) => r,
        };
        let (outcome, error) = match &result {
            Ok(o) => (Some(o.kind.as_str()), None),
            Err(e) => (None, Some(e.kind().as_str())),
        };
        let polls = polls.load(std::sync::atomic::Ordering::Relaxed);
        self.inner.api.emit(Event::Wait { outcome, error, polls, elapsed_ms: ms_since(started) });
        result
    }
}
