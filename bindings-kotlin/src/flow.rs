//! `NativeFlow`: the core's web step-up flow (`omi_push::stepup::flow`) on a `NativeStepUp`:
//! the guard of a route and the flow's routes as `async fn`s (Kotlin `suspend fun`s) on the
//! core's runtime. The core's `FlowRequest`, `FlowResponse` and `Guard` cross as their JSON
//! (their serde forms, defined once in the core: `headers` as ordered pairs); nothing is decided
//! here.

use std::sync::Arc;

use omi_push::runtime;
use omi_push::stepup::flow::Flow;
use omi_push_ffi::json;

use crate::error::NativeError;
use crate::stepup::NativeStepUp;

#[derive(uniffi::Object)]
pub struct NativeFlow {
    inner: Flow,
}

#[uniffi::export]
impl NativeFlow {
    /// The flow mounted at `mount`, pushing `message`: a config error for a bad mount point,
    /// an invalid-argument one for a message the core would refuse.
    #[uniffi::constructor]
    pub fn new(
        step_up: Arc<NativeStepUp>,
        mount: String,
        message: String,
        layout: Option<String>,
    ) -> Result<Self, NativeError> {
        let flow = Flow::new(step_up.inner.clone(), &mount, &message)?;
        Ok(NativeFlow { inner: if let Some(l) = layout { flow.with_layout(&l)? } else { flow } })
    }

    /// The core's `Guard` as JSON.
    pub async fn guard(
        &self,
        action: String,
        user_id: Option<String>,
        session: Option<String>,
        url: String,
        wants_json: bool,
    ) -> Result<String, NativeError> {
        let flow = self.inner.clone();
        let guard = async move {
            json::to_text(flow.guard(&action, user_id.as_deref(), session.as_deref(), &url, wants_json).await)
        };
        Ok(runtime::run(guard).await?)
    }

    /// `request_json` is the core's `FlowRequest` as JSON; the answer its `FlowResponse` as JSON.
    pub async fn handle(&self, request_json: String) -> Result<String, NativeError> {
        let (flow, request) = (self.inner.clone(), json::flow_request(&request_json)?);
        Ok(runtime::run(async move { json::to_text(flow.handle(&request).await) }).await?)
    }
}

/// True for an API client by its `Accept` header (the core's one rule, `flow::wants_json`).
#[uniffi::export]
pub fn flow_wants_json(accept: Option<String>) -> bool {
    omi_push::stepup::flow::wants_json(accept.as_deref())
}
