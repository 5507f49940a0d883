//! `_native.SimHandle`: a thin shim over the one simulator handle of every binding
//! (`omi_push_ffi::sim::SimHandle`): start, request (JSON in, JSON out) and stop. The Pythonic
//! helper, `omi_push.testing.Simulator` (python/omi_push/testing.py), builds its methods on
//! `request`. Also the error probe and option list the tests read.
//!
//! Every call releases the GIL: the simulator's threads log through Python `logging`, so
//! holding the GIL while waiting for the simulator's state lock could deadlock.

use pyo3::prelude::*;

use omi_push_ffi::sim;

use crate::error;

/// A running simulator (see ``omi_push.testing.Simulator``).
#[pyclass(frozen, module = "omi_push._native")]
pub struct SimHandle {
    inner: sim::SimHandle,
}

#[pymethods]
impl SimHandle {
    /// Starts a simulator from its JSON configuration (see the simulator's README).
    #[staticmethod]
    fn start(py: Python<'_>, config_json: &str) -> PyResult<SimHandle> {
        let inner = py.detach(|| sim::SimHandle::start(Some(config_json))).map_err(|e| error::simulator(py, e))?;
        Ok(SimHandle { inner })
    }

    /// Answers one request (a JSON object with ``do``), as JSON.
    fn request(&self, py: Python<'_>, request_json: &str) -> PyResult<String> {
        py.detach(|| self.inner.request_json(request_json)).map_err(|e| error::simulator(py, e))
    }

    /// Stops the server. Idempotent.
    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.inner.stop());
    }
}

/// The error kinds of the core, in its order (`omi_push_ffi::KINDS`).
#[pyfunction]
pub fn error_kinds() -> Vec<&'static str> {
    omi_push_ffi::KINDS.to_vec()
}

/// Raises the core's sample error of `kind` through the normal conversion (the
/// cross-language error probe).
#[pyfunction]
pub fn raise_sample_error(py: Python<'_>, kind: &str) -> PyResult<()> {
    match omi_push_ffi::error::sample(kind) {
        Some(e) => Err(error::to_py(py, e)),
        None => Err(pyo3::exceptions::PyValueError::new_err(format!("no error kind {kind:?}"))),
    }
}

/// The record of the core's sample error of `kind`, as JSON.
#[pyfunction]
pub fn sample_error_record(kind: &str) -> PyResult<String> {
    omi_push_ffi::error::sample_record(kind)
        .map(|r| r.to_json().to_string())
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("no error kind {kind:?}")))
}

/// The core's client option names (`omi_push_ffi::options::client_option_names`), for the
/// test that `Client(...)` offers every one.
#[pyfunction]
pub fn client_option_names() -> Vec<String> {
    omi_push_ffi::options::client_option_names()
}
