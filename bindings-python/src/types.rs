//! The result records as tuples of the FFI records (python/omi_push/_records.py makes the
//! dataclasses), and the argument conversions shared by the client classes.

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyType};
use serde_json::Value;

use omi_push_ffi::records;
use omi_push_ffi::{DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord};

use crate::error::{self, IntoPyResult};

/// A record as the tuple `omi_push._records` builds its dataclass from (field order of the
/// dataclass; the flags are the FFI record's).
pub type DeviceTuple = (String, Option<String>, Option<String>, Option<String>, Option<String>, Vec<(String, String)>);
pub type TicketTuple = (String, String, Option<String>, i64, Option<i64>);
pub type StatusTuple = (&'static str, String, bool);
pub type OutcomeTuple = (&'static str, f64, u32, Option<String>, bool);

pub fn device(d: omi_push::Device) -> DeviceTuple {
    let r = DeviceRecord::from(d);
    (r.id, r.name, r.platform, r.created_at, r.last_used_at, r.extra)
}

pub fn devices(list: Vec<omi_push::Device>) -> Vec<DeviceTuple> {
    list.into_iter().map(device).collect()
}

pub fn ticket(t: omi_push::PushTicket) -> TicketTuple {
    let r = TicketRecord::from(t);
    (r.nonce, r.user_id, r.device_id, r.sent_at_ms, r.expires_at_ms)
}

pub fn status(s: omi_push::Status) -> StatusTuple {
    let r = StatusRecord::from(s);
    (r.state, r.raw, r.is_final)
}

pub fn outcome(o: omi_push::Outcome) -> OutcomeTuple {
    let r = OutcomeRecord::from(o);
    (r.kind, r.elapsed_ms / 1000.0, r.polls, r.last_status, r.is_confirmed)
}

/// The static name in `names` equal to `given` (an `InvalidArgumentError` for `field` else).
fn name_of(py: Python<'_>, field: &str, given: &str, names: &[&'static str]) -> PyResult<&'static str> {
    names.iter().copied().find(|n| *n == given).ok_or_else(|| {
        let reason = format!("must be one of {}, not {given:?}", names.join(", "));
        error::invalid(py, field, &reason)
    })
}

/// The fields of ``PushTicket.parse(text)`` (the core reads the ticket).
#[pyfunction]
fn parse_ticket(py: Python<'_>, text: &str) -> PyResult<TicketTuple> {
    let r = TicketRecord::parse(text).py_err(py)?;
    Ok((r.nonce, r.user_id, r.device_id, r.sent_at_ms, r.expires_at_ms))
}

/// ``str(ticket)``: the core's string form of a ticket.
#[pyfunction]
#[pyo3(signature = (nonce, user_id, device_id, sent_at_ms, expires_at_ms))]
fn ticket_text(
    nonce: String,
    user_id: String,
    device_id: Option<String>,
    sent_at_ms: i64,
    expires_at_ms: Option<i64>,
) -> String {
    let text = String::new();
    TicketRecord { nonce, user_id, device_id, sent_at_ms, expires_at_ms, text }.to_core().to_string()
}

/// The fields of ``Status(state, raw)`` (``is_final`` as the FFI record derives it).
#[pyfunction]
#[pyo3(signature = (state, raw=None))]
fn status_record(py: Python<'_>, state: &str, raw: Option<String>) -> PyResult<StatusTuple> {
    let state = name_of(py, "state", state, &records::STATES)?;
    let raw = raw.unwrap_or_else(|| state.to_ascii_uppercase());
    Ok((state, raw, records::state_is_final(state)))
}

/// The fields of ``Outcome(kind, elapsed, polls, last_status)``.
#[pyfunction]
#[pyo3(signature = (kind, elapsed, polls, last_status=None))]
fn outcome_record(
    py: Python<'_>,
    kind: &str,
    elapsed: f64,
    polls: u32,
    last_status: Option<String>,
) -> PyResult<OutcomeTuple> {
    let kind = name_of(py, "kind", kind, &records::OUTCOMES)?;
    if !(elapsed.is_finite() && elapsed >= 0.0) {
        return Err(error::invalid(py, "elapsed", "must be a finite, non-negative number of seconds"));
    }
    Ok((kind, elapsed, polls, last_status, kind == "confirmed"))
}

/// Adds the record functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_ticket, m)?)?;
    m.add_function(wrap_pyfunction!(ticket_text, m)?)?;
    m.add_function(wrap_pyfunction!(status_record, m)?)?;
    m.add_function(wrap_pyfunction!(outcome_record, m)?)
}

/// JSON value → plain Python objects.
pub fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Seconds (int or float) or a `datetime.timedelta` → a positive finite `Duration`.
/// Wrong types raise `TypeError`; negative, NaN or huge values `InvalidArgumentError`.
/// Zero is passed on, so the core's own check names it.
pub fn duration_arg(py: Python<'_>, field: &str, value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    let seconds: f64 = if value.is_instance_of::<PyBool>() {
        return Err(error::type_error(field, "a number of seconds or a datetime.timedelta", value));
    } else if value.is_instance_of::<PyInt>() {
        // An int beyond a float's range is refused below like any other huge value, not
        // with an `OverflowError`.
        match value.extract::<f64>() {
            Ok(seconds) => seconds,
            Err(_) if value.lt(0)? => f64::MIN,
            Err(_) => f64::MAX,
        }
    } else if value.is_instance_of::<PyFloat>() {
        value.extract()?
    } else if value.is_instance(TIMEDELTA.import(py, "datetime", "timedelta")?)? {
        value.call_method0("total_seconds")?.extract()?
    } else {
        return Err(error::type_error(field, "a number of seconds or a datetime.timedelta", value));
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(error::invalid(py, field, "must be a finite, non-negative number of seconds"));
    }
    if seconds > 1e9 {
        return Err(error::invalid(py, field, "is too large"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Like [`duration_arg`], for optional arguments.
pub fn opt_duration(py: Python<'_>, field: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Duration>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => duration_arg(py, field, v).map(Some),
    }
}

/// An optional integer option of the client (`max_retries`, `max_message_chars`) → the
/// core's unsigned type. An `int` (or an object with `__index__`) that the type cannot hold
/// raises `ConfigError` naming the option, as the core's own checks of a configuration do;
/// other types (`bool` included) raise `TypeError`.
pub fn opt_count<T: TryFrom<u64>>(
    py: Python<'_>,
    field: &str,
    value: Option<&Bound<'_, PyAny>>,
    max: u64,
) -> PyResult<Option<T>> {
    let value = match value {
        Some(v) if !v.is_none() => v,
        _ => return Ok(None),
    };
    let int = if value.is_instance_of::<PyBool>() {
        return Err(error::type_error(field, "an int", value));
    } else if value.is_instance_of::<PyInt>() {
        value.clone()
    } else if value.hasattr("__index__")? {
        value.call_method0("__index__").map_err(|_| error::type_error(field, "an int", value))?
    } else {
        return Err(error::type_error(field, "an int", value));
    };
    let fits = int.extract::<u64>().ok().filter(|n| *n <= max).and_then(|n| T::try_from(n).ok());
    match fits {
        Some(n) => Ok(Some(n)),
        None if int.lt(0)? => Err(error::config(py, &format!("{field} must not be negative (got {int})"))),
        None => Err(error::config(py, &format!("{field} must be at most {max} (got {int})"))),
    }
}
