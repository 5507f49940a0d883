//! Forwards the core's (and the simulator's) `tracing` events to Python `logging`, under the
//! logger `omi_push` (`omi_push::wait` → `omi_push.wait`; the simulator → `omi_push.simulator`).
//!
//! Events of other crates are never forwarded (their callsites are disabled once). The Python
//! logger decides the level at each event, so `logging` configuration done at any time
//! applies. The core never puts a secret or a token into an event.

use std::fmt::Write as _;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const CORE: &str = "omi_push";
const SIM: &str = "omi_push_sim";

fn ours(target: &str) -> bool {
    target == CORE
        || target.starts_with("omi_push::")
        || target == SIM
        || target.starts_with("omi_push_sim::")
}

fn logger_name(target: &str) -> String {
    if target == SIM || target.starts_with("omi_push_sim::") {
        return "omi_push.simulator".to_string();
    }
    target.replace("::", ".")
}

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

struct PythonLogging;

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={}", field.name(), value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={:?}", field.name(), value);
        }
    }
}

static GET_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn emit(py: Python<'_>, meta: &Metadata<'_>, text: String) -> PyResult<()> {
    let get_logger = GET_LOGGER.import(py, "logging", "getLogger")?;
    let logger = get_logger.call1((logger_name(meta.target()),))?;
    let level = python_level(meta.level());
    if !logger.call_method1("isEnabledFor", (level,))?.is_truthy()? {
        return Ok(());
    }
    let extra = PyDict::new(py);
    extra.set_item("rust_target", meta.target())?;
    let record = logger.call_method1(
        "makeRecord",
        (
            logger.getattr("name")?,
            level,
            meta.file().unwrap_or("<rust>"),
            meta.line().unwrap_or(0),
            text,
            (),
            py.None(),
            meta.module_path(),
            extra,
        ),
    )?;
    logger.call_method1("handle", (record,))?;
    Ok(())
}

impl<S: Subscriber> Layer<S> for PythonLogging {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if meta.is_event() && ours(meta.target()) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        meta.is_event() && ours(meta.target())
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let text = format!("{}{}", fields.message, fields.rest);
        let meta = event.metadata();
        // `None` once the interpreter is exiting. A failure (handlers' own errors are already
        // reported by `logging`) must not break the runtime thread that logged: dropped.
        let _ = crate::runtime::attach_from_runtime(|py| emit(py, meta, text));
    }
}

/// Installs the forwarding subscriber once per process (the subscriber survives `fork`).
pub fn install() {
    let subscriber = tracing_subscriber::registry().with(PythonLogging);
    // Fails only if already installed, which is fine.
    let _ = tracing::subscriber::set_global_default(subscriber);
}
