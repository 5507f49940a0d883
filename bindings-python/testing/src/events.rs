//! The simulator's `tracing` events, for the Python logger `omi_push.simulator`.
//!
//! This library has its own copy of `tracing`, so the `omi-push` library's forwarder never sees
//! them. The simulator's threads must never wait for the GIL, so an event only joins a bounded
//! queue here; `omi_push_testing.Simulator` drains it into `logging` from the Python thread of
//! each simulator call (and at `stop`). Events of other crates are never recorded.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use omi_push_ffi::events::{EventText, python_level};
use pyo3::prelude::*;
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// At most this many events wait; older ones are dropped first.
const CAP: usize = 10_000;

/// `(level, text, created, file, line)`, the level as Python's number.
type Entry = (u8, String, f64, &'static str, u32);

static QUEUE: Mutex<VecDeque<Entry>> = Mutex::new(VecDeque::new());

fn ours(target: &str) -> bool {
    target == "omi_push_sim" || target.starts_with("omi_push_sim::")
}

struct Queue;

impl<S: Subscriber> Layer<S> for Queue {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.is_event() && ours(meta.target()) { Interest::always() } else { Interest::never() }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        meta.is_event() && ours(meta.target())
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = EventText::default();
        event.record(&mut fields);
        let meta: &'static Metadata<'static> = event.metadata();
        let created = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        let entry = (
            python_level(meta.level()),
            format!("{}{}", fields.message, fields.rest),
            created,
            meta.file().unwrap_or("<rust>"),
            meta.line().unwrap_or(0),
        );
        let mut queue = QUEUE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if queue.len() == CAP {
            queue.pop_front();
        }
        queue.push_back(entry);
    }
}

/// Installs the recording subscriber (once; a second call keeps the first).
pub fn install() {
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Queue));
}

/// The events recorded so far, oldest first, as `(level, text, created, file, line)`.
#[pyfunction]
pub fn take_events() -> Vec<Entry> {
    let mut queue = QUEUE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    queue.drain(..).collect()
}
