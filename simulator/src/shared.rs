//! The state shared by the server and the handle, and the operations both of them call:
//! a control route and the matching `Simulator` method run the same function here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;

use crate::config::{Action, AutoRespond, Fault, Mode, SeedDevice, SeedUser, SimConfig, check_device, check_user};
use crate::error::SimError;
use crate::log::LogEntry;
use crate::sockets::Sockets;
use crate::state::{DeviceSummary, PushInfo, State, Status};

pub(crate) struct Shared {
    state: Mutex<State>,
    /// The runtime the server runs on; auto-respond tasks are spawned there.
    runtime: Handle,
    request_ids: AtomicU64,
    auto_respond_spread_ms: u64,
    pub(crate) mode: Mode,
    /// Every open socket, for `Simulator::stop`.
    pub(crate) sockets: Arc<Sockets>,
}

impl Shared {
    pub(crate) fn new(config: &SimConfig, client_secret: String, runtime: Handle, sockets: Arc<Sockets>) -> Self {
        Self {
            state: Mutex::new(State::new(config, client_secret, Instant::now())),
            runtime,
            request_ids: AtomicU64::new(0),
            auto_respond_spread_ms: config.auto_respond_spread_ms,
            mode: config.mode,
            sockets,
        }
    }

    /// Locks the state. A panic while it was held cannot leave it half-updated in a way
    /// that matters to a simulator, so a poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn next_request_id(&self) -> u64 {
        self.request_ids.fetch_add(1, Ordering::Relaxed) + 1
    }

    // --- pushes ---

    pub(crate) fn approve(&self, nonce: &str) -> Result<(), SimError> {
        self.lock().resolve(nonce, Status::Confirmed)?;
        tracing::debug!(nonce, "push approved");
        Ok(())
    }

    pub(crate) fn reject(&self, nonce: &str) -> Result<(), SimError> {
        self.lock().resolve(nonce, Status::Rejected)?;
        tracing::debug!(nonce, "push rejected");
        Ok(())
    }

    pub(crate) fn expire(&self, nonce: &str) -> Result<(), SimError> {
        self.lock().resolve(nonce, Status::Expired)?;
        tracing::debug!(nonce, "push expired");
        Ok(())
    }

    pub(crate) fn set_state(&self, nonce: &str, state: &str) -> Result<(), SimError> {
        self.lock().set_state(nonce, state)
    }

    pub(crate) fn pushes(&self) -> Vec<PushInfo> {
        self.lock().pushes()
    }

    pub(crate) fn device_pushes(&self, device_id: &str) -> Vec<PushInfo> {
        self.lock().device_pushes(device_id)
    }

    /// Every device of every user, for the phone pages.
    pub(crate) fn all_devices(&self) -> Vec<DeviceSummary> {
        self.lock().all_devices()
    }

    /// Answers a new push after the auto-respond delay, if it is still pending then.
    pub(crate) fn schedule_auto_respond(self: &Arc<Self>, nonce: String, auto: AutoRespond) {
        // A weak reference: a stopped simulator must not be kept alive by its timers.
        let shared: Weak<Self> = Arc::downgrade(self);
        let delay_ms = if self.auto_respond_spread_ms == 0 {
            auto.delay_ms
        } else {
            use rand::Rng;
            auto.delay_ms + rand::rng().random_range(0..=self.auto_respond_spread_ms)
        };
        self.runtime.spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let result = match auto.action {
                Action::Approve => shared.approve(&nonce),
                Action::Reject => shared.reject(&nonce),
            };
            // Answered or expired meanwhile: nothing to do.
            if let Err(e) = result {
                tracing::debug!(nonce, error = %e, "auto-respond skipped");
            }
        });
    }

    // --- users, faults, tokens, log ---

    pub(crate) fn add_user(&self, user: SeedUser) -> Result<(), SimError> {
        check_user(&user)?;
        self.lock().add_user(user);
        Ok(())
    }

    pub(crate) fn add_device(&self, user_id: &str, device: SeedDevice) -> Result<(), SimError> {
        check_device(&device)?;
        self.lock().add_device(user_id, device)
    }

    /// Adds faults in order; nothing is added if any of them is invalid.
    pub(crate) fn add_faults(&self, faults: Vec<Fault>) -> Result<(), SimError> {
        faults.iter().try_for_each(Fault::validate)?;
        let mut state = self.lock();
        for fault in faults {
            state.faults.add(fault);
        }
        Ok(())
    }

    pub(crate) fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub(crate) fn revoke_tokens(&self) {
        self.lock().revoke_tokens();
    }

    pub(crate) fn set_auto_respond(&self, auto: Option<AutoRespond>) {
        self.lock().auto_respond = auto;
    }

    pub(crate) fn request_log(&self) -> Vec<LogEntry> {
        self.lock().log.entries()
    }

    pub(crate) fn clear_log(&self) {
        self.lock().log.clear();
    }

    pub(crate) fn count(&self, route: &str, method: &str) -> usize {
        self.lock().log.count(route, method)
    }

    pub(crate) fn finish(&self, seq: u64, status: u16) {
        self.lock().log.finish(seq, status);
    }
}
