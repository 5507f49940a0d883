//! `_native.Core`: one core client with a blocking and an asyncio form of every call. The
//! public `omi_push.Client` and `omi_push.AsyncClient` (python/omi_push/_client.py) wrap it.

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::prelude::*;

use std::sync::Arc;

use pyo3::exceptions::PyException;

use omi_push::{ClientOptions, Config, EventHook, Paths, WaitOptions};
use pyo3::types::PyDict;
use serde_json::Value;

use crate::error::{self, IntoPyResult};
use crate::outbox::{self, Item};
use crate::runtime::run;
use crate::types::{self, json_to_py, opt_count, opt_duration};

/// The native client behind ``omi_push.Client`` and ``omi_push.AsyncClient``.
#[pyclass(frozen, module = "omi_push._native")]
pub struct Core {
    inner: Mutex<Option<omi_push::Client>>,
    base_url: String,
    client_id: Option<String>,
}

fn usize_max() -> u64 {
    u64::try_from(usize::MAX).unwrap_or(u64::MAX)
}

fn millis(d: Option<std::time::Duration>) -> Option<f64> {
    d.map(|d| d.as_secs_f64() * 1000.0)
}

/// Options given in seconds; the core's record takes `<name>_ms`.
const DURATIONS: [&str; 5] = ["request_timeout", "connect_timeout", "poll_interval", "wait_timeout", "call_timeout"];

/// One keyword argument of `Core(...)` as its field of the core's `ClientOptions` record (whose
/// field names are the only list of options: an unknown one is a `ConfigError`).
fn option(py: Python<'_>, key: &str, value: &Bound<'_, PyAny>) -> PyResult<(String, Value)> {
    if DURATIONS.contains(&key) {
        return Ok((format!("{key}_ms"), millis(opt_duration(py, key, Some(value))?).into()));
    }
    let max = match key {
        "max_retries" | "request_budget" => u32::MAX.into(),
        "max_response_bytes" | "max_message_chars" => usize_max(),
        _ => 0,
    };
    if max > 0 {
        return Ok((key.to_string(), opt_count::<u64>(py, key, Some(value), max)?.into()));
    }
    let value = match key {
        "paths" => paths(py, value.extract().map_err(|_| error::type_error(key, "a dict of str", value))?)?,
        "scopes" => value.extract::<Vec<String>>().map_err(|_| error::type_error(key, "a list of str", value))?.into(),
        "allow_insecure_http" => value.extract::<bool>().map_err(|_| error::type_error(key, "a bool", value))?.into(),
        _ => value.extract::<String>().map_err(|_| error::type_error(key, "a str", value))?.into(),
    };
    Ok((if key == "user_agent" { "user_agent_suffix" } else { key }.to_string(), value))
}

/// Endpoint path overrides, checked against the core's own `Paths` record: its field names are
/// the only list of keys (an unknown key is a `ConfigError`, as a typo must not pass silently).
fn paths(py: Python<'_>, given: HashMap<String, String>) -> PyResult<Value> {
    let known = serde_json::to_value(Paths::default()).unwrap_or_default();
    let known = known.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    if let Some(key) = given.keys().find(|k| !known.contains(k)) {
        let message = format!("unknown key `{key}` in paths (known: {})", known.join(", "));
        return Err(error::config(py, &message));
    }
    Ok(serde_json::json!(given))
}

impl Core {
    /// The core client (a `ConfigError` once closed).
    pub fn client(&self, py: Python<'_>) -> PyResult<omi_push::Client> {
        let guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        guard.clone().ok_or_else(|| error::config(py, "this client is closed"))
    }

