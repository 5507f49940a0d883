//! The client object: each operation as a blocking `fn` (the core's `runtime::block_on`, for
//! plain threads). The Kotlin `suspend` functions reach the same client through the completion
//! path of [`crate::fast`] (registered here under [`NativeClient::fast_id`]). The blocking wait,
//! which may last minutes, is a task the JVM thread awaits in slices, so that
//! `Thread.interrupt()` stops it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use omi_push::{Client, ClientOptions, Config, Event, EventHook, Outcome, Secret, runtime};

use crate::error::NativeError;
use crate::types::{NativeDevice, NativeOutcome, NativeStatus, NativeTicket};

/// The JVM side of the event hook (`OmiClient`'s sink). It runs on the core's runtime threads
/// and must not throw (the Kotlin side catches everything).
#[uniffi::export(with_foreign)]
pub trait NativeEventSink: Send + Sync {
    fn on_event(&self, event_json: String);
}

#[derive(uniffi::Object)]
pub struct NativeClient {
    inner: Client,
    /// This client's id for the completion path ([`crate::fast`]), which the suspend functions use.
    fast_id: i64,
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        crate::fast::unregister(self.fast_id);
    }
}

impl NativeClient {
    /// The core client (shared with the step-ups built on it).
    pub(crate) fn core(&self) -> &Client {
        &self.inner
    }
}

#[uniffi::export]
impl NativeClient {
    /// `options_json` is the core's `ClientOptions` record as JSON (its snake_case names, so a
    /// new core option needs no change here), without the secret and the token, which travel
    /// as separate arguments. With `events`, every event of the client goes to the JVM as JSON
    /// (its SLF4J logger and the configured listener); without, none crosses the boundary.
    #[uniffi::constructor]
    pub fn new(
        options_json: String,
        client_secret: Option<String>,
        access_token: Option<String>,
        events: Option<Arc<dyn NativeEventSink>>,
    ) -> Result<Self, NativeError> {
        crate::logging::init_from_env();
        let mut options: ClientOptions =
            serde_json::from_str(&options_json).map_err(|e| omi_push::Error::Config(format!("client options: {e}")))?;
        options.client_secret = client_secret.map(Secret::new);
        options.access_token = access_token.map(Secret::new);
        let mut config = Config::from_options(options)?;
        if let Some(sink) = events {
            config =
                config.with_event_hook(EventHook(Arc::new(move |e: &Event| sink.on_event(e.to_json().to_string()))));
        }
        let inner = Client::new(config)?;
        Ok(NativeClient { fast_id: crate::fast::register(inner.clone()), inner })
    }

    /// The id under which the completion path ([`crate::fast`]) finds this client.
    pub fn fast_id(&self) -> i64 {
        self.fast_id
    }

    pub fn list_devices_blocking(&self, user_id: String) -> Result<Vec<NativeDevice>, NativeError> {
        let devices = runtime::block_on(self.inner.list_devices(&user_id))??;
        Ok(devices.into_iter().map(NativeDevice::from).collect())
    }

    pub fn send_push_blocking(
        &self,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Result<NativeTicket, NativeError> {
        let fut = self.inner.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref());
        Ok(runtime::block_on(fut)??.into())
    }

    pub fn confirmation_status_blocking(&self, nonce: String) -> Result<NativeStatus, NativeError> {
        Ok(runtime::block_on(self.inner.confirmation_status(&nonce))??.into())
    }

    /// The blocking wait, started on the shared runtime: the JVM thread then waits in short
    /// slices ([`NativeWait::wait_slice`]) so that `Thread.interrupt()` can stop it.
    pub fn start_wait(
        &self,
        nonce: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> Result<Arc<NativeWait>, NativeError> {
        let c = self.inner.clone();
        let options = omi_push_ffi::options::wait(timeout_ms, poll_interval_ms, None)?;
        let task = runtime::spawn(async move { c.wait_for_confirmation(&nonce, options).await })?;
        Ok(Arc::new(NativeWait { task: Mutex::new(task) }))
    }
}

/// A wait running on the shared runtime. Dropping it (or `cancel`) aborts the wait.
#[derive(uniffi::Object)]
pub struct NativeWait {
    task: Mutex<runtime::Task<omi_push::Result<Outcome>>>,
}

#[uniffi::export]
impl NativeWait {
    /// Blocks for at most `slice_ms`: the outcome once the wait has ended, `None` while it runs.
    pub fn wait_slice(&self, slice_ms: f64) -> Result<Option<NativeOutcome>, NativeError> {
        let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        match task.wait_slice(Duration::from_secs_f64(slice_ms.clamp(0.0, 1000.0) / 1000.0))? {
            None => Ok(None),
            Some(result) => Ok(Some(result?.into())),
        }
    }

    /// Stops the wait and its I/O now.
    pub fn cancel(&self) {
        self.task.lock().unwrap_or_else(PoisonError::into_inner).abort();
    }
}
