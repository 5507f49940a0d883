//! The queue of work for the thread that holds the GIL: the bottom of the binding's GIL
//! machinery (it imports no other module of this crate; `logging`, `runtime` and `client`
//! push into it).
//!
//! Runtime worker threads must never wait for the GIL (a worker waiting for it stalls every
//! request and wait it drives), so whatever they have for Python becomes an [`Item`] here, a
//! closure to run with the GIL:
//! - [`Item::Call`]: log records and `on_event` callbacks, run by whichever thread delivers;
//!   past [`QUEUE_LIMIT`] waiting, they are dropped (counted, and reported as a warning of the
//!   `omi_push` logger).
//! - [`Item::OnLoop`]: asyncio results, run on their event loop's thread (consecutive ones
//!   for one loop in one `call_soon_threadsafe`); never dropped.
//!
//! Items leave in order, from a thread that holds the GIL anyway: the thread that finishes a
//! blocking call (before the call returns, so a call's log records are in `logging` when it
//! returns), the main thread between its signal checks, and otherwise a small forwarder thread
//! that enters Python through an exit gate ([`close_gate`]).

use std::cell::{Cell, UnsafeCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::thread::Thread;
use std::time::{Duration, Instant};

use pyo3::exceptions::PyException;
use pyo3::prelude::*;

/// Work for a thread holding the GIL. Its error is raised by the delivering thread only when it
/// is not an `Exception` (a signal handler's `KeyboardInterrupt`, `SystemExit`); see [`flush`].
pub type Job = Box<dyn FnOnce(Python<'_>) -> PyResult<()> + Send>;

/// Calls waiting beyond this are dropped. `OnLoop` items are never dropped.
pub const QUEUE_LIMIT: usize = 10_000;

pub enum Item {
    /// Runs on the delivering thread (a log record, an event callback).
    Call(Job),
    /// Runs on `event_loop`'s thread (an asyncio call's result).
    OnLoop { event_loop: Py<PyAny>, job: Job },
}

/// A lock held only for a few instructions (no Python code, no I/O, no allocation under
/// `QUEUE`'s but the deque's own). Why not a `std::sync::Mutex`: after `os.fork()` (gunicorn's
/// pre-fork model) a child process has only the forking thread; if a runtime worker held the
/// lock at that moment, a `Mutex` stays locked forever in the child (std has no way to reset
/// it), and the first log record or result there deadlocks. This lock is reset in the child
/// ([`reset_after_fork`]); tests/test_fork.py uses clients across `fork`.
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

static QUEUE: SpinLock<VecDeque<Item>> = SpinLock::new(VecDeque::new());
/// The queue's items of each kind, readable without its lock.
static ON_LOOP_QUEUED: AtomicUsize = AtomicUsize::new(0);
static CALLS_QUEUED: AtomicUsize = AtomicUsize::new(0);
static CALLS_DROPPED: AtomicUsize = AtomicUsize::new(0);
/// Whether the forwarder waits for work with nothing queued (true until it first runs, so that
/// the first item starts it).
static FORWARDER_IDLE: AtomicBool = AtomicBool::new(true);
/// The forwarder thread and the process it belongs to (threads do not survive `fork`).
static FORWARDER: SpinLock<Option<(u32, Thread)>> = SpinLock::new(None);
/// Held by the one thread delivering items, so that they arrive in order. Behind a
/// [`SpinLock`] so that a child process after `fork` gets a fresh, unlocked one.
static DRAIN_LOCK: SpinLock<Option<Arc<Mutex<()>>>> = SpinLock::new(None);

thread_local! {
    /// Set while this thread delivers items: a `logging` handler that calls omi-push must not
    /// wait for itself.
    static IN_DRAIN: Cell<bool> = const { Cell::new(false) };
}

fn queued() -> usize {
    ON_LOOP_QUEUED.load(Ordering::SeqCst) + CALLS_QUEUED.load(Ordering::SeqCst)
}

/// Queues an item; never blocks on Python.
pub fn push(item: Item) {
    let on_loop = matches!(item, Item::OnLoop { .. });
    if !on_loop && CALLS_QUEUED.fetch_add(1, Ordering::SeqCst) >= QUEUE_LIMIT {
        CALLS_QUEUED.fetch_sub(1, Ordering::SeqCst);
        CALLS_DROPPED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    QUEUE.with(|q| q.push_back(item));
    // A result is awaited: the forwarder takes it now. A call wakes the forwarder only when it
    // is idle; the forwarder then leaves it a moment to the thread whose call queued it, which
    // usually flushes it first (one wake-up per burst of records, not per record).
    if on_loop {
        let first = ON_LOOP_QUEUED.fetch_add(1, Ordering::SeqCst) == 0;
        if first | FORWARDER_IDLE.swap(false, Ordering::SeqCst) {
            wake_forwarder();
        }
    } else if FORWARDER_IDLE.swap(false, Ordering::SeqCst) {
        wake_forwarder();
    }
}

fn wake_forwarder() {
    let pid = std::process::id();
    FORWARDER.with(|f| match f {
        Some((owner, thread)) if *owner == pid => thread.unpark(),
        _ => {
            let spawned = std::thread::Builder::new().name("omi-push-py".into()).spawn(forward);
            // Without the thread, items still leave when blocking calls end or results run.
            *f = spawned.ok().map(|h| (pid, h.thread().clone()));
        }
    });
}

/// How long the forwarder leaves calls to the threads that queued them.
const CALL_GRACE: Duration = Duration::from_millis(50);

/// The forwarder thread: delivers what no other thread has.
fn forward() {
    loop {
        if queued() == 0 {
            FORWARDER_IDLE.store(true, Ordering::SeqCst);
            // Checked again after announcing idleness, so that no item slips in unseen.
            if queued() == 0 {
                std::thread::park();
            }
            FORWARDER_IDLE.store(false, Ordering::SeqCst);
            continue;
        }
        if ON_LOOP_QUEUED.load(Ordering::SeqCst) == 0 {
            // Only calls: leave them a moment to the calls that queued them.
            let deadline = Instant::now() + CALL_GRACE;
            while ON_LOOP_QUEUED.load(Ordering::SeqCst) == 0 && queued() > 0 {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                std::thread::park_timeout(left);
            }
            if queued() == 0 {
                continue;
            }
        }
        // `None` once the interpreter is exiting: nobody is left to deliver to. Signal
        // handlers run only in the main thread, so no handler's exception is dropped here.
        if attach_from_runtime(|py| drop(flush(py))).is_none() {
            return;
        }
    }
}

/// Delivers every queued item, in order, from this thread (which holds the GIL). Returns at
/// once when the queue is empty; when another thread is delivering, waits for it without the
/// GIL, so that what was queued before this call has been delivered when it returns.
///
/// In the main thread, Python runs a pending signal handler inside the first Python code it
/// executes, here `logging`'s, a callback's or asyncio's: the exception of such a handler
/// (Ctrl-C's `KeyboardInterrupt`, the `SystemExit` of a handler that calls `sys.exit`) is
/// returned, after the rest of the queue, for the caller to raise, as `check_signals` would
/// have.
pub fn flush(py: Python<'_>) -> PyResult<()> {
    if queued() == 0 || IN_DRAIN.with(Cell::get) {
        return Ok(());
    }
    let lock = drain_lock();
    let _draining = loop {
        match lock.try_lock() {
            Ok(guard) => break guard,
            Err(TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
            // Another thread is delivering: wait for it without the GIL, which it may need.
            Err(TryLockError::WouldBlock) => py.detach(|| drop(lock.lock())),
        }
    };
    IN_DRAIN.with(|d| d.set(true));
    let mut interrupt = None;
    // Consecutive items for one event loop go to it in one call.
    let mut batch: Option<(Py<PyAny>, Vec<Job>)> = None;
    while let Some(item) = QUEUE.with(VecDeque::pop_front) {
        match item {
            Item::Call(job) => {
                CALLS_QUEUED.fetch_sub(1, Ordering::SeqCst);
                keep_interrupt(py, send_batch(py, batch.take()), &mut interrupt);
                keep_interrupt(py, job(py), &mut interrupt);
            }
            Item::OnLoop { event_loop, job } => {
                ON_LOOP_QUEUED.fetch_sub(1, Ordering::SeqCst);
                match &mut batch {
                    Some((l, jobs)) if l.is(&event_loop) => jobs.push(job),
                    _ => {
                        keep_interrupt(py, send_batch(py, batch.take()), &mut interrupt);
                        batch = Some((event_loop, vec![job]));
                    }
                }
            }
        }
    }
    keep_interrupt(py, send_batch(py, batch), &mut interrupt);
    let dropped = CALLS_DROPPED.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        keep_interrupt(py, report_dropped(py, dropped), &mut interrupt);
    }
    IN_DRAIN.with(|d| d.set(false));
    interrupt.map_or(Ok(()), Err)
}

fn report_dropped(py: Python<'_>, dropped: usize) -> PyResult<()> {
    let logger = py.import("logging")?.call_method1("getLogger", ("omi_push",))?;
    let text = format!("{dropped} log records or events were dropped: more than {QUEUE_LIMIT} were waiting");
    logger.call_method1("warning", (text,)).map(drop)
}

/// Asks the event loop to run these jobs (from any thread holding the GIL). Fails when the
/// loop is closed (nobody waits for the results then), or with the exception of a signal
/// handler that ran meanwhile.
fn send_batch(py: Python<'_>, batch: Option<(Py<PyAny>, Vec<Job>)>) -> PyResult<()> {
    let Some((event_loop, jobs)) = batch else { return Ok(()) };
    let run = LoopJobs { jobs: Mutex::new(jobs) };
    event_loop.call_method1(py, "call_soon_threadsafe", (run,)).map(drop)
}

/// Jobs run by an event loop, on its thread.
#[pyclass(frozen)]
struct LoopJobs {
    jobs: Mutex<Vec<Job>>,
}

#[pymethods]
impl LoopJobs {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let jobs = std::mem::take(&mut *self.jobs.lock().unwrap_or_else(|p| p.into_inner()));
        let mut first = Ok(());
        for job in jobs {
            if let Err(e) = job(py)
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }
}

/// Keeps the first error that is not an `Exception` (`KeyboardInterrupt`, `SystemExit`): it
/// comes from a signal handler or `sys.exit`, not from the delivery, and must reach the caller.
/// Other failures drop the item: `logging` and the event callbacks have already reported their
/// own errors, and a closed event loop has nobody waiting for its results.
fn keep_interrupt(py: Python<'_>, result: PyResult<()>, first: &mut Option<PyErr>) {
    if let Err(e) = result
        && first.is_none()
        && !e.is_instance_of::<PyException>(py)
    {
        *first = Some(e);
    }
}

fn drain_lock() -> Arc<Mutex<()>> {
    DRAIN_LOCK.with(|lock| lock.get_or_insert_with(Default::default).clone())
}

/// The gate of [`attach_from_runtime`]: the number of foreign threads inside Python, plus
/// [`CLOSED`] once the interpreter has begun to exit. An atomic rather than a lock, so that a
/// `fork` can never copy it locked.
static GATE: AtomicUsize = AtomicUsize::new(0);
const CLOSED: usize = 1 << (usize::BITS - 1);

/// Runs `f` with the GIL from a thread Python does not own (the forwarder), unless the
/// interpreter is exiting: `None` then, and `f` does not run.
///
/// A foreign thread that takes the GIL while the interpreter finalizes is ended by CPython
/// with `pthread_exit`, whose forced unwind through Rust frames aborts the process. So the
/// gate closes at exit ([`close_gate`], an `atexit` handler, which runs before finalization)
/// and waits for the threads already inside to leave.
fn attach_from_runtime<R>(f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            GATE.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let entered = GATE.fetch_add(1, Ordering::SeqCst);
    let _leave = Leave;
    if entered & CLOSED != 0 {
        return None;
    }
    Python::try_attach(f)
}

/// Delivers what is queued, then closes the gate of [`attach_from_runtime`] and waits (without
/// the GIL, at most 2 s) for the forwarder to leave Python. Registered with `atexit` by the
/// module; after it, items that runtime workers produce are dropped: nobody is left to
/// receive them.
#[pyfunction]
pub fn close_gate(py: Python<'_>) -> PyResult<()> {
    let flushed = flush(py);
    GATE.fetch_or(CLOSED, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + Duration::from_secs(2);
        while GATE.load(Ordering::SeqCst) & !CLOSED != 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    flushed
}

/// In a child process after `fork` (registered with `os.register_at_fork`): the locks are
/// free, the forwarder must be started anew, and the foreign threads counted as inside Python
/// were the parent's.
#[pyfunction]
pub fn reset_after_fork() {
    GATE.fetch_and(CLOSED, Ordering::SeqCst);
    QUEUE.reset_after_fork();
    FORWARDER.reset_after_fork();
    FORWARDER.with(|f| *f = None);
    FORWARDER_IDLE.store(true, Ordering::SeqCst);
    DRAIN_LOCK.reset_after_fork();
    DRAIN_LOCK.with(|lock| *lock = None);
    IN_DRAIN.with(|d| d.set(false));
}
