//! Forwards the core's (and the simulator's) `tracing` events, never other crates', to Python
//! `logging` (`omi_push._logging.emit` makes the record when the logger's level lets it). An
//! event happens on a runtime worker, which must not wait for the GIL: it joins the outbox.

use omi_push_ffi::events::{self, LogLine};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::outbox;

static EMIT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Installs the forwarder once per process (a second call keeps the first).
pub fn install() {
    events::forward(&["omi_push", "omi_push_sim"], |l: LogLine| {
        let record = (l.target, l.level, l.file, l.line, l.module, l.text, l.created);
        let job = move |py: Python<'_>| EMIT.import(py, "omi_push._logging", "emit")?.call1(record).map(drop);
        outbox::push(None, Box::new(job));
    });
}
