//! Forwards the core's (and the simulator's) `tracing` events to Python `logging`, under the
//! logger `omi_push` (`omi_push::wait` → `omi_push.wait`; the simulator → `omi_push.simulator`).
//!
//! Events of other crates are never forwarded (their callsites are disabled once). The Python
//! logger decides the level when the record is emitted, so `logging` configuration done at any
//! time applies. The core never puts a secret or a token into an event.
//!
//! Events happen on the runtime's worker threads, which must never wait for the GIL (a worker
//! waiting for it stalls every request and wait it drives). So an event only joins a queue;
//! records leave it, in order, from the thread that finishes a call (before the call returns,
//! so a call's records are in `logging` when it returns), from the main thread between
//! signal checks, and from a small forwarder thread for events that nobody else flushes.

use std::cell::{Cell, UnsafeCell};
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::Thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const CORE: &str = "omi_push";
const SIM: &str = "omi_push_sim";
/// Records waiting beyond this are dropped (and counted, and reported when the queue drains).
const QUEUE_LIMIT: usize = 10_000;

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

/// A spin lock held only for a few instructions (no Python code, no I/O under it). Unlike a
/// `Mutex`, a child process can reset it after `fork`, whatever thread held it in the parent.
struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: `value` is only reached through `with`, which holds `locked`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    const fn new(value: T) -> Self {
        SpinLock { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut spins = 0u32;
        while self.locked.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            spins += 1;
            if spins < 64 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        struct Unlock<'a>(&'a AtomicBool);
        impl Drop for Unlock<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        let _unlock = Unlock(&self.locked);
        // SAFETY: `locked` is held until `_unlock` drops.
        f(unsafe { &mut *self.value.get() })
    }

    /// In a child after `fork`: the thread that held the lock does not exist here.
    fn reset_after_fork(&self) {
        self.locked.store(false, Ordering::Release);
    }
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

static QUEUE: SpinLock<VecDeque<Record>> = SpinLock::new(VecDeque::new());
static QUEUED: AtomicUsize = AtomicUsize::new(0);
static DROPPED: AtomicUsize = AtomicUsize::new(0);
/// The forwarder thread and the process it belongs to (threads do not survive `fork`).
static FORWARDER: SpinLock<Option<(u32, Thread)>> = SpinLock::new(None);
/// Held by the one thread emitting records, so that they reach `logging` in order.
static DRAINING: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while this thread emits records: a `logging` handler that calls omi-push must not
    /// wait for itself.
    static IN_DRAIN: Cell<bool> = const { Cell::new(false) };
}

fn enqueue(record: Record) {
    let queued = QUEUE.with(|q| {
        if q.len() >= QUEUE_LIMIT {
            return false;
        }
        q.push_back(record);
        true
    });
    if !queued {
        DROPPED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    if QUEUED.fetch_add(1, Ordering::SeqCst) == 0 {
        wake_forwarder();
    }
}

fn wake_forwarder() {
    let pid = std::process::id();
    FORWARDER.with(|f| match f {
        Some((owner, thread)) if *owner == pid => thread.unpark(),
        _ => {
            let spawned = std::thread::Builder::new().name("omi-push-log".into()).spawn(forward);
            // Without a thread, records still leave the queue when calls finish.
            *f = spawned.ok().map(|h| (pid, h.thread().clone()));
        }
    });
}

/// The forwarder thread: emits records that no finishing call has flushed.
fn forward() {
    loop {
        if QUEUED.load(Ordering::SeqCst) == 0 {
            std::thread::park_timeout(Duration::from_secs(1));
            continue;
        }
        // `None` once the interpreter is exiting: the rest is dropped.
        if crate::runtime::attach_from_runtime(flush).is_none() {
            return;
        }
    }
}

/// Emits every queued record, in order, on this thread (which holds the GIL). Returns at once
/// when the queue is empty; when another thread is emitting, waits for it without the GIL.
pub fn flush(py: Python<'_>) {
    if QUEUED.load(Ordering::SeqCst) == 0 || IN_DRAIN.with(Cell::get) {
        return;
    }
    while DRAINING.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        py.detach(|| {
            while DRAINING.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_micros(200));
            }
        });
    }
    IN_DRAIN.with(|d| d.set(true));
    while let Some(record) = QUEUE.with(VecDeque::pop_front) {
        QUEUED.fetch_sub(1, Ordering::SeqCst);
        // A failure (handlers' own errors are already reported by `logging`) drops the record.
        let _ = emit(py, record);
    }
    let dropped = DROPPED.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        let _ = emit(py, dropped_record(dropped));
    }
    IN_DRAIN.with(|d| d.set(false));
    DRAINING.store(false, Ordering::Release);
}

fn dropped_record(dropped: usize) -> Record {
    Record {
        logger: CORE.to_string(),
        level: 30,
        file: file!(),
        line: line!(),
        module: Some(module_path!()),
        target: CORE,
        text: format!("{dropped} log records were dropped: more than {QUEUE_LIMIT} were waiting"),
        created: now(),
    }
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// In a child after `fork`: the locks are free and the forwarder must be started anew.
pub fn reset_after_fork() {
    QUEUE.reset_after_fork();
    FORWARDER.reset_after_fork();
    FORWARDER.with(|f| *f = None);
    DRAINING.store(false, Ordering::Release);
    IN_DRAIN.with(|d| d.set(false));
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
        let meta: &'static Metadata<'static> = event.metadata();
        enqueue(Record {
            logger: logger_name(meta.target()),
            level: python_level(meta.level()),
            file: meta.file().unwrap_or("<rust>"),
            line: meta.line().unwrap_or(0),
            module: meta.module_path(),
            target: meta.target(),
            text: format!("{}{}", fields.message, fields.rest),
            created: now(),
        });
    }
}

/// Installs the forwarding subscriber once per process (the subscriber survives `fork`).
pub fn install() {
    let subscriber = tracing_subscriber::registry().with(PythonLogging);
    // Fails only if already installed, which is fine.
    let _ = tracing::subscriber::set_global_default(subscriber);
}
