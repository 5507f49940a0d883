//! `_native.StepUpCore`: the core's step-up on a client, behind `omi_push.StepUp` and
//! `AsyncStepUp`. The challenge leaves as the FFI `ChallengeRecord` (JSON), a verdict as its name.

use pyo3::prelude::*;

use omi_push::StepUp;
use omi_push_ffi::ChallengeRecord;

use crate::client::{Core, WaitMs, wait_options};
use crate::error::IntoPyResult;
use crate::runtime::run;
use crate::types::{self, json};

/// What `check` and `wait` verify: the challenge text, and the user and action it must be for.
type Claim = (String, String, String);

/// `(user_id, action, message, device_id)`.
type BeginArgs = (String, String, String, Option<String>);

#[pyclass(frozen, module = "omi_push._native")]
pub struct StepUpCore {
    pub(crate) inner: StepUp,
}

#[pymethods]
impl StepUpCore {
    /// `options_json`: the FFI `StepUpOptions` (milliseconds); `keys`: the first one signs.
    #[new]
    fn new(py: Python<'_>, core: &Core, keys: Vec<Vec<u8>>, options_json: &str) -> PyResult<StepUpCore> {
        let mut options = omi_push_ffi::json::step_up_options(options_json).py_err(py)?;
        options.keys = keys;
        let client = core.client.clone();
        Ok(StepUpCore { inner: py.detach(|| options.build(client)).py_err(py)? })
    }

    fn devices(&self, py: Python<'_>, user_id: String, asyncio: bool) -> PyResult<Py<PyAny>> {
        let s = self.inner.clone();
        run(py, asyncio, async move { s.devices(&user_id).await.and_then(types::devices) })
    }

    fn begin(&self, py: Python<'_>, args: BeginArgs, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (s, (user_id, action, message, device_id)) = (self.inner.clone(), args);
        let begin = async move { s.begin(&user_id, &action, device_id.as_deref(), &message).await };
        run(py, asyncio, async move { begin.await.map(ChallengeRecord::from).and_then(json) })
    }

    fn check(&self, py: Python<'_>, claim: Claim, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (s, (challenge, user_id, action)) = (self.inner.clone(), claim);
        run(py, asyncio, async move { s.check(&challenge, &user_id, &action).await.map(|v| v.as_str().into()) })
    }

    fn wait(&self, py: Python<'_>, claim: Claim, wait: WaitMs, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (s, options, (challenge, user_id, action)) = (self.inner.clone(), wait_options(py, wait)?, claim);
        run(py, asyncio, async move { s.wait(&challenge, &user_id, &action, options).await.map(|v| v.as_str().into()) })
    }
}
