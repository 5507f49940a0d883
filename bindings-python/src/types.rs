//! The FFI records as JSON text (python/omi_push/_records.py makes the dataclasses of them),
//! and what the records that Python builds (fakes in tests, pickles) take from the core.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use omi_push_ffi::{DeviceRecord, TicketRecord, records};

use crate::error::IntoPyResult;

/// A record as JSON text.
pub use omi_push_ffi::json::to_text as json;

pub fn devices(list: Vec<omi_push::Device>) -> omi_push::Result<String> {
    json(list.into_iter().map(DeviceRecord::from).collect::<Vec<_>>())
}

static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// JSON text → plain Python objects (`json.loads`).
pub fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    LOADS.import(py, "json", "loads")?.call1((text,))
}

/// ``PushTicket.parse(text)``: the `TicketRecord` of the core's reading (JSON).
#[pyfunction]
fn parse_ticket(py: Python<'_>, text: &str) -> PyResult<String> {
    TicketRecord::parse(text).and_then(json).py_err(py)
}

/// ``str(ticket)``: the core's string form of a ticket's fields.
#[pyfunction]
fn ticket_text(fields: (String, String, Option<String>, i64, Option<i64>)) -> String {
    let (nonce, user_id, device_id, sent_at_ms, expires_at_ms) = fields;
    TicketRecord { nonce, user_id, device_id, sent_at_ms, expires_at_ms, text: String::new() }.to_core().to_string()
}

/// ``Status(state).is_final``, as the FFI record derives it.
#[pyfunction]
fn state_is_final(state: &str) -> bool {
    records::state_is_final(state)
}

/// Adds the record functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(parse_ticket, m)?)?;
    m.add_function(wrap_pyfunction!(ticket_text, m)?)?;
    m.add_function(wrap_pyfunction!(state_is_final, m)?)?;
    m.add("STATES", records::STATES)?;
    m.add("OUTCOMES", records::OUTCOMES)
}
