//! `NativeFlow`: the core's web step-up flow (`omi_push::stepup::flow`) on a `NativeStepUp`:
//! the guard of a route and the flow's routes as `async fn`s (Kotlin `suspend fun`s) on the
//! core's runtime. The core's `FlowRequest`, `FlowResponse` and `Guard` cross as uniffi
//! records field for field; nothing is decided here.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use omi_push::runtime;
use omi_push::stepup::flow::{Flow, FlowRequest, FlowResponse, Guard};

use crate::error::NativeError;
use crate::stepup::NativeStepUp;

/// `omi_push::stepup::flow::FlowRequest`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeFlowRequest {
    pub method: String,
    pub route: String,
    pub params: HashMap<String, String>,
    pub user_id: Option<String>,
    pub session: Option<String>,
}

/// `omi_push::stepup::flow::FlowResponse`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeFlowResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub location: Option<String>,
    pub session: Option<String>,
    pub headers: HashMap<String, String>,
}

/// `omi_push::stepup::flow::Guard`.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum NativeGuard {
    Allow { session: String },
    Respond { response: NativeFlowResponse },
}

impl From<FlowResponse> for NativeFlowResponse {
    fn from(r: FlowResponse) -> Self {
        let FlowResponse { status, content_type, body, location, session, headers } = r;
        let headers = headers.into_iter().collect();
        NativeFlowResponse { status, content_type: content_type.to_string(), body, location, session, headers }
    }
}

impl From<Guard> for NativeGuard {
    fn from(g: Guard) -> Self {
        match g {
            Guard::Allow { session } => NativeGuard::Allow { session },
            Guard::Respond(r) => NativeGuard::Respond { response: r.into() },
        }
    }
}

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
        let flow = Flow::new(step_up.core().clone(), &mount, &message)?;
        Ok(NativeFlow { inner: if let Some(l) = layout { flow.with_layout(&l)? } else { flow } })
    }

    pub async fn guard(
        &self,
        action: String,
        user_id: Option<String>,
        session: Option<String>,
        url: String,
        wants_json: bool,
    ) -> Result<NativeGuard, NativeError> {
        let flow = self.inner.clone();
        let g = runtime::run(async move {
            Ok(flow.guard(&action, user_id.as_deref(), session.as_deref(), &url, wants_json).await)
        })
        .await?;
        Ok(g.into())
    }

    pub async fn handle(&self, request: NativeFlowRequest) -> Result<NativeFlowResponse, NativeError> {
        let NativeFlowRequest { method, route, params, user_id, session } = request;
        let req =
            FlowRequest { method, route, params: params.into_iter().collect::<BTreeMap<_, _>>(), user_id, session };
        let flow = self.inner.clone();
        let r = runtime::run(async move { Ok(flow.handle(&req).await) }).await?;
        Ok(r.into())
    }
}

/// True for an API client by its `Accept` header (the core's one rule, `flow::wants_json`).
#[uniffi::export]
pub fn flow_wants_json(accept: Option<String>) -> bool {
    omi_push::stepup::flow::wants_json(accept.as_deref())
}
