//! The small immutable result classes (`Device`, `PushTicket`, `Status`, `Outcome`) and the
//! argument conversions shared by the client classes.

use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde_json::Value;

use omi_push_ffi::records;
use omi_push_ffi::{DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord};

use crate::error::{self, IntoPyResult};

/// A device enrolled for push confirmations.
#[pyclass(frozen, eq, hash, module = "omi_push")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Device {
    /// The device id, used as ``device_id`` of :meth:`Client.send_push`.
    #[pyo3(get)]
    id: String,
    /// Display name, when the server gives one.
    #[pyo3(get)]
    name: Option<String>,
    /// ``"android"``, ``"ios"`` or whatever else the server says.
    #[pyo3(get)]
    platform: Option<String>,
    /// Enrolment time as the server sent it (RFC 3339 text).
    #[pyo3(get)]
    created_at: Option<String>,
    /// Time of last use as the server sent it (RFC 3339 text).
    #[pyo3(get)]
    last_used_at: Option<String>,
    /// The other fields, each value as JSON text.
    extra: Vec<(String, String)>,
}

impl From<omi_push::Device> for Device {
    fn from(d: omi_push::Device) -> Device {
        let r = DeviceRecord::from(d);
        Device {
            id: r.id,
            name: r.name,
            platform: r.platform,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            extra: r.extra,
        }
    }
}

static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pymethods]
impl Device {
    /// A device as the server would list it (for fakes in tests); ``extra`` holds JSON values.
    #[new]
    #[pyo3(signature = (id, name=None, platform=None, created_at=None, last_used_at=None, extra=None))]
    fn new(
        py: Python<'_>,
        id: String,
        name: Option<String>,
        platform: Option<String>,
        created_at: Option<String>,
        last_used_at: Option<String>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Device> {
        let mut fields = Vec::new();
        if let Some(extra) = extra {
            let dumps = JSON_DUMPS.import(py, "json", "dumps")?;
            for (k, v) in extra.iter() {
                fields.push((k.extract::<String>()?, dumps.call1((v,))?.extract::<String>()?));
            }
        }
        Ok(Device { id, name, platform, created_at, last_used_at, extra: fields })
    }

    /// Pickles by its fields.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let d = slf.get();
        let args = (&d.id, &d.name, &d.platform, &d.created_at, &d.last_used_at, Device::extra(d, slf.py())?);
        (slf.get_type(), args).into_pyobject(slf.py())
    }

    /// Every other field the server sent, as it came (a fresh dict on each access).
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.extra {
            let value: Value = serde_json::from_str(v).unwrap_or(Value::Null);
            dict.set_item(k, json_to_py(py, &value)?)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!(
            "Device(id={}, name={}, platform={})",
            py_str(&self.id),
            py_opt(self.name.as_deref()),
            py_opt(self.platform.as_deref())
        )
    }
}

/// A sent push. ``str(ticket)`` is a compact, URL-safe string that
/// :meth:`PushTicket.parse` reads back, so a web app can keep it in a session and wait
/// from another request or worker. It holds no secret.
#[pyclass(frozen, eq, hash, module = "omi_push")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PushTicket {
    /// The nonce that identifies this push; pass it to ``wait_for_confirmation``.
    #[pyo3(get)]
    nonce: String,
    /// The user the push was sent to.
    #[pyo3(get)]
    user_id: String,
    /// The device the push was sent to, or ``None`` for all of the user's devices.
    #[pyo3(get)]
    device_id: Option<String>,
    /// When the push was accepted, in Unix milliseconds.
    #[pyo3(get)]
    sent_at_ms: i64,
    /// When the server said the push expires, in Unix milliseconds, if it said.
    #[pyo3(get)]
    expires_at_ms: Option<i64>,
    /// `str(ticket)`.
    text: String,
}

impl From<omi_push::PushTicket> for PushTicket {
    fn from(t: omi_push::PushTicket) -> PushTicket {
        PushTicket::from(TicketRecord::from(t))
    }
}

