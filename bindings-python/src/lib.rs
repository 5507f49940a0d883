//! `omi_push._native`, behind the `omi_push` Python package: it converts arguments, calls the
//! core (`omi-push`) and converts results and errors; all behaviour lives in the core.

mod client;
mod error;
mod flow;
mod logging;
mod outbox;
mod runtime;
mod stepup;
mod testing;
mod types;

use pyo3::prelude::*;

/// The native part of ``omi_push``; import ``omi_push`` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    outbox::install(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Core>()?;
    m.add_class::<stepup::StepUpCore>()?;
    m.add_class::<flow::FlowCore>()?;
    m.add_function(wrap_pyfunction!(flow::flow_wants_json, m)?)?;
    m.add_function(wrap_pyfunction!(error::refusal, m)?)?;
    m.add_function(wrap_pyfunction!(generate_nonce, m)?)?;
    types::register(m)?;
    testing::register(m)
}

/// A fresh random nonce (24 URL-safe characters), as ``send_push`` makes when none is given.
#[pyfunction]
fn generate_nonce(py: Python<'_>) -> PyResult<String> {
    error::IntoPyResult::py_err(omi_push::generate_nonce(), py)
}
