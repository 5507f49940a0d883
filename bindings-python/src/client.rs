//! `_native.Core`: one core client with a blocking and an asyncio form of every call. The
//! public `omi_push.Client` and `omi_push.AsyncClient` (python/omi_push/_client.py) wrap it.

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::prelude::*;

use std::sync::Arc;

use pyo3::exceptions::PyException;

use omi_push::{ClientOptions, Config, EventHook, Paths, Secret, WaitOptions};

use crate::error::{self, IntoPyResult};
use crate::outbox::{self, Item};
use crate::runtime::{block_on, into_asyncio};
use crate::types::{Device, Outcome, PushTicket, Status, json_to_py, nonce_arg, opt_count, opt_duration};

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

/// Endpoint path overrides, read by the core's own `Paths` record: its field names are the
/// only list of keys (an unknown key is a `ConfigError`, as a typo must not pass silently).
fn paths_from(py: Python<'_>, given: HashMap<String, String>) -> PyResult<Paths> {
    let known = serde_json::to_value(Paths::default()).unwrap_or_default();
    let known = known.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    if let Some(key) = given.keys().find(|k| !known.contains(k)) {
        let message = format!("unknown key `{key}` in paths (known: {})", known.join(", "));
        return Err(error::config(py, &message));
    }
    serde_json::from_value(serde_json::json!(given)).map_err(|e| error::config(py, &format!("paths: {e}")))
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
    #[new]
    #[pyo3(signature = (
        base_url, *, client_id=None, client_secret=None, access_token=None, client_auth=None,
        token_url=None, scopes=None, request_timeout=None, connect_timeout=None, poll_interval=None, wait_timeout=None,
        call_timeout=None, max_retries=None, max_response_bytes=None, request_budget=None, http2=None, paths=None,
        max_message_chars=None, allow_insecure_http=None, ca_cert_pem=None, user_agent=None, on_event=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        base_url: String,
        client_id: Option<String>,
        client_secret: Option<String>,
        access_token: Option<String>,
        client_auth: Option<String>,
        token_url: Option<String>,
        scopes: Option<Vec<String>>,
        request_timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        poll_interval: Option<&Bound<'_, PyAny>>,
        wait_timeout: Option<&Bound<'_, PyAny>>,
        call_timeout: Option<&Bound<'_, PyAny>>,
        max_retries: Option<&Bound<'_, PyAny>>,
        max_response_bytes: Option<&Bound<'_, PyAny>>,
        request_budget: Option<&Bound<'_, PyAny>>,
        http2: Option<String>,
        paths: Option<HashMap<String, String>>,
        max_message_chars: Option<&Bound<'_, PyAny>>,
        allow_insecure_http: Option<bool>,
        ca_cert_pem: Option<String>,
        user_agent: Option<String>,
        on_event: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Core> {
        let options = ClientOptions {
            base_url: base_url.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.map(Secret::new),
            access_token: access_token.map(Secret::new),
            client_auth,
            token_url,
            scopes,
            request_timeout_ms: millis(opt_duration(py, "request_timeout", request_timeout)?),
            connect_timeout_ms: millis(opt_duration(py, "connect_timeout", connect_timeout)?),
            poll_interval_ms: millis(opt_duration(py, "poll_interval", poll_interval)?),
            wait_timeout_ms: millis(opt_duration(py, "wait_timeout", wait_timeout)?),
            call_timeout_ms: millis(opt_duration(py, "call_timeout", call_timeout)?),
            max_retries: opt_count(py, "max_retries", max_retries, u32::MAX.into())?,
            max_response_bytes: opt_count(py, "max_response_bytes", max_response_bytes, usize_max())?,
            paths: paths.map(|p| paths_from(py, p)).transpose()?,
            max_message_chars: opt_count(py, "max_message_chars", max_message_chars, usize_max())?,
            allow_insecure_http,
            ca_cert_pem,
            user_agent_suffix: user_agent,
            request_budget: opt_count(py, "request_budget", request_budget, u32::MAX.into())?,
            http2,
        };
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

    fn list_devices(&self, py: Python<'_>, user_id: String) -> PyResult<Vec<Device>> {
        let client = self.client(py)?;
        block_on(py, async move { client.list_devices(&user_id).await.map(to_devices) })
    }

    fn list_devices_async<'py>(&self, py: Python<'py>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        into_asyncio(py, async move { client.list_devices(&user_id).await.map(to_devices) })
    }

    #[pyo3(signature = (user_id, message, *, device_id=None, nonce=None))]
    fn send_push(
        &self,
        py: Python<'_>,
        user_id: String,
        message: String,
        device_id: Option<String>,
        nonce: Option<String>,
    ) -> PyResult<PushTicket> {
        let client = self.client(py)?;
        block_on(py, async move {
            client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await.map(PushTicket::from)
        })
    }

    #[pyo3(signature = (user_id, message, *, device_id=None, nonce=None))]
    fn send_push_async<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        message: String,
        device_id: Option<String>,
        nonce: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.client(py)?;
        into_asyncio(py, async move {
            client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await.map(PushTicket::from)
        })
    }

    fn confirmation_status(&self, py: Python<'_>, nonce: &Bound<'_, PyAny>) -> PyResult<Status> {
        let nonce = nonce_arg(nonce)?;
        let client = self.client(py)?;
        block_on(py, async move { client.confirmation_status(&nonce).await.map(Status::from) })
    }

    fn confirmation_status_async<'py>(
        &self,
        py: Python<'py>,
        nonce: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let nonce = nonce_arg(nonce)?;
        let client = self.client(py)?;
        into_asyncio(py, async move { client.confirmation_status(&nonce).await.map(Status::from) })
    }

    #[pyo3(signature = (nonce, *, timeout=None, poll_interval=None))]
    fn wait_for_confirmation(
        &self,
        py: Python<'_>,
        nonce: &Bound<'_, PyAny>,
        timeout: Option<&Bound<'_, PyAny>>,
        poll_interval: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Outcome> {
        let nonce = nonce_arg(nonce)?;
        let options = Core::wait_options(py, timeout, poll_interval)?;
        let client = self.client(py)?;
        block_on(py, async move { client.wait_for_confirmation(&nonce, options).await.map(Outcome::from) })
    }

    #[pyo3(signature = (nonce, *, timeout=None, poll_interval=None))]
    fn wait_for_confirmation_async<'py>(
        &self,
        py: Python<'py>,
        nonce: &Bound<'py, PyAny>,
        timeout: Option<&Bound<'py, PyAny>>,
        poll_interval: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let nonce = nonce_arg(nonce)?;
        let options = Core::wait_options(py, timeout, poll_interval)?;
        let client = self.client(py)?;
        into_asyncio(py, async move { client.wait_for_confirmation(&nonce, options).await.map(Outcome::from) })
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

fn to_devices(list: Vec<omi_push::Device>) -> Vec<Device> {
    list.into_iter().map(Device::from).collect()
}
