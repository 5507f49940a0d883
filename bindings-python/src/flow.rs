//! `_native.FlowCore`: the core's web step-up flow (`omi_push::stepup::flow`) on a
//! `StepUpCore`, each call in a blocking and an asyncio form. The request of `handle` arrives
//! as the core's `FlowRequest` (JSON text); the answers leave as the core's `Guard` and
//! `FlowResponse` (JSON text), which `omi_push/_flow.py` reads.

use pyo3::prelude::*;

use omi_push::stepup::flow::{Flow, FlowRequest};
use omi_push::{Error, Result};

use crate::error::IntoPyResult;
use crate::runtime::{block_on, into_asyncio};
use crate::stepup::StepUpCore;

/// The native flow behind ``omi_push.StepUpFlow`` and ``omi_push.AsyncStepUpFlow``.
#[pyclass(frozen, module = "omi_push._native")]
pub struct FlowCore {
    inner: Flow,
}

type Call = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String>> + Send>>;
/// The guard's arguments, as the Python side passes them: action, user, session, url, wants_json.
type GuardArgs = (String, Option<String>, Option<String>, String, bool);

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(format!("flow answer: {e}")))
}

impl FlowCore {
    fn guard_call(&self, (action, user, session, url, json): GuardArgs) -> Call {
        let flow = self.inner.clone();
        Box::pin(async move { to_json(&flow.guard(&action, user.as_deref(), session.as_deref(), &url, json).await) })
    }

    fn handle_call(&self, request: &str) -> Call {
        let flow = self.inner.clone();
        let parsed = serde_json::from_str::<FlowRequest>(request).map_err(|e| Error::InvalidArgument {
            field: "request".into(),
            reason: format!("not a flow request: {e}"),
        });
        Box::pin(async move { to_json(&flow.handle(&parsed?).await) })
    }
}

#[pymethods]
impl FlowCore {
    #[new]
    #[pyo3(signature = (step_up, mount, message, layout=None))]
    fn new(
        py: Python<'_>,
        step_up: &StepUpCore,
        mount: &str,
        message: &str,
        layout: Option<&str>,
    ) -> PyResult<FlowCore> {
        let flow = Flow::new(step_up.inner.clone(), mount, message);
        let flow = flow.and_then(|f| if let Some(l) = layout { f.with_layout(l) } else { Ok(f) });
        Ok(FlowCore { inner: flow.py_err(py)? })
    }

    fn guard(&self, py: Python<'_>, args: GuardArgs) -> PyResult<String> {
        block_on(py, self.guard_call(args))
    }

    fn guard_async<'py>(&self, py: Python<'py>, args: GuardArgs) -> PyResult<Bound<'py, PyAny>> {
        into_asyncio(py, self.guard_call(args))
    }

    /// `request`: the core's `FlowRequest` as JSON (`method`, `route`, `params`, `user_id`, `session`).
    fn handle(&self, py: Python<'_>, request: &str) -> PyResult<String> {
        block_on(py, self.handle_call(request))
    }

    fn handle_async<'py>(&self, py: Python<'py>, request: &str) -> PyResult<Bound<'py, PyAny>> {
        into_asyncio(py, self.handle_call(request))
    }
}

/// True for an API client by its `Accept` header (the core's one rule, `flow::wants_json`).
#[pyfunction]
pub fn flow_wants_json(accept: Option<&str>) -> bool {
    omi_push::stepup::flow::wants_json(accept)
}
