//! Structured events: what the client did, for logs and metrics. Every event is emitted as a
//! `tracing` event (target `omi_push::event`, level debug; rate limits and retries at info) and
//! handed to the hook of [`crate::ConfigBuilder::on_event`], if one is set, so users can count
//! pushes, outcomes, polls, retries and 429s, or time waits, without wrapping every call.
//! Events carry no secret, no token and no nonce.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// One thing the client did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// One HTTP request to the OMI API ended: its status, or the error kind when there was no
    /// answer. `attempt` counts from 1 within one call.
    Request { op: &'static str, status: Option<u16>, error: Option<&'static str>, attempt: u32, elapsed_ms: f64 },
    /// One token request ended.
    Token { status: Option<u16>, error: Option<&'static str>, elapsed_ms: f64 },
    /// A call will be tried again after `delay_ms`.
    Retry { op: &'static str, attempt: u32, delay_ms: f64, error: &'static str },
    /// The server said to slow down (429, or 503 with `Retry-After`).
    RateLimited { op: &'static str, retry_after_ms: Option<f64> },
    /// A push was accepted by the server.
    Push { to_all_devices: bool },
    /// A wait ended: its outcome (`confirmed`, `rejected`, `expired`, `timed_out`) or the
    /// error kind that ended it.
    Wait { outcome: Option<&'static str>, error: Option<&'static str>, polls: u32, elapsed_ms: f64 },
}

impl Event {
    /// The event's name: `request`, `token`, `retry`, `rate_limited`, `push` or `wait`.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Request { .. } => "request",
            Event::Token { .. } => "token",
            Event::Retry { .. } => "retry",
            Event::RateLimited { .. } => "rate_limited",
            Event::Push { .. } => "push",
            Event::Wait { .. } => "wait",
        }
    }

    /// The event as a JSON object (`{"event": "wait", "outcome": "confirmed", …}`), the form
    /// the bindings hand to their languages.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// A callback that receives every event of a client. It runs on the client's runtime threads:
/// keep it short and never block in it.
#[derive(Clone)]
pub struct EventHook(pub Arc<dyn Fn(&Event) + Send + Sync>);

impl fmt::Debug for EventHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventHook(..)")
    }
}

impl EventHook {
    pub fn new(f: impl Fn(&Event) + Send + Sync + 'static) -> EventHook {
        EventHook(Arc::new(f))
    }
}

/// Emits `event` as a tracing event and to `hook`. A panicking hook is contained.
pub(crate) fn emit(hook: Option<&EventHook>, event: Event) {
    match &event {
        Event::Retry { .. } | Event::RateLimited { .. } => {
            tracing::info!(target: "omi_push::event", event = event.name(), detail = %event.to_json(), "omi-push {}", event.name())
        }
        _ => {
            tracing::debug!(target: "omi_push::event", event = event.name(), detail = %event.to_json(), "omi-push {}", event.name())
        }
    }
    if let Some(hook) = hook {
        let call = std::panic::AssertUnwindSafe(|| (hook.0)(&event));
        if std::panic::catch_unwind(call).is_err() {
            tracing::warn!(target: "omi_push::event", "an event hook panicked; the event was dropped");
        }
    }
}

/// Milliseconds since `start`.
pub(crate) fn ms_since(start: tokio::time::Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}
