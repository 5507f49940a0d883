//! Glue between the core's one (fork-safe) tokio runtime and Python's two calling styles:
//! blocking calls that release the GIL and answer Ctrl-C, and asyncio futures whose
//! cancellation aborts the Rust task.
//!
//! Runtime workers never take the GIL: they hand results and log records to the
//! [`outbox`](crate::outbox), whose forwarder thread enters Python only through
//! [`attach_from_runtime`], which stops letting threads in once the interpreter begins to exit
//! (see [`close_gate`]).

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

use crate::error::{IntoPyResult, to_py};
use crate::outbox::Item;

/// How long a blocking call sleeps before it looks for signals (Ctrl-C) again.
const SIGNAL_SLICE: Duration = Duration::from_millis(50);

static MAIN_THREAD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GET_IDENT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Whether this is the thread that runs Python's signal handlers. CPython runs them only in
/// the main thread (`PyErr_CheckSignals` does nothing elsewhere).
fn is_main_thread(py: Python<'_>) -> PyResult<bool> {
    let main = MAIN_THREAD.import(py, "threading", "main_thread")?.call0()?;
    let ident = GET_IDENT.import(py, "threading", "get_ident")?.call0()?;
    main.getattr("ident")?.eq(ident)
}

/// Runs `future` on the core's runtime and blocks until it ends, without holding the GIL.
///
/// In the main thread the wait is cut into slices so that a pending signal (Ctrl-C) raises
/// its exception here; dropping the task then aborts it, which stops its I/O. Other threads
/// never see signals, so they block once until the task ends (its deadline bounds the wait):
/// thousands of threads waiting at once then cost nothing while they wait.
pub fn block_on<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let mut task = omi_push::runtime::spawn(future).py_err(py)?;
    if !is_main_thread(py)? {
        let joined = py.detach(move || task.join());
        crate::outbox::flush(py)?;
        return match joined {
            Ok(result) => result.py_err(py),
            Err(e) => Err(to_py(py, e)),
        };
    }
    loop {
        let slice = py.detach(|| task.wait_slice(SIGNAL_SLICE));
        // A signal handler may run inside the delivery of log records rather than below.
        crate::outbox::flush(py)?;
        match slice {
            Ok(Some(result)) => return result.py_err(py),
            Ok(None) => py.check_signals()?,
            Err(e) => return Err(to_py(py, e)),
        }
    }
}

/// The gate of [`attach_from_runtime`]: the number of foreign threads inside Python, plus
/// [`CLOSED`] once the interpreter has begun to exit. An atomic rather than a lock, so that a
/// `fork` can never copy it locked.
static GATE: AtomicUsize = AtomicUsize::new(0);
const CLOSED: usize = 1 << (usize::BITS - 1);

/// Runs `f` with the GIL from a thread Python does not own (the outbox's forwarder), unless
/// the interpreter is exiting: `None` then, and `f` does not run.
///
/// A foreign thread that takes the GIL while the interpreter finalizes is ended by CPython
/// with `pthread_exit`, whose forced unwind through Rust frames aborts the process. So the
/// gate closes at exit ([`close_gate`], an `atexit` handler, which runs before finalization)
/// and waits for the threads already inside to leave.
pub fn attach_from_runtime<R>(f: impl FnOnce(Python<'_>) -> R) -> Option<R> {
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

/// Closes the gate of [`attach_from_runtime`] and waits (without the GIL, at most 2 s) for
/// the foreign threads inside Python to leave. Registered with `atexit` by the module; after
/// it, results and log events that runtime workers produce are dropped: nobody is left to
/// receive them.
#[pyfunction]
pub fn close_gate(py: Python<'_>) -> PyResult<()> {
    let flushed = crate::outbox::flush(py);
    GATE.fetch_or(CLOSED, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + Duration::from_secs(2);
        while GATE.load(Ordering::SeqCst) & !CLOSED != 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
    flushed
}

/// In a child process after `fork`: the foreign threads counted as inside Python were the
/// parent's, as were the log forwarder and any lock they held; none exists here.
#[pyfunction]
pub fn reset_after_fork() {
    GATE.fetch_and(CLOSED, Ordering::SeqCst);
    crate::outbox::reset_after_fork();
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Runs `future` on the core's runtime and returns an `asyncio.Future` of the running event
/// loop that gets its result. Cancelling that future aborts the task.
pub fn into_asyncio<'py, T, F>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let event_loop = GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()?;
    let py_future = event_loop.call_method0("create_future")?;
    let runtime = omi_push::runtime::shared().py_err(py)?;
    let event_loop = event_loop.unbind();
    let future_ref = py_future.clone().unbind();
    let handle = runtime.spawn(async move {
        let result = future.await;
        let settle: Settle = Box::new(move |py| match result {
            Ok(value) => value.into_py_any(py),
            Err(e) => Err(to_py(py, e)),
        });
        // The worker does not wait for the GIL: the outbox takes the result to the loop.
        crate::outbox::push(Item::Result { event_loop, future: future_ref, settle });
    });
    let canceller = Canceller { handle: handle.abort_handle() };
    py_future.call_method1("add_done_callback", (canceller,))?;
    Ok(py_future)
}

/// Turns a call's outcome into the Python object (or exception) of its asyncio future.
pub type Settle = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// An asyncio future and the result to set on it.
pub type Settled = (Py<PyAny>, PyResult<Py<PyAny>>);

/// Results for one event loop.
pub type Batch = (Py<PyAny>, Vec<Settled>);

/// Asks the event loop to set these futures' results (from any thread holding the GIL).
/// Fails when the loop is closed (nobody waits for the results then), or with the exception
/// of a signal handler that ran meanwhile.
pub fn resolve_batch(py: Python<'_>, batch: Option<Batch>) -> PyResult<()> {
    let Some((event_loop, results)) = batch else { return Ok(()) };
    let resolver = Resolver { results: Mutex::new(results) };
    event_loop.call_method1(py, "call_soon_threadsafe", (resolver,)).map(drop)
}

/// Sets asyncio futures' results on the loop's thread, except those cancelled meanwhile.
#[pyclass(frozen)]
struct Resolver {
    results: Mutex<Vec<Settled>>,
}

#[pymethods]
impl Resolver {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        // The calls' log records were queued before their results, so the outbox has already
        // handed them to `logging`.
        let results = std::mem::take(&mut *self.results.lock().unwrap_or_else(|p| p.into_inner()));
        for (future, result) in results {
            let future = future.bind(py);
            if future.call_method0("done")?.is_truthy()? {
                continue;
            }
            match result {
                Ok(value) => future.call_method1("set_result", (value,))?,
                Err(err) => future.call_method1("set_exception", (err.into_value(py),))?,
            };
        }
        Ok(())
    }
}

/// Aborts the Rust task when the asyncio future is done, whether cancelled or settled
/// (aborting a finished task does nothing).
#[pyclass(frozen)]
struct Canceller {
    handle: AbortHandle,
}

#[pymethods]
impl Canceller {
    fn __call__(&self, _future: &Bound<'_, PyAny>) {
        self.handle.abort();
    }
}
