//! The client object. Its operations, blocking forms included (the Kotlin façade awaits the
//! suspend forms on the calling thread, so `Thread.interrupt()` stops them), go through the
//! completion path of [`crate::fast`], which finds the client under [`NativeClient::fast_id`].

use std::sync::Arc;

use omi_push::{Client, Event, EventHook, runtime};

use crate::error::NativeError;

/// The JVM side of the event hook (`OmiClient`'s sink). It runs on the core's runtime threads
/// and must not throw (the Kotlin side catches everything).
#[uniffi::export(with_foreign)]
pub trait NativeEventSink: Send + Sync {
    fn on_event(&self, event_json: String);
}

#[derive(uniffi::Object)]
pub struct NativeClient {
    /// The core client (the step-ups built on it share it).
    pub(crate) inner: Client,
    fast_id: i64,
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        crate::fast::unregister(self.fast_id);
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
        let mut config = omi_push_ffi::json::client_config(&options_json, client_secret, access_token)?;
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
}

/// Refuses a blocking call on a thread of an async runtime (one of the core's, where a result or
/// an event is delivered), with the core's own error (`runtime::block_on`).
#[uniffi::export]
pub fn check_blocking_allowed() -> Result<(), NativeError> {
    Ok(runtime::block_on(async {})?)
}