impl From<TicketRecord> for PushTicket {
    fn from(r: TicketRecord) -> PushTicket {
        PushTicket {
            nonce: r.nonce,
            user_id: r.user_id,
            device_id: r.device_id,
            sent_at_ms: r.sent_at_ms,
            expires_at_ms: r.expires_at_ms,
            text: r.text,
        }
    }
}

static FROM_TIMESTAMP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn utc_datetime(py: Python<'_>, ms: i64) -> PyResult<Bound<'_, PyAny>> {
    let from_ts = FROM_TIMESTAMP.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let dt = py.import("datetime")?;
        let utc = dt.getattr("timezone")?.getattr("utc")?;
        let partial = py.import("functools")?.getattr("partial")?;
        let f = partial
            .call((dt.getattr("datetime")?.getattr("fromtimestamp")?,), Some(&[("tz", utc)].into_py_dict(py)?))?;
        Ok(f.unbind())
    })?;
    from_ts.bind(py).call1((ms as f64 / 1000.0,))
}

use pyo3::types::IntoPyDict;

#[pymethods]
impl PushTicket {
    /// Reads a ticket back from ``str(ticket)``. Raises ``InvalidArgumentError`` (a
    /// ``ValueError``) when the text is not a ticket.
    #[classmethod]
    fn parse(_cls: &Bound<'_, PyType>, py: Python<'_>, text: &str) -> PyResult<PushTicket> {
        TicketRecord::parse(text).map(PushTicket::from).py_err(py)
    }

    /// When the push was accepted (an aware ``datetime`` in UTC).
    #[getter]
    fn sent_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        utc_datetime(py, self.sent_at_ms)
    }

    /// When the server said the push expires (aware ``datetime`` in UTC), or ``None``.
    #[getter]
    fn expires_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.expires_at_ms.map(|ms| utc_datetime(py, ms)).transpose()
    }

    fn __str__(&self) -> &str {
        &self.text
    }

    fn __repr__(&self) -> String {
        format!(
            "PushTicket(nonce={}, user_id={}, device_id={})",
            py_str(&self.nonce),
            py_str(&self.user_id),
            py_opt(self.device_id.as_deref())
        )
    }

    /// Pickles as its string form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let parse = slf.get_type().getattr("parse")?;
        let text = slf.get().text.clone();
        (parse, (text,)).into_pyobject(slf.py())
    }
}

/// The confirmation state of a push, as read once by ``confirmation_status``.
#[pyclass(frozen, eq, hash, module = "omi_push")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Status {
    /// ``"pending"``, ``"confirmed"``, ``"rejected"``, ``"expired"`` or ``"unknown"``.
    #[pyo3(get)]
    state: &'static str,
    /// The state string exactly as the server sent it.
    #[pyo3(get)]
    raw: String,
    /// ``True`` when no further change is expected (confirmed, rejected or expired).
    #[pyo3(get)]
    is_final: bool,
}

impl From<omi_push::Status> for Status {
    fn from(s: omi_push::Status) -> Status {
        let r = StatusRecord::from(s);
        Status { state: r.state, raw: r.raw, is_final: r.is_final }
    }
}

/// The static name in `names` equal to `given` (an `InvalidArgumentError` for `field` else).
fn name_of(py: Python<'_>, field: &str, given: &str, names: &[&'static str]) -> PyResult<&'static str> {
    names.iter().copied().find(|n| *n == given).ok_or_else(|| {
        let reason = format!("must be one of {}, not {given:?}", names.join(", "));
        error::invalid(py, field, &reason)
    })
}

#[pymethods]
impl Status {
    /// A status as a poll would read it (for fakes in tests); ``is_final`` follows the state.
    #[new]
    #[pyo3(signature = (state, raw=None))]
    fn new(py: Python<'_>, state: &str, raw: Option<String>) -> PyResult<Status> {
        let state = name_of(py, "state", state, &records::STATES)?;
        let raw = raw.unwrap_or_else(|| state.to_ascii_uppercase());
        Ok(Status { state, raw, is_final: records::state_is_final(state) })
    }

