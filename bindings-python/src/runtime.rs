//! Glue between the core's one (fork-safe) tokio runtime and Python's two calling styles:
//! blocking calls that release the GIL and answer Ctrl-C, and asyncio futures whose
//! cancellation aborts the Rust task.
//!
//! Runtime workers never take the GIL: they hand asyncio results to the
//! [`outbox`](crate::outbox) (the queue of work for a thread that holds the GIL), and blocking
//! calls deliver what is queued before they return.

use std::future::Future;
use std::time::Duration;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

use crate::error::{IntoPyResult, to_py};
use crate::outbox::{self, Item, Job};

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
        outbox::flush(py)?;
        return match joined {
            Ok(result) => result.py_err(py),
            Err(e) => Err(to_py(py, e)),
        };
    }
    loop {
        let slice = py.detach(|| task.wait_slice(SIGNAL_SLICE));
        // A signal handler may run inside the delivery of log records rather than below.
        outbox::flush(py)?;
        match slice {
            Ok(Some(result)) => return result.py_err(py),
            Ok(None) => py.check_signals()?,
            Err(e) => return Err(to_py(py, e)),
        }
    }
}

/// [`block_on`] (`asyncio` false: the value) or [`into_asyncio`] (an `asyncio.Future`): the
/// two forms of every call, behind one native method.
pub fn run<T, F>(py: Python<'_>, asyncio: bool, future: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    if asyncio { into_asyncio(py, future).map(Bound::unbind) } else { block_on(py, future)?.into_py_any(py) }
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
        // The worker does not wait for the GIL: the outbox takes the result to the loop, whose
        // thread sets it unless the future was cancelled meanwhile. The call's log records
        // were queued before it, so they are in `logging` by then.
        let job: Job = Box::new(move |py| {
            let future = future_ref.bind(py);
            if future.call_method0("done")?.is_truthy()? {
                return Ok(());
            }
            match result.map(|value| value.into_py_any(py)) {
                Ok(Ok(value)) => future.call_method1("set_result", (value,)).map(drop),
                Ok(Err(err)) => future.call_method1("set_exception", (err.into_value(py),)).map(drop),
                Err(e) => future.call_method1("set_exception", (to_py(py, e).into_value(py),)).map(drop),
            }
        });
        outbox::push(Item::OnLoop { event_loop, job });
    });
    let canceller = Canceller { handle: handle.abort_handle() };
    py_future.call_method1("add_done_callback", (canceller,))?;
    Ok(py_future)
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
