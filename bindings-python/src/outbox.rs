//! What the runtime's worker threads hand to Python: log records and the results of asyncio
//! calls. A worker must never wait for the GIL (a worker waiting for it stalls every request
//! and wait it drives), so it only pushes an [`Item`] here. Items leave, in order, from a
//! thread that holds the GIL anyway: the thread that finishes a blocking call (before the call
//! returns, so a call's log records are in `logging` when it returns), the main thread between
//! its signal checks, an event loop running a result, and otherwise a small forwarder thread.

use std::cell::{Cell, UnsafeCell};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};
use std::thread::Thread;
use std::time::{Duration, Instant};

use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use crate::logging::{self, Record};
use crate::runtime::{self, Batch, Settle};

/// Log records waiting beyond this are dropped (counted, and reported when the queue drains).
/// Results are never dropped.
pub const QUEUE_LIMIT: usize = 10_000;

pub enum Item {
    Log(Record),
    /// An asyncio call's result, for `event_loop` to set on `future`.
    Result {
        event_loop: Py<PyAny>,
        future: Py<PyAny>,
        settle: Settle,
    },
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

static QUEUE: SpinLock<VecDeque<Item>> = SpinLock::new(VecDeque::new());
/// The queue's results and log records, readable without its lock.
static RESULTS_QUEUED: AtomicUsize = AtomicUsize::new(0);
static LOGS_QUEUED: AtomicUsize = AtomicUsize::new(0);
static LOGS_DROPPED: AtomicUsize = AtomicUsize::new(0);
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
    RESULTS_QUEUED.load(Ordering::SeqCst) + LOGS_QUEUED.load(Ordering::SeqCst)
}

/// Queues an item; never blocks on Python.
pub fn push(item: Item) {
    let is_result = matches!(item, Item::Result { .. });
    if !is_result && LOGS_QUEUED.fetch_add(1, Ordering::SeqCst) >= QUEUE_LIMIT {
        LOGS_QUEUED.fetch_sub(1, Ordering::SeqCst);
        LOGS_DROPPED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    QUEUE.with(|q| q.push_back(item));
    // A result is awaited: the forwarder takes it now. A log record wakes the forwarder only
    // when it is idle; the forwarder then leaves it a moment to the thread whose call logged
    // it, which usually flushes it first (one wake-up per burst of records, not per record).
    if is_result {
        let first = RESULTS_QUEUED.fetch_add(1, Ordering::SeqCst) == 0;
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

/// How long the forwarder leaves log records to the threads that logged them.
const LOG_GRACE: Duration = Duration::from_millis(50);

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
        if RESULTS_QUEUED.load(Ordering::SeqCst) == 0 {
            // Only log records: leave them a moment to the calls that logged them.
            let deadline = Instant::now() + LOG_GRACE;
            while RESULTS_QUEUED.load(Ordering::SeqCst) == 0 && queued() > 0 {
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
        if runtime::attach_from_runtime(|py| drop(flush(py))).is_none() {
            return;
        }
    }
}

/// Delivers every queued item, in order, from this thread (which holds the GIL). Returns at
/// once when the queue is empty; when another thread is delivering, waits for it without the
/// GIL, so that what was queued before this call has been delivered when it returns.
///
/// In the main thread, Python runs a pending signal handler inside the first Python code it
/// executes, here `logging`'s or asyncio's: the exception of such a handler (Ctrl-C's
/// `KeyboardInterrupt`, the `SystemExit` of a handler that calls `sys.exit`) is returned, after
/// the rest of the queue, for the caller to raise, as `check_signals` would have.
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
    // Results for one event loop that follow each other go to it in one call.
    let mut batch: Option<Batch> = None;
    while let Some(item) = QUEUE.with(VecDeque::pop_front) {
        match item {
            Item::Log(record) => {
                LOGS_QUEUED.fetch_sub(1, Ordering::SeqCst);
                keep_interrupt(py, runtime::resolve_batch(py, batch.take()), &mut interrupt);
                keep_interrupt(py, logging::emit(py, record), &mut interrupt);
            }
            Item::Result { event_loop, future, settle } => {
                RESULTS_QUEUED.fetch_sub(1, Ordering::SeqCst);
                let settled = settle(py);
                match &mut batch {
                    Some((l, results)) if l.is(&event_loop) => results.push((future, settled)),
                    _ => {
                        keep_interrupt(py, runtime::resolve_batch(py, batch.take()), &mut interrupt);
                        batch = Some((event_loop, vec![(future, settled)]));
                    }
                }
            }
        }
    }
    keep_interrupt(py, runtime::resolve_batch(py, batch), &mut interrupt);
    let dropped = LOGS_DROPPED.swap(0, Ordering::Relaxed);
    if dropped > 0 {
        keep_interrupt(py, logging::emit(py, logging::dropped_record(dropped)), &mut interrupt);
    }
    IN_DRAIN.with(|d| d.set(false));
    interrupt.map_or(Ok(()), Err)
}

/// Keeps the first error that is not an `Exception` (`KeyboardInterrupt`, `SystemExit`): it
/// comes from a signal handler or `sys.exit`, not from the delivery, and must reach the caller.
/// Other failures drop the item: `logging` has already reported its handlers' own errors, and
/// a closed event loop has nobody waiting for its results.
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

/// In a child after `fork`: the locks are free and the forwarder must be started anew.
pub fn reset_after_fork() {
    QUEUE.reset_after_fork();
    FORWARDER.reset_after_fork();
    FORWARDER.with(|f| *f = None);
    FORWARDER_IDLE.store(true, Ordering::SeqCst);
    DRAIN_LOCK.reset_after_fork();
    DRAIN_LOCK.with(|lock| *lock = None);
    IN_DRAIN.with(|d| d.set(false));
}
