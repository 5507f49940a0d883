//! `NativeFlow`: the core's web step-up flow (`omi_push::stepup::flow`) on a `NativeStepUp`:
//! the guard of a route and the flow's routes, each in an async and a blocking form. The
//! core's `Guard` and `FlowResponse` go out as they are; `lib/flow.js` renames their fields.

use napi::{Env, Result};
use napi_derive::napi;
use omi_push::stepup::flow::{Flow, FlowRequest};
use serde_json::Value;

use crate::error::IntoJs;
use crate::runtime::calls;
use crate::stepup::NativeStepUp;

#[napi]
pub struct NativeFlow {
    inner: Flow,
}

#[napi]
impl NativeFlow {
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        step_up: &NativeStepUp,
        mount: String,
        message: String,
        layout: Option<String>,
    ) -> Result<Self> {
        let flow = Flow::new(step_up.inner.clone(), &mount, &message);
        let flow = flow.and_then(|f| if let Some(l) = layout { f.with_layout(&l) } else { Ok(f) });
        Ok(NativeFlow { inner: flow.js(&env)? })
    }
}

calls! { NativeFlow(flow) {
    fn guard / guard_sync(
        action: String,
        user_id: Option<String>,
        session: Option<String>,
        url: String,
        wants_json: bool,
    ) {
        async move { Ok(flow.guard(&action, user_id.as_deref(), session.as_deref(), &url, wants_json).await) }
    }
    // `request`: the core's `FlowRequest` (`method`, `route`, `params`, `user_id`, `session`).
    fn handle / handle_sync(request: Value) {
        let request = serde_json::from_value::<FlowRequest>(request).map_err(|e| omi_push::Error::InvalidArgument {
            field: "request".into(),
            reason: format!("not a flow request: {e}"),
        });
        async move { Ok(flow.handle(&request?).await) }
    }
}}

/// True for an API client by its `Accept` header (the core's one rule, `flow::wants_json`).
#[napi]
pub fn flow_wants_json(accept: Option<String>) -> bool {
    omi_push::stepup::flow::wants_json(accept.as_deref())
}
