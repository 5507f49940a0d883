//! `_native.Core`: one core client, behind `omi_push.Client` and `AsyncClient` (_client.py,
//! which checks the arguments' types).

use std::sync::Arc;

use omi_push::{EventHook, WaitOptions};
use omi_push_ffi::{OutcomeRecord, StatusRecord, TicketRecord};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use crate::error::IntoPyResult;
use crate::outbox;
use crate::runtime::run;
use crate::types::{self, json, loads};

#[pyclass(frozen, module = "omi_push._native")]
pub struct Core {
    /// The core client (cheap to clone; the step-ups built on it share it).
    pub(crate) client: omi_push::Client,
    /// As normalised by the client.
    #[pyo3(get)]
    base_url: String,
}

/// `(client_secret, access_token)`.
type Secrets = (Option<String>, Option<String>);

/// `(user_id, message, device_id, nonce)`.
type PushArgs = (String, String, Option<String>, Option<String>);

/// A wait's `(timeout_ms, poll_interval_ms)`.
pub type WaitMs = (Option<f64>, Option<f64>);

/// Per-call wait options by the core's one duration rule.
pub fn wait_options(py: Python<'_>, (timeout_ms, poll_interval_ms): WaitMs) -> PyResult<WaitOptions> {
    omi_push_ffi::options::wait(timeout_ms, poll_interval_ms, None).py_err(py)
}

#[pymethods]
impl Core {
    /// `options`: the core's `ClientOptions` as JSON; the secret and the token cross apart.
    #[new]
    fn new(py: Python<'_>, options: &str, secrets: Secrets, on_event: Option<Py<PyAny>>) -> PyResult<Core> {
        let mut config = omi_push_ffi::json::client_config(options, secrets.0, secrets.1).py_err(py)?;
        if let Some(callback) = on_event {
            config = config.with_event_hook(event_hook(callback));
        }
        let client = py.detach(|| omi_push::Client::new(config)).py_err(py)?;
        Ok(Core { base_url: client.config().base_url().to_string(), client })
    }

    #[getter]
    fn closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The core's ``close``: waits in flight end, later calls fail with a ``ConfigError``.
    fn close(&self) {
        self.client.close();
    }

    // Each call blocks (the GIL released) or, with `asyncio`, returns an asyncio future; the
    // result is the FFI record as JSON.

    fn list_devices(&self, py: Python<'_>, user_id: String, asyncio: bool) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        run(py, asyncio, async move { client.list_devices(&user_id).await.and_then(types::devices) })
    }

    fn send_push(&self, py: Python<'_>, args: PushArgs, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (client, (user_id, message, device_id, nonce)) = (self.client.clone(), args);
        let push = async move { client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await };
        run(py, asyncio, async move { push.await.map(TicketRecord::from).and_then(json) })
    }

    fn confirmation_status(&self, py: Python<'_>, nonce: String, asyncio: bool) -> PyResult<Py<PyAny>> {
        let client = self.client.clone();
        run(py, asyncio, async move { client.confirmation_status(&nonce).await.map(StatusRecord::from).and_then(json) })
    }

    fn wait_for_confirmation(&self, py: Python<'_>, nonce: String, wait: WaitMs, asyncio: bool) -> PyResult<Py<PyAny>> {
        let options = wait_options(py, wait)?;
        let client = self.client.clone();
        let wait = async move { client.wait_for_confirmation(&nonce, options).await };
        run(py, asyncio, async move { wait.await.map(OutcomeRecord::from).and_then(json) })
    }
}

/// The core's event hook for a Python callable: each event joins the outbox, like a log record
/// (the hook runs on runtime threads); the callable gets it as a dict. An exception of the
/// callable goes to `sys.unraisablehook`; the call it came from goes on.
fn event_hook(callback: Py<PyAny>) -> EventHook {
    let callback = Arc::new(callback);
    EventHook::new(move |event| {
        let (callback, event) = (Arc::clone(&callback), event.to_json().to_string());
        outbox::push(
            None,
            Box::new(move |py| match loads(py, &event).and_then(|event| callback.bind(py).call1((event,))) {
                Err(e) if e.is_instance_of::<PyException>(py) => {
                    e.write_unraisable(py, Some(callback.bind(py)));
                    Ok(())
                }
                other => other.map(drop),
            }),
        );
    })
}
