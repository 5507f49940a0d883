//! The one place where core errors become Python exceptions: the core's `ErrorRecord` (JSON)
//! goes to `omi_push.errors._from_json`, which picks the class by its kind and copies its fields.

use pyo3::exceptions::{PyBaseException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use omi_push::Error;
use omi_push_ffi::ErrorRecord;

static FROM_JSON: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a core error into the matching `omi_push` exception.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let record = ErrorRecord::from(&err).to_json().to_string();
    match FROM_JSON.import(py, "omi_push.errors", "_from_json").and_then(|f| f.call1((record,))) {
        Ok(exc) => PyErr::from_value(exc),
        // Only if `omi_push.errors` cannot be imported (a broken install).
        Err(_) => PyRuntimeError::new_err(err.to_string()),
    }
}

/// Shorthand: `core_call().py_err(py)?`.
pub trait IntoPyResult<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

/// The exception of a value that the Python side refuses before calling the core (the core's
/// own error): an `InvalidArgumentError` for `field`, or without a field a `ConfigError`.
#[pyfunction]
pub fn refusal(py: Python<'_>, reason: String, field: Option<String>) -> Py<PyBaseException> {
    let err = match field {
        Some(field) => Error::InvalidArgument { field, reason },
        None => Error::Config(reason),
    };
    to_py(py, err).into_value(py)
}
