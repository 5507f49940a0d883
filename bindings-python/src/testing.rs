//! The error probe and option list that `omi_push.testing` and the tests read. The simulator
//! itself is not here: it is the testing kit, the `omi-push-testing` wheel (`../testing/`), so
//! that this library links no simulator code.

use pyo3::prelude::*;

use crate::error;

/// The error kinds of the core, in its order (`omi_push_ffi::KINDS`).
#[pyfunction]
fn error_kinds() -> Vec<&'static str> {
    omi_push_ffi::KINDS.to_vec()
}

/// Raises the core's sample error of `kind` through the normal conversion (the
/// cross-language error probe).
#[pyfunction]
fn raise_sample_error(py: Python<'_>, kind: &str) -> PyResult<()> {
    match omi_push_ffi::error::sample(kind) {
        Some(e) => Err(error::to_py(py, e)),
        None => Err(pyo3::exceptions::PyValueError::new_err(format!("no error kind {kind:?}"))),
    }
}

/// The record of the core's sample error of `kind`, as JSON.
#[pyfunction]
fn sample_error_record(kind: &str) -> PyResult<String> {
    omi_push_ffi::error::sample_record(kind)
        .map(|r| r.to_json().to_string())
        .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("no error kind {kind:?}")))
}

/// The core's client option names (`omi_push_ffi::options::client_option_names`), for the
/// test that `Client(...)` offers every one.
#[pyfunction]
fn client_option_names() -> Vec<String> {
    omi_push_ffi::options::client_option_names()
}

/// Adds these functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(client_option_names, m)?)?;
    m.add_function(wrap_pyfunction!(raise_sample_error, m)?)?;
    m.add_function(wrap_pyfunction!(sample_error_record, m)?)
}