    /// Per-call wait options by the core's one duration rule (`omi_push_ffi::options::wait`).
    pub fn wait_options(
        py: Python<'_>,
        timeout: Option<&Bound<'_, PyAny>>,
        poll_interval: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<WaitOptions> {
        let timeout = millis(opt_duration(py, "timeout", timeout)?);
        let poll_interval = millis(opt_duration(py, "poll_interval", poll_interval)?);
        omi_push_ffi::options::wait(timeout, poll_interval, None).py_err(py)
    }
}

#[pymethods]
impl Core {
    /// Keyword arguments: the fields of the core's `ClientOptions` (durations in seconds, without
    /// `_ms`; `user_agent` is the User-Agent suffix), and `on_event`.
    #[new]
    #[pyo3(signature = (base_url, *, on_event=None, **options))]
    fn new(
        py: Python<'_>,
        base_url: String,
        on_event: Option<Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Core> {
        let mut record = serde_json::Map::new();
        record.insert("base_url".into(), base_url.into());
        for (key, value) in options.into_iter().flat_map(|d| d.iter()) {
            if !value.is_none() {
                let (name, value) = option(py, &key.extract::<String>()?, &value)?;
                record.insert(name, value);
            }
        }
        let options: ClientOptions =
            serde_json::from_value(Value::Object(record)).map_err(|e| error::config(py, &e.to_string()))?;
        let client_id = options.client_id.clone();
        let hook = on_event.filter(|f| !f.is_none()).map(event_hook).transpose()?;
        let client = py
            .detach(|| match hook {
                None => omi_push_ffi::options::client(options),
                Some(hook) => Config::from_options(options)
                    .map(|config| config.with_event_hook(hook))
                    .and_then(omi_push::Client::new),
            })
            .py_err(py)?;
        let base_url = client.config().base_url().to_string();
        Ok(Core { inner: Mutex::new(Some(client)), base_url, client_id })
    }

    /// The API's base URL, as normalised by the client.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The OAuth client id, or ``None`` with a static access token.
    #[getter]
    fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// Whether :meth:`close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).is_none()
    }

    /// Closes the client (the core's ``close``): waits in flight, on any thread or event
    /// loop, end at once with ``CancelledError``; later calls raise ``ConfigError``. Then
    /// releases this object's share of the connection pool and the token cache.
    fn close(&self, py: Python<'_>) {
        let taken = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        py.detach(move || {
            if let Some(client) = taken {
                client.close();
            }
        });
    }

    // Each call blocks (the GIL released) or, with `asyncio=True`, returns an asyncio future.

    #[pyo3(signature = (user_id, *, asyncio=false))]
    fn list_devices(&self, py: Python<'_>, user_id: String, asyncio: bool) -> PyResult<Py<PyAny>> {
        let client = self.client(py)?;
        run(py, asyncio, async move { client.list_devices(&user_id).await.map(types::devices) })
    }

    #[pyo3(signature = (user_id, message, *, device_id=None, nonce=None, asyncio=false))]
    fn send_push(
        &self,
        py: Python<'_>,
        user_id: String,
        message: String,
        device_id: Option<String>,
        nonce: Option<String>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        let client = self.client(py)?;
        run(py, asyncio, async move {
            client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await.map(types::ticket)
        })
    }

    #[pyo3(signature = (nonce, *, asyncio=false))]
    fn confirmation_status(&self, py: Python<'_>, nonce: String, asyncio: bool) -> PyResult<Py<PyAny>> {
        let client = self.client(py)?;
        run(py, asyncio, async move { client.confirmation_status(&nonce).await.map(types::status) })
    }

    #[pyo3(signature = (nonce, *, timeout=None, poll_interval=None, asyncio=false))]
    fn wait_for_confirmation(
        &self,
        py: Python<'_>,
        nonce: String,
        timeout: Option<&Bound<'_, PyAny>>,
        poll_interval: Option<&Bound<'_, PyAny>>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        let options = Core::wait_options(py, timeout, poll_interval)?;
        let client = self.client(py)?;
        run(py, asyncio, async move { client.wait_for_confirmation(&nonce, options).await.map(types::outcome) })
    }

    fn __repr__(&self) -> String {
        match &self.client_id {
            Some(id) => format!("Core(base_url={:?}, client_id={:?})", self.base_url, id),
            None => format!("Core(base_url={:?}, access_token=***)", self.base_url),
        }
    }
}

/// The core's event hook for a Python callable. The hook runs on runtime threads, which must not
/// wait for the GIL: each event joins the outbox, like a log record, and the callable gets it
/// as a dict from a thread that holds the GIL. An exception of the callable is reported through
/// `sys.unraisablehook` and the event is dropped; the call it came from goes on.
fn event_hook(callback: Bound<'_, PyAny>) -> PyResult<EventHook> {
    if !callback.is_callable() {
        return Err(error::type_error("on_event", "a callable", &callback));
    }
    let callback = Arc::new(callback.unbind());
    Ok(EventHook::new(move |event| {
        let (callback, event) = (Arc::clone(&callback), event.to_json());
        outbox::push(Item::Call(Box::new(move |py| {
            let delivered = callback.bind(py).call1((json_to_py(py, &event)?,));
            match delivered {
                Err(e) if e.is_instance_of::<PyException>(py) => {
                    e.write_unraisable(py, Some(callback.bind(py)));
                    Ok(())
                }
                other => other.map(drop),
            }
        })));
    }))
}
