//! The one place where core errors become Python exceptions.
//!
//! The exception classes live in `omi_push/errors.py` (so they pickle and carry structured
//! attributes); this module imports them once and raises the class that matches the core's
//! error kind.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

use omi_push::{Error, ErrorKind};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS.get_or_try_init(py, || py.import("omi_push.errors").map(Bound::unbind)).map(|m| m.bind(py))
}

fn class_name(err: &Error) -> &'static str {
    match err {
        e if e.is_timeout() => "RequestTimeoutError",
        _ => match err.kind() {
            ErrorKind::InvalidArgument => "InvalidArgumentError",
            ErrorKind::Config => "ConfigError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::PermissionDenied => "PermissionDeniedError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::RateLimited => "RateLimitedError",
            ErrorKind::Server => "ServerError",
            ErrorKind::Transport => "TransportError",
            ErrorKind::Protocol => "ProtocolError",
            ErrorKind::Cancelled => "CancelledError",
            _ => "OmiError",
        },
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let module = errors_module(py)?;
    let class = module.getattr(class_name(err))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", err.kind().as_str())?;
    kwargs.set_item("status", err.status())?;
    kwargs.set_item("code", err.code())?;
    kwargs.set_item("request_id", err.request_id())?;
    kwargs.set_item("retry_after", err.retry_after().map(|d| d.as_secs_f64()))?;
    kwargs.set_item("missing_scope", err.missing_scope())?;
    kwargs.set_item("field", err.field())?;
    kwargs.set_item("retryable", err.is_retryable())?;
    // The core guarantees that no error text carries the secret or a token.
    let exc = class.call((err.to_string(),), Some(&kwargs))?;
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

/// A `omi_push.testing.SimulatorError` for a failed simulator operation.
pub fn simulator(py: Python<'_>, message: String) -> PyErr {
    let class = py.import("omi_push.testing").and_then(|m| m.getattr("SimulatorError"));
    match class.and_then(|c| c.call1((message.clone(),))) {
        Ok(exc) => PyErr::from_value(exc),
        Err(_) => PyRuntimeError::new_err(message),
    }
}
