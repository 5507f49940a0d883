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

/// Runs `future` (its result is text: a record's JSON, a verdict) on the core's runtime.
///
/// With `asyncio`, returns an `asyncio.Future` of the running loop, set on the loop's thread
/// (after the call's log records); when it is done (cancelled or set), the task is aborted.
/// Otherwise blocks until it ends, without the GIL, and delivers what the outbox holds (the
/// call's log records) before returning: in the main thread in slices, so that a pending signal
/// (Ctrl-C) raises here (dropping the task then aborts it); other threads never see signals and
/// block once (the call's deadline bounds it), so thousands of waiting threads cost nothing.
pub fn run<F>(py: Python<'_>, asyncio: bool, future: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = omi_push::Result<String>> + Send + 'static,
{
    if asyncio {
        let event_loop = GET_RUNNING_LOOP.import(py, "asyncio", "get_running_loop")?.call0()?;
        let py_future = event_loop.call_method0("create_future")?;
        let (event_loop, future_ref) = (event_loop.unbind(), py_future.clone().unbind());
        let task = omi_push::runtime::shared().py_err(py)?.spawn(async move {
            let result = future.await;
            // Set on the loop's thread unless cancelled meanwhile (the call's log records first).
            let job: Job = Box::new(move |py| {
                let future = future_ref.bind(py);
                if future.call_method0("done")?.is_truthy()? {
                    return Ok(());
                }
                match result {
                    Ok(text) => future.call_method1("set_result", (text,)).map(drop),
                    Err(e) => future.call_method1("set_exception", (to_py(py, e).into_value(py),)).map(drop),
                }
            });
            outbox::push(Some(event_loop), job);
        });
        let abort = task.abort_handle();
        let on_done = move |_: &Bound<'_, PyTuple>, _: Option<&Bound<'_, PyDict>>| abort.abort();
        py_future.call_method1("add_done_callback", (PyCFunction::new_closure(py, None, None, on_done)?,))?;
        return Ok(py_future.unbind());
    }
    let main = MAIN_THREAD.import(py, "threading", "main_thread")?.call0()?.getattr("ident")?;
    let in_main = main.eq(GET_IDENT.import(py, "threading", "get_ident")?.call0()?)?;
    let mut task = omi_push::runtime::spawn(future).py_err(py)?;
    if !in_main {
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
