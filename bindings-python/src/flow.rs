//! `_native.FlowCore`: the core's web step-up flow (`omi_push::stepup::flow`) on a
//! `StepUpCore`. `handle` takes the core's `FlowRequest` as JSON; the core's `Guard` and
//! `FlowResponse` leave as JSON, which `omi_push/_flow.py` reads.

use pyo3::prelude::*;

use omi_push::stepup::flow::Flow;

use crate::error::IntoPyResult;
use crate::runtime::run;
use crate::stepup::StepUpCore;
use crate::types::json;

#[pyclass(frozen, module = "omi_push._native")]
pub struct FlowCore {
    inner: Flow,
}

/// The guard's arguments, as the Python side passes them: action, user, session, url, wants_json.
type GuardArgs = (String, Option<String>, Option<String>, String, bool);

#[pymethods]
impl FlowCore {
    #[new]
    fn new(py: Python<'_>, step_up: &StepUpCore, mount: &str, message: &str, layout: Option<&str>) -> PyResult<Self> {
        let flow = Flow::new(step_up.inner.clone(), mount, message);
        let flow = flow.and_then(|f| if let Some(l) = layout { f.with_layout(l) } else { Ok(f) });
        Ok(FlowCore { inner: flow.py_err(py)? })
    }

    fn guard(&self, py: Python<'_>, args: GuardArgs, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (flow, (action, user, session, url, wants_json)) = (self.inner.clone(), args);
        run(py, asyncio, async move {
            json(flow.guard(&action, user.as_deref(), session.as_deref(), &url, wants_json).await)
        })
    }

    /// `request`: the core's `FlowRequest` (`method`, `route`, `params`, `user_id`, `session`).
    fn handle(&self, py: Python<'_>, request: &str, asyncio: bool) -> PyResult<Py<PyAny>> {
        let (flow, request) = (self.inner.clone(), omi_push_ffi::json::flow_request(request));
        run(py, asyncio, async move { json(flow.handle(&request?).await) })
    }
}

/// True for an API client by its `Accept` header (the core's one rule, `flow::wants_json`).
#[pyfunction]
pub fn flow_wants_json(accept: Option<&str>) -> bool {
    omi_push::stepup::flow::wants_json(accept)
}
