//! The two calling styles of every native method, on the core's one (fork-safe) runtime:
//! blocking without the GIL (answering Ctrl-C), or an asyncio future whose cancellation aborts
//! the task. Runtime workers never take the GIL: results go through the [`outbox`].

use std::future::Future;
use std::time::Duration;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyDict, PyTuple};

use crate::error::{IntoPyResult, to_py};
use crate::outbox::{self, Job};

/// How long a blocking call sleeps before it looks for signals (Ctrl-C) again.
const SIGNAL_SLICE: Duration = Duration::from_millis(50);

static MAIN_THREAD: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GET_IDENT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Runs `future` on the core's runtime. Without `asyncio`, blocks until it ends, without the
/// GIL, and delivers what the outbox holds (the call's log records) before returning: in the
/// main thread in slices, so that a pending signal (Ctrl-C) raises here (dropping the task
/// then aborts it); other threads never see signals and block once (the call's deadline
/// bounds it), so thousands of waiting threads cost nothing. With `asyncio`, returns an
/// `asyncio.Future` of the running loop, whose thread sets the result.
pub fn run<T, F>(py: Python<'_>, asyncio: bool, future: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    if asyncio {
        return into_asyncio(py, future);
    }
    let mut task = omi_push::runtime::spawn(future).py_err(py)?;
    let main = MAIN_THREAD.import(py, "threading", "main_thread")?.call0()?.getattr("ident")?;
    if !main.eq(GET_IDENT.import(py, "threading", "get_ident")?.call0()?)? {
        let joined = py.detach(move || task.join());
        outbox::flush(py)?;
        return joined.and_then(|result| result).py_err(py)?.into_py_any(py);
    }
    loop {
        let slice = py.detach(|| task.wait_slice(SIGNAL_SLICE));
        // A signal handler may run inside the delivery of log records rather than below.
        outbox::flush(py)?;
        match slice.py_err(py)? {
            Some(result) => return result.py_err(py)?.into_py_any(py),
            None => py.check_signals()?,
        }
    }
}

fn into_asyncio<T, F>(py: Python<'_>, future: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let event_loop = GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()?;
    let py_future = event_loop.call_method0("create_future")?;
    let (event_loop, future_ref) = (event_loop.unbind(), py_future.clone().unbind());
    let task = omi_push::runtime::shared().py_err(py)?.spawn(async move {
        let result = future.await;
        // Set on the loop's thread unless cancelled meanwhile; the call's log records were
        // queued before it.
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
        outbox::push(Some(event_loop), job);
    });
    // Done (cancelled or settled): abort the task (aborting a finished task does nothing).
    let abort = task.abort_handle();
    let on_done = move |_: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| abort.abort();
    py_future.call_method1("add_done_callback", (PyCFunction::new_closure(py, None, None, on_done)?,))?;
    Ok(py_future.unbind())
}
