//! `omi_push_testing._native`: the native half of the `omi-push-testing` wheel, a thin shim over
//! the one simulator handle of every binding (`omi_push_ffi::sim::SimHandle`): start, request
//! (JSON in, JSON out) and stop. The Pythonic helper, `omi_push_testing.Simulator` (re-exported
//! as `omi_push.testing.Simulator`), builds its methods on `request`.
//!
//! A library of its own so that the `omi-push` wheel never links the simulator (axum server,
//! phone page). It runs the simulator on its own copy of the core's runtime (fork-safe as the
//! core's is).
//!
//! Every call releases the GIL: a simulator call may wait for the simulator's state lock. The
//! simulator's log events wait in [`events`] until Python takes them.

mod events;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use omi_push_ffi::sim;

/// A `omi_push_testing.SimulatorError` for a failed simulator operation.
fn simulator_error(py: Python<'_>, message: String) -> PyErr {
    let class = py.import("omi_push_testing").and_then(|m| m.getattr("SimulatorError"));
    match class.and_then(|c| c.call1((message.clone(),))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(_) => PyRuntimeError::new_err(message),
    }
}

/// A running simulator (see ``omi_push.testing.Simulator``).
#[pyclass(frozen, module = "omi_push_testing._native")]
pub struct SimHandle {
    inner: sim::SimHandle,
}

#[pymethods]
impl SimHandle {
    /// Starts a simulator from its JSON configuration (see the simulator's README).
    #[staticmethod]
    fn start(py: Python<'_>, config_json: &str) -> PyResult<SimHandle> {
        let inner = py.detach(|| sim::SimHandle::start(Some(config_json))).map_err(|e| simulator_error(py, e))?;
        Ok(SimHandle { inner })
    }

    /// Answers one request (a JSON object with ``do``), as JSON.
    fn request(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        py.detach(|| self.inner.request_json(request_json)).map_err(|e| simulator_error(py, e))
    }

    /// Stops the server. Idempotent.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.inner.stop());
    }
}

/// The native part of ``omi_push_testing``; import ``omi_push.testing`` instead.
#[pymodule(name = "_native")]
fn omi_push_testing_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    events::install();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<SimHandle>()?;
    m.add_function(wrap_pyfunction!(events::take_events, m)?)?;
    Ok(())
}
