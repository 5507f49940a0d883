//! omi-push-sim: an in-memory HTTP simulator of the OMI push API (wire profile v1), its
//! OAuth2 token endpoint, a virtual phone, control routes and fault injection.
//!
//! ```no_run
//! # async fn demo() -> Result<(), omi_push_sim::SimError> {
//! let sim = omi_push_sim::Simulator::start(omi_push_sim::SimConfig::testing()).await?;
//! println!("{} (client {})", sim.base_url(), sim.client_id());
//! sim.stop();
//! # Ok(()) }
//! ```

mod config;
mod control;
mod error;
mod faults;
mod form;
mod log;
mod omi;
mod phone;
mod reply;
mod server;
mod shared;
mod sockets;
mod state;
mod steps;
mod tls;
mod token;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use config::{
    Action, AutoRespond, Echo, Fault, MAX_OVERSIZED_BYTES, Mode, ROUTES, SCOPE_DEVICES, SCOPE_PUSH_ALL,
    SCOPE_PUSH_DEVICE, SCOPE_STATUS, SCOPES, SeedDevice, SeedUser, SimConfig,
};
pub use error::{Missing, SimError};
pub use log::LogEntry;
pub use state::PushInfo;

use shared::Shared;
use sockets::{SimListener, Sockets};

/// The path of the token endpoint.
pub const TOKEN_PATH: &str = "/auth/oauth2.0/v1/token";

/// A running simulator. Its methods are synchronous and need no runtime; dropping it
/// stops the server.
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    client_id: String,
    client_secret: String,
    mode: Mode,
    ca_cert_pem: Option<String>,
}

impl Simulator {
    /// Binds `host:port` and serves on the calling tokio runtime.
    pub async fn start(config: SimConfig) -> Result<Simulator, SimError> {
        config.validate()?;
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| SimError::Invalid("Simulator::start must run on a tokio runtime".to_owned()))?;
        let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
        let addr = listener.local_addr()?;
        let client_secret = config.client_secret.clone().unwrap_or_else(state::random_token);
        let sockets = Arc::new(Sockets::new(&listener)?);
        let shared = Arc::new(Shared::new(&config, client_secret.clone(), runtime.clone(), sockets.clone()));
        let (acceptor, ca_cert_pem) = match config.tls {
            true => tls::acceptor().map(|(a, pem)| (Some(a), Some(pem)))?,
            false => (None, None),
        };
        let listener = SimListener::new(listener, sockets.clone(), acceptor);
        server::spawn(&runtime, listener, server::router(shared.clone()), sockets);
        let base_url = server::base_url(addr, config.tls);
        tracing::info!(url = %base_url, mode = ?config.mode, "OMI push simulator listening");
        Ok(Simulator {
            shared,
            addr,
            base_url,
            client_id: config.client_id,
            client_secret,
            mode: config.mode,
            ca_cert_pem,
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with `tls`), no trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// With `tls`: the generated certificate (PEM) a client must trust (the core's
    /// `ca_cert_pem` option).
    pub fn ca_cert_pem(&self) -> Option<&str> {
        self.ca_cert_pem.as_deref()
    }

    /// Connections accepted so far, and how many of them negotiated HTTP/2.
    pub fn connections(&self) -> (u64, u64) {
        self.shared.sockets.counts()
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `{base_url}/auth/oauth2.0/v1/token`.
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.base_url)
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The configured secret, or the random one generated at start.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// The virtual phone page of a device (modes `test` and `demo`).
    pub fn phone_url(&self, device_id: &str) -> String {
        format!("{}/_sim/phone/{}", self.base_url, form::segment(device_id))
    }

    /// Adds a user, replacing one with the same id (and its devices).
    pub fn add_user(&self, user: SeedUser) -> Result<(), SimError> {
        self.shared.add_user(user)
    }

    /// Adds a device to a user, replacing one with the same id.
    pub fn add_device(&self, user_id: &str, device: SeedDevice) -> Result<(), SimError> {
        self.shared.add_device(user_id, device)
    }

    /// PENDING → CONFIRMED. `NotFound` for an unknown nonce, `Conflict` if not pending.
    pub fn approve(&self, nonce: &str) -> Result<(), SimError> {
        self.shared.approve(nonce)
    }

    /// PENDING → REJECTED.
    pub fn reject(&self, nonce: &str) -> Result<(), SimError> {
        self.shared.reject(nonce)
    }

    /// PENDING → EXPIRED, before its time-to-live.
    pub fn expire(&self, nonce: &str) -> Result<(), SimError> {
        self.shared.expire(nonce)
    }

    /// Sets any state string, whatever the current state (for unknown-state tests).
    pub fn set_state(&self, nonce: &str, state: &str) -> Result<(), SimError> {
        self.shared.set_state(nonce, state)
    }

    /// Every push, oldest first.
    pub fn pushes(&self) -> Vec<PushInfo> {
        self.shared.pushes()
    }

    /// The pushes sent to a device, pending ones first.
    pub fn device_pushes(&self, device_id: &str) -> Vec<PushInfo> {
        self.shared.device_pushes(device_id)
    }

    /// Adds a fault after the existing ones.
    pub fn add_fault(&self, fault: Fault) -> Result<(), SimError> {
        self.shared.add_faults(vec![fault])
    }

    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Every token issued so far is refused from now on.
    pub fn revoke_tokens(&self) {
        self.shared.revoke_tokens();
    }

    /// Answers new pushes automatically (`None` turns it off).
    pub fn set_auto_respond(&self, auto: Option<AutoRespond>) {
        self.shared.set_auto_respond(auto);
    }

    /// The OMI and token requests so far, oldest first.
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.shared.request_log()
    }

    pub fn clear_log(&self) {
        self.shared.clear_log();
    }

    /// Logged requests of `route` (a route name, or `"*"`) with `method`.
    pub fn count(&self, route: &str, method: &str) -> usize {
        self.shared.count(route, method)
    }

    /// Stops the server. When it returns, the listening socket refuses new connections and
    /// every open connection is shut (idle keep-alive ones and requests in flight, such as
    /// one held by a `latency_ms` or `hang` fault): any request made afterwards fails with a
    /// transport error. Synchronous and quick; it does not wait for the server task to run, so
    /// it is safe on the runtime's own thread and in `Drop`. Idempotent.
    pub fn stop(&self) {
        self.shared.sockets.shut_all();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.base_url)
            .field("mode", &self.mode)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}
