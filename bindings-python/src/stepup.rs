//! `_native.StepUpCore`: the core's step-up on a client, with a blocking and an asyncio form
//! of every call (the public `omi_push.StepUp` / `omi_push.AsyncStepUp` wrap it). Options come
//! as the FFI record `StepUpOptions` (JSON, milliseconds) plus the keys as bytes; the challenge
//! comes back as the FFI `ChallengeRecord` (JSON), the verdict as its name.

use pyo3::prelude::*;

use omi_push::StepUp;
use omi_push_ffi::{ChallengeRecord, StepUpOptions};

use crate::client::Core;
use crate::error::{self, IntoPyResult};
use crate::runtime::run;
use crate::types;

/// The native step-up behind ``omi_push.StepUp`` and ``omi_push.AsyncStepUp``.
#[pyclass(frozen, module = "omi_push._native")]
pub struct StepUpCore {
    pub(crate) inner: StepUp,
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

    // Each call blocks (the GIL released) or, with `asyncio=True`, returns an asyncio future.

    #[pyo3(signature = (user_id, *, asyncio=false))]
    fn devices(&self, py: Python<'_>, user_id: String, asyncio: bool) -> PyResult<Py<PyAny>> {
        let s = self.inner.clone();
        run(py, asyncio, async move { s.devices(&user_id).await.map(types::devices) })
    }

    #[pyo3(signature = (user_id, action, message, *, device_id=None, asyncio=false))]
    fn begin(
        &self,
        py: Python<'_>,
        user_id: String,
        action: String,
        message: String,
        device_id: Option<String>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        let s = self.inner.clone();
        let begin = async move { s.begin(&user_id, &action, device_id.as_deref(), &message).await.map(challenge_json) };
        run(py, asyncio, begin)
    }

    #[pyo3(signature = (challenge, user_id, action, *, asyncio=false))]
    fn check(
        &self,
        py: Python<'_>,
        challenge: String,
        user_id: String,
        action: String,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        let s = self.inner.clone();
        run(py, asyncio, async move { s.check(&challenge, &user_id, &action).await.map(|v| v.as_str()) })
    }

    #[pyo3(signature = (challenge, user_id, action, *, timeout=None, poll_interval=None, asyncio=false))]
    #[allow(clippy::too_many_arguments)]
    fn wait(
        &self,
        py: Python<'_>,
        challenge: String,
        user_id: String,
        action: String,
        timeout: Option<&Bound<'_, PyAny>>,
        poll_interval: Option<&Bound<'_, PyAny>>,
        asyncio: bool,
    ) -> PyResult<Py<PyAny>> {
        let options = Core::wait_options(py, timeout, poll_interval)?;
        let s = self.inner.clone();
        run(py, asyncio, async move { s.wait(&challenge, &user_id, &action, options).await.map(|v| v.as_str()) })
    }
}
