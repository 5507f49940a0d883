//! Glue between the core's one (fork-safe) tokio runtime and Python's two calling styles:
//! blocking calls that release the GIL and answer Ctrl-C, and asyncio futures whose
//! cancellation aborts the Rust task.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

use crate::error::{IntoPyResult, to_py};

/// How long a blocking call sleeps before it looks for signals (Ctrl-C) again.
const SIGNAL_SLICE: Duration = Duration::from_millis(50);

/// Runs `future` on the core's runtime and blocks until it ends, without holding the GIL.
/// A pending signal (Ctrl-C) raises its exception here; dropping the task then aborts it,
/// which stops its I/O.
pub fn block_on<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let mut task = omi_push::runtime::spawn(future).py_err(py)?;
    loop {
        match py.detach(|| task.wait_slice(SIGNAL_SLICE)) {
            Ok(Some(result)) => return result.py_err(py),
            Ok(None) => py.check_signals()?,
            Err(e) => return Err(to_py(py, e)),
        }
    }
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Runs `future` on the core's runtime and returns an `asyncio.Future` of the running event
/// loop that gets its result. Cancelling that future aborts the task.
pub fn into_asyncio<'py, T, F>(py: Python<'py>, future: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let event_loop = GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()?;
    let py_future = event_loop.call_method0("create_future")?;
    let runtime = omi_push::runtime::shared().py_err(py)?;
    let loop_ref = event_loop.unbind();
    let future_ref = py_future.clone().unbind();
    let handle = runtime.spawn(async move {
        let result = future.await;
        // `None` when the interpreter is shutting down: nobody is left to tell.
        let _ = Python::try_attach(move |py| {
            let settled = match result {
                Ok(value) => value.into_py_any(py),
                Err(e) => Err(to_py(py, e)),
            };
            let resolver = Resolver {
                future: future_ref,
                result: Mutex::new(Some(settled)),
            };
            // Fails only when the loop is closed; then nobody waits for the result.
            let _ = loop_ref.call_method1(py, "call_soon_threadsafe", (resolver,));
        });
    });
    let canceller = Canceller {
        handle: handle.abort_handle(),
    };
    py_future.call_method1("add_done_callback", (canceller,))?;
    Ok(py_future)
}

/// Sets the asyncio future's result on the loop's thread, unless it was cancelled meanwhile.
#[pyclass(frozen)]
struct Resolver {
    future: Py<PyAny>,
    result: Mutex<Option<PyResult<Py<PyAny>>>>,
}

#[pymethods]
impl Resolver {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let future = self.future.bind(py);
        if future.call_method0("done")?.is_truthy()? {
            return Ok(());
        }
        let taken = self.result.lock().unwrap_or_else(|p| p.into_inner()).take();
        match taken {
            Some(Ok(value)) => future.call_method1("set_result", (value,))?,
            Some(Err(err)) => future.call_method1("set_exception", (err.into_value(py),))?,
            None => return Ok(()),
        };
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
