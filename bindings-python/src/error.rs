//! The one place where core errors become Python exceptions.
//!
//! The exception classes live in `omi_push/errors.py` (so they pickle and carry structured
//! attributes); this module turns a core error into its `ErrorRecord` and hands it to
//! `omi_push.errors._from_record`, the one conversion.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

use omi_push::Error;
use omi_push_ffi::ErrorRecord;

use crate::types::json_to_py;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS.get_or_try_init(py, || py.import("omi_push.errors").map(Bound::unbind)).map(|m| m.bind(py))
}

/// Every error goes through the core's record: `omi_push.errors._from_record` picks the class
/// by the record's kind and copies its fields (the core's own retryable, status, …).
fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let record = json_to_py(py, &ErrorRecord::from(err).to_json())?;
    let exc = errors_module(py)?.call_method1("_from_record", (record,))?;
    Ok(PyErr::from_value(exc))
}

/// Converts a core error into the matching `omi_push` exception.
pub fn to_py(py: Python<'_>, err: Error) -> PyErr {
    match build(py, &err) {
        Ok(e) => e,
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

/// An `InvalidArgumentError` for a value the binding refuses before calling the core.
pub fn invalid(py: Python<'_>, field: &str, reason: &str) -> PyErr {
    let err = Error::InvalidArgument { field: field.to_string(), reason: reason.to_string() };
    to_py(py, err)
}

/// A `ConfigError` raised by the binding itself (e.g. a closed client).
pub fn config(py: Python<'_>, message: &str) -> PyErr {
    to_py(py, Error::Config(message.to_string()))
}

/// A `TypeError` naming the argument.
pub fn type_error(field: &str, expected: &str, got: &Bound<'_, PyAny>) -> PyErr {
    let got = got.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("{field} must be {expected}, not {got}"))
}
