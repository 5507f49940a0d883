//! Forwards the core's (and the simulator's) `tracing` events, never other crates', to Python
//! `logging` (`omi_push._logging.emit` makes the record when the logger's level lets it). An
//! event happens on a runtime worker, which must not wait for the GIL: it joins the outbox.

use std::time::{SystemTime, UNIX_EPOCH};

use omi_push_ffi::events::{EventText, python_level};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::outbox;

struct PythonLogging;

static EMIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

impl<S: Subscriber> Layer<S> for PythonLogging {
    // `always` or `never` per callsite, once: `enabled` is never asked.
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        let krate = meta.target().split("::").next().unwrap_or_default();
        if meta.is_event() && (krate == "omi_push" || krate == "omi_push_sim") {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = EventText::default();
        event.record(&mut fields);
        let meta: &'static Metadata<'static> = event.metadata();
        let created = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64());
        let (file, line) = (meta.file().unwrap_or("<rust>"), meta.line().unwrap_or(0));
        let text = fields.message + &fields.rest;
        let record = (meta.target(), python_level(meta.level()), file, line, meta.module_path(), text, created);
        let job = move |py: Python<'_>| EMIT.import(py, "omi_push._logging", "emit")?.call1(record).map(drop);
        outbox::push(None, Box::new(job));
    }
}

/// Installs the forwarding subscriber once per process (the subscriber survives `fork`).
pub fn install() {
    // Fails only if already installed, which is fine.
    let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(PythonLogging));
}
