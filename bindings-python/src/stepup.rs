//! `_native.StepUpCore`: the core's step-up on a client, with a blocking and an asyncio form
//! of every call (the public `omi_push.StepUp` / `omi_push.AsyncStepUp` wrap it). Options come
//! as the FFI record `StepUpOptions` (JSON, milliseconds) plus the keys as bytes; the challenge
//! comes back as the FFI `ChallengeRecord` (JSON), the verdict as its name.

use pyo3::prelude::*;

use omi_push::StepUp;
use omi_push_ffi::{ChallengeRecord, StepUpOptions};

use crate::client::Core;
use crate::error::{self, IntoPyResult};
use crate::runtime::{block_on, into_asyncio};
use crate::types::Device;

/// The native step-up behind ``omi_push.StepUp`` and ``omi_push.AsyncStepUp``.
#[pyclass(frozen, module = "omi_push._native")]
pub struct StepUpCore {
    inner: StepUp,
}

fn challenge_json(c: omi_push::Challenge) -> String {
    serde_json::to_string(&ChallengeRecord::from(c)).unwrap_or_default()
}

#[pymethods]
impl StepUpCore {
    /// `options_json` is a `StepUpOptions` record (milliseconds; `store` is `memory` or a
    /// `redis://` URL); `keys` are the signing keys, the first one signs.
    #[new]
    fn new(py: Python<'_>, core: &Core, keys: Vec<Vec<u8>>, options_json: &str) -> PyResult<StepUpCore> {
        let mut options: StepUpOptions =
            serde_json::from_str(options_json).map_err(|e| error::config(py, &format!("step-up options: {e}")))?;
        options.keys = keys;
        let client = core.client(py)?;
        let inner = py.detach(|| options.build(client)).py_err(py)?;
        Ok(StepUpCore { inner })
    }

    fn devices(&self, py: Python<'_>, user_id: String) -> PyResult<Vec<Device>> {
        let s = self.inner.clone();
        block_on(py, async move { s.devices(&user_id).await.map(|l| l.into_iter().map(Device::from).collect()) })
    }

    fn devices_async<'py>(&self, py: Python<'py>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        let s = self.inner.clone();
        into_asyncio(py, async move {
            s.devices(&user_id).await.map(|l| l.into_iter().map(Device::from).collect::<Vec<_>>())
        })
    }

    #[pyo3(signature = (user_id, action, message, *, device_id=None))]
    fn begin(
        &self,
        py: Python<'_>,
        user_id: String,
        action: String,
        message: String,
        device_id: Option<String>,
    ) -> PyResult<String> {
        let s = self.inner.clone();
        block_on(
            py,
            async move { s.begin(&user_id, &action, device_id.as_deref(), &message).await.map(challenge_json) },
        )
    }

    #[pyo3(signature = (user_id, action, message, *, device_id=None))]
    fn begin_async<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        action: String,
        message: String,
        device_id: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s = self.inner.clone();
        into_asyncio(
            py,
            async move { s.begin(&user_id, &action, device_id.as_deref(), &message).await.map(challenge_json) },
        )
    }

    fn check(&self, py: Python<'_>, challenge: String, user_id: String, action: String) -> PyResult<&'static str> {
        let s = self.inner.clone();
        block_on(py, async move { s.check(&challenge, &user_id, &action).await.map(|v| v.as_str()) })
    }

    fn check_async<'py>(
        &self,
        py: Python<'py>,
        challenge: String,
        user_id: String,
        action: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s = self.inner.clone();
        into_asyncio(py, async move { s.check(&challenge, &user_id, &action).await.map(|v| v.as_str()) })
    }

    #[pyo3(signature = (challenge, user_id, action, *, timeout=None, poll_interval=None))]
    fn wait(
        &self,
        py: Python<'_>,
        challenge: String,
        user_id: String,
        action: String,
        timeout: Option<&Bound<'_, PyAny>>,
        poll_interval: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<&'static str> {
        let options = Core::wait_options(py, timeout, poll_interval)?;
        let s = self.inner.clone();
        block_on(py, async move { s.wait(&challenge, &user_id, &action, options).await.map(|v| v.as_str()) })
    }

    #[pyo3(signature = (challenge, user_id, action, *, timeout=None, poll_interval=None))]
    fn wait_async<'py>(
        &self,
        py: Python<'py>,
        challenge: String,
        user_id: String,
        action: String,
        timeout: Option<&Bound<'py, PyAny>>,
        poll_interval: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = Core::wait_options(py, timeout, poll_interval)?;
        let s = self.inner.clone();
        into_asyncio(py, async move { s.wait(&challenge, &user_id, &action, options).await.map(|v| v.as_str()) })
    }
}