    /// Pickles by its fields.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let s = slf.get();
        (slf.get_type(), (s.state, &s.raw)).into_pyobject(slf.py())
    }

    fn __repr__(&self) -> String {
        format!("Status(state={}, raw={})", py_str(self.state), py_str(&self.raw))
    }
}

/// How a wait ended. Outcomes are data, not errors: only failures raise.
#[pyclass(frozen, eq, module = "omi_push")]
#[derive(Clone, PartialEq)]
pub struct Outcome {
    /// ``"confirmed"``, ``"rejected"``, ``"expired"`` or ``"timed_out"``.
    #[pyo3(get)]
    kind: &'static str,
    /// Seconds from the start of the wait to its end.
    #[pyo3(get)]
    elapsed: f64,
    /// Confirmation requests sent (failed ones included).
    #[pyo3(get)]
    polls: u32,
    /// The last state string the server sent, as it came.
    #[pyo3(get)]
    last_status: Option<String>,
    /// The user approved the push (also ``confirmed``).
    #[pyo3(get)]
    is_confirmed: bool,
}

impl From<omi_push::Outcome> for Outcome {
    fn from(o: omi_push::Outcome) -> Outcome {
        let r = OutcomeRecord::from(o);
        Outcome {
            kind: r.kind,
            elapsed: r.elapsed_ms / 1000.0,
            polls: r.polls,
            last_status: r.last_status,
            is_confirmed: r.is_confirmed,
        }
    }
}

impl std::hash::Hash for Outcome {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (self.kind, self.elapsed.to_bits(), self.polls, &self.last_status).hash(h);
    }
}

#[pymethods]
impl Outcome {
    /// An outcome as a wait would end (for fakes in tests).
    #[new]
    #[pyo3(signature = (kind, elapsed=0.0, polls=0, last_status=None))]
    fn new(py: Python<'_>, kind: &str, elapsed: f64, polls: u32, last_status: Option<String>) -> PyResult<Outcome> {
        let kind = name_of(py, "kind", kind, &records::OUTCOMES)?;
        if !(elapsed.is_finite() && elapsed >= 0.0) {
            return Err(error::invalid(py, "elapsed", "must be a finite, non-negative number of seconds"));
        }
        Ok(Outcome { kind, elapsed, polls, last_status, is_confirmed: kind == "confirmed" })
    }

    /// Pickles by its fields.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let o = slf.get();
        (slf.get_type(), (o.kind, o.elapsed, o.polls, &o.last_status)).into_pyobject(slf.py())
    }

    /// ``bool(outcome)`` is ``outcome.is_confirmed``.
    fn __bool__(&self) -> bool {
        self.is_confirmed
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }

    /// The user approved the push.
    #[getter]
    fn confirmed(&self) -> bool {
        self.is_confirmed
    }
    /// The user denied the push.
    #[getter]
    fn rejected(&self) -> bool {
        self.kind == "rejected"
    }
    /// The push expired before the user answered.
    #[getter]
    fn expired(&self) -> bool {
        self.kind == "expired"
    }
    /// The wait's timeout passed first; the push may still be answered later.
    #[getter]
    fn timed_out(&self) -> bool {
        self.kind == "timed_out"
    }

    fn __repr__(&self) -> String {
        format!(
            "Outcome(kind={}, elapsed={:.3}, polls={}, last_status={})",
            py_str(self.kind),
            self.elapsed,
            self.polls,
            py_opt(self.last_status.as_deref())
        )
    }
}

/// A Python-style quoted string for reprs.
fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn py_opt(s: Option<&str>) -> String {
    s.map(py_str).unwrap_or_else(|| "None".to_string())
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

/// A nonce given as a string or as a `PushTicket`.
pub fn nonce_arg(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if value.is_instance_of::<PyString>() {
        return value.extract();
    }
    if let Ok(t) = value.cast::<PushTicket>() {
        return Ok(t.get().nonce.clone());
    }
    Err(PyTypeError::new_err(format!(
        "nonce must be a str or a PushTicket, not {}",
        value.get_type().name().map(|n| n.to_string()).unwrap_or_default()
    )))
}
