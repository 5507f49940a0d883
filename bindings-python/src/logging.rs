//! Forwards the core's (and the simulator's) `tracing` events to Python `logging`, under the
//! logger `omi_push` (`omi_push::wait` → `omi_push.wait`; the simulator → `omi_push.simulator`).
//!
//! Events of other crates are never forwarded (their callsites are disabled once). The Python
//! logger decides the level when the record is emitted, so `logging` configuration done at any
//! time applies. The core never puts a secret or a token into an event.
//!
//! Events happen on the runtime's worker threads, which must never wait for the GIL (a worker
//! waiting for it stalls every request and wait it drives). So an event only joins the
//! [`outbox`](crate::outbox), which hands it to `logging` from a thread that holds the GIL.

use std::time::{SystemTime, UNIX_EPOCH};

use omi_push_ffi::events::{EventText, python_level};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::outbox::{self, Item};

const CORE: &str = "omi_push";
const SIM: &str = "omi_push_sim";

fn ours(target: &str) -> bool {
    target == CORE || target.starts_with("omi_push::") || target == SIM || target.starts_with("omi_push_sim::")
}

fn logger_name(target: &str) -> String {
    if target == SIM || target.starts_with("omi_push_sim::") {
        return "omi_push.simulator".to_string();
    }
    target.replace("::", ".")
}

/// One event, ready to become a `logging.LogRecord`.
struct Record {
    logger: String,
    level: u8,
    file: &'static str,
    line: u32,
    module: Option<&'static str>,
    target: &'static str,
    text: String,
    created: f64,
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

struct PythonLogging;

static GET_LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn emit(py: Python<'_>, r: Record) -> PyResult<()> {
    let get_logger = GET_LOGGER.import(py, "logging", "getLogger")?;
    let logger = get_logger.call1((r.logger,))?;
    if !logger.call_method1("isEnabledFor", (r.level,))?.is_truthy()? {
        return Ok(());
    }
    let extra = PyDict::new(py);
    extra.set_item("rust_target", r.target)?;
    let record = logger.call_method1(
        "makeRecord",
        (logger.getattr("name")?, r.level, r.file, r.line, r.text, (), py.None(), r.module, extra),
    )?;
    // The time of the event, not of its emission.
    record.setattr("created", r.created)?;
    record.setattr("msecs", (r.created.fract() * 1000.0).floor())?;
    logger.call_method1("handle", (record,))?;
    Ok(())
}

impl<S: Subscriber> Layer<S> for PythonLogging {
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
        let record = Record {
            logger: logger_name(meta.target()),
            level: python_level(meta.level()),
            file: meta.file().unwrap_or("<rust>"),
            line: meta.line().unwrap_or(0),
            module: meta.module_path(),
            target: meta.target(),
            text: format!("{}{}", fields.message, fields.rest),
            created: now(),
        };
        outbox::push(Item::Call(Box::new(move |py| emit(py, record))));
    }
}

/// Installs the forwarding subscriber once per process (the subscriber survives `fork`).
pub fn install() {
    let subscriber = tracing_subscriber::registry().with(PythonLogging);
    // Fails only if already installed, which is fine.
    let _ = tracing::subscriber::set_global_default(subscriber);
}
