//! The queue of work for the thread that holds the GIL, the bottom of the binding's GIL
//! machinery (it uses no other module of the crate; `logging`, `runtime`, `client` push here).
//!
//! Runtime workers must never wait for the GIL (one waiting stalls every request it drives), so
//! what they have for Python becomes a [`Job`]: a log record or event callback (dropped past
//! [`QUEUE_LIMIT`], with a warning), or an asyncio result (run on its loop's thread, never
//! dropped). Jobs leave in order, from a thread that holds the GIL anyway: a blocking call
//! before it returns, the main thread between its signal checks, or else a forwarder thread.
//!
//! Fork safety: `fork` copies a lock as it is, maybe held by a thread the child does not have.
//! So the state is one [`Outbox`] (std locks) per process; a child replaces it whole.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::Duration;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};

/// Work for a thread holding the GIL. Its error is raised by the delivering thread only when it
/// is not an `Exception` (a signal handler's `KeyboardInterrupt`, `SystemExit`); see [`flush`].
pub type Job = Box<dyn FnOnce(Python<'_>) -> PyResult<()> + Send>;

/// Calls (jobs without an event loop) waiting beyond this are dropped.
pub const QUEUE_LIMIT: usize = 10_000;

/// How long the forwarder leaves calls to the threads that queued them, which usually deliver
/// them first (one wake-up per burst of records, not per record).
const CALL_GRACE: Duration = Duration::from_millis(50);

#[derive(Default)]
struct Queue {
    /// A job, and the event loop whose thread must run it (an asyncio result) if any.
    items: VecDeque<(Option<Py<PyAny>>, Job)>,
    on_loop: usize,
    dropped: usize,
    forwarder_started: bool,
    forwarder_idle: bool,
}

#[derive(Default)]
struct Outbox {
    /// Held for a few instructions only, never while Python code runs.
    queue: Mutex<Queue>,
    wake_forwarder: Condvar,
    /// Held by the one thread delivering, so that jobs arrive in order.
    delivering: Mutex<()>,
    /// Held by the forwarder from before it asks for the GIL until it has let go of it; true
    /// once the interpreter has begun to exit ([`close`]): the forwarder never enters Python then.
    entering: Mutex<bool>,
}

impl Outbox {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// This process's outbox, set at module init and in a forked child.
static OUTBOX: AtomicPtr<Outbox> = AtomicPtr::new(std::ptr::null_mut());

fn outbox() -> Option<&'static Outbox> {
    // SAFETY: null, or an outbox that is never freed (one replaced after a fork is leaked).
    unsafe { OUTBOX.load(Ordering::Acquire).as_ref() }
}

thread_local! {
    /// Set while this thread delivers: a `logging` handler that calls omi-push must not wait
    /// for itself.
    static DELIVERING: Cell<bool> = const { Cell::new(false) };
}

/// Queues a job (for `event_loop`'s thread, if given); never waits for Python.
pub fn push(event_loop: Option<Py<PyAny>>, job: Job) {
    let Some(outbox) = outbox() else { return };
    let mut q = outbox.queue();
    let on_loop = event_loop.is_some();
    if !on_loop && q.items.len() - q.on_loop >= QUEUE_LIMIT {
        q.dropped += 1;
        return;
    }
    q.on_loop += usize::from(on_loop);
    q.items.push_back((event_loop, job));
    if !q.forwarder_started {
        let spawned = std::thread::Builder::new().name("omi-push-py".into()).spawn(move || forward(outbox));
        // Without the thread, items still leave when blocking calls end or results run.
        q.forwarder_started = spawned.is_ok();
    } else if on_loop || q.forwarder_idle {
        outbox.wake_forwarder.notify_one();
    }
}

/// The forwarder thread: delivers what no other thread has.
fn forward(outbox: &'static Outbox) {
    let cv = &outbox.wake_forwarder;
    loop {
        let mut q = outbox.queue();
        q.forwarder_idle = true;
        q = cv.wait_while(q, |q| q.items.is_empty()).unwrap_or_else(PoisonError::into_inner);
        q.forwarder_idle = false;
        let only_calls = |q: &mut Queue| q.on_loop == 0 && !q.items.is_empty();
        let q = cv.wait_timeout_while(q, CALL_GRACE, only_calls).unwrap_or_else(PoisonError::into_inner).0;
        if q.items.is_empty() {
            continue;
        }
        drop(q);
        // A foreign thread that takes the GIL while the interpreter finalizes is ended by
        // CPython with `pthread_exit`, whose forced unwind through Rust frames aborts the
        // process: hence `entering`, which [`close`] (an `atexit` handler, run before
        // finalization) sets. Signal handlers run only in the main thread, so no handler's
        // exception is dropped here.
        let closed = outbox.entering.lock().unwrap_or_else(PoisonError::into_inner);
        if *closed {
            return;
        }
        // A blocking call may have delivered everything meanwhile: no GIL is needed then.
        if !outbox.queue().items.is_empty() && Python::try_attach(|py| drop(flush(py))).is_none() {
            return;
        }
    }
}

/// Delivers every queued job, in order (waiting without the GIL for another thread that is
/// delivering), so that what was queued before it was called has been delivered when it
/// returns (what is queued meanwhile waits for the next delivery).
///
/// A pending signal handler runs inside the first Python code the main thread executes, maybe
/// `logging`'s here: its exception (Ctrl-C's `KeyboardInterrupt`, `SystemExit`) is returned,
/// after the rest of the queue, for the caller to raise, as `check_signals` would.
pub fn flush(py: Python<'_>) -> PyResult<()> {
    let Some(outbox) = outbox().filter(|o| !o.queue().items.is_empty() && !DELIVERING.get()) else { return Ok(()) };
    let _delivering = loop {
        match outbox.delivering.try_lock() {
            Ok(guard) => break guard,
            Err(TryLockError::Poisoned(poisoned)) => break poisoned.into_inner(),
            // Another thread is delivering: wait for it without the GIL, which it may need.
            Err(TryLockError::WouldBlock) => py.detach(|| drop(outbox.delivering.lock())),
        }
    };
    DELIVERING.set(true);
    // The first error that is not an `Exception` (a signal handler's) must reach the caller.
    // Other failures drop the job: `logging` and the event callbacks have reported their own
    // errors, and a closed event loop has nobody waiting for its results.
    let mut interrupt = None;
    let mut keep = |result: PyResult<()>| match result {
        Err(e) if interrupt.is_none() && !e.is_instance_of::<PyException>(py) => interrupt = Some(e),
        _ => {}
    };
    let (items, dropped) = {
        let mut q = outbox.queue();
        q.on_loop = 0;
        (std::mem::take(&mut q.items), std::mem::take(&mut q.dropped))
    };
    let mut items = items.into_iter().peekable();
    while let Some((event_loop, job)) = items.next() {
        let Some(event_loop) = event_loop else {
            keep(job(py));
            continue;
        };
        // Consecutive jobs for one event loop go to it in one `call_soon_threadsafe`.
        let mut batch = vec![job];
        while let Some((_, job)) = items.next_if(|(next, _)| next.as_ref().is_some_and(|l| l.is(&event_loop))) {
            batch.push(job);
        }
        keep(send_batch(py, event_loop, batch));
    }
    if dropped > 0 {
        keep(py.import("omi_push._logging").and_then(|m| m.call_method1("dropped", (dropped, QUEUE_LIMIT))).map(drop));
    }
    DELIVERING.set(false);
    interrupt.map_or(Ok(()), Err)
}

/// Asks the event loop to run these jobs. Fails when the loop is closed (nobody waits for the
/// results then), or with the exception of a signal handler that ran meanwhile.
fn send_batch(py: Python<'_>, event_loop: Py<PyAny>, jobs: Vec<Job>) -> PyResult<()> {
    let jobs = Mutex::new(jobs);
    // Runs on the loop's thread; the first error goes to asyncio's exception handler.
    let run = move |args: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| {
        let jobs = std::mem::take(&mut *jobs.lock().unwrap_or_else(PoisonError::into_inner));
        jobs.into_iter().map(|job| job(args.py())).fold(Ok(()), PyResult::and)
    };
    event_loop.call_method1(py, "call_soon_threadsafe", (PyCFunction::new_closure(py, None, None, run)?,)).map(drop)
}

/// Delivers what is queued, then closes the outbox: the forwarder never enters Python again
/// (waiting, without the GIL, for it to leave if it is delivering). Later jobs wait for a
/// blocking call to deliver them, or are dropped: nobody may be left to receive them.
#[pyfunction]
fn close(py: Python<'_>) -> PyResult<()> {
    let flushed = flush(py);
    if let Some(outbox) = outbox() {
        py.detach(|| *outbox.entering.lock().unwrap_or_else(PoisonError::into_inner) = true);
    }
    flushed
}

/// In a child after `fork` (and at module init): a fresh outbox, no lock held, no forwarder
/// yet (the parent's is leaked).
#[pyfunction]
fn reset_after_fork() {
    OUTBOX.store(Box::into_raw(Box::<Outbox>::default()), Ordering::Release);
    DELIVERING.set(false);
}

/// `atexit` runs [`close`] before the interpreter finalizes.
pub fn install(m: &Bound<'_, PyModule>) -> PyResult<()> {
    reset_after_fork();
    let py = m.py();
    py.import("atexit")?.call_method1("register", (wrap_pyfunction!(close, m)?,))?;
    let hooks = PyDict::new(py);
    hooks.set_item("after_in_child", wrap_pyfunction!(reset_after_fork, m)?)?;
    py.import("os")?.call_method("register_at_fork", (), Some(&hooks)).map(drop)
}
