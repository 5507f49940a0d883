//! `NativeFlow`: the core's web step-up flow (`omi_push::stepup::flow`) on a `NativeStepUp`:
//! the guard of a route and the flow's routes, each in an async and a blocking form. Requests
//! arrive as the core's `FlowRequest` (JSON text); the answers leave as the core's `Guard` and
//! `FlowResponse` (JSON values), which `lib/flow.js` gives their JavaScript names.

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use omi_push::stepup::flow::{Flow, FlowRequest, FlowResponse, Guard};
use serde_json::Value;

use crate::client::Call;
use crate::error::IntoJs;
use crate::runtime::{block, promise};
use crate::stepup::NativeStepUp;

#[napi]
pub struct NativeFlow {
    inner: Flow,
}

impl NativeFlow {
    fn guard_call(
        &self,
        action: String,
        user_id: Option<String>,
        session: Option<String>,
        url: String,
        wants_json: bool,
    ) -> Call<Guard> {
        let flow = self.inner.clone();
        Box::pin(async move { Ok(flow.guard(&action, user_id.as_deref(), session.as_deref(), &url, wants_json).await) })
    }

    fn handle_call(&self, request: String) -> Call<FlowResponse> {
        let flow = self.inner.clone();
        let parsed = serde_json::from_str::<FlowRequest>(&request).map_err(|e| omi_push::Error::InvalidArgument {
            field: "request".into(),
            reason: format!("not a flow request: {e}"),
        });
        Box::pin(async move { Ok(flow.handle(&parsed?).await) })
    }
}

#[napi]
impl NativeFlow {
    /// The flow mounted at `mount`, pushing `message`; a `config` error for a bad mount point,
    /// an `invalid_argument` one for a message the core would refuse.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        step_up: &NativeStepUp,
        mount: String,
        message: String,
        layout: Option<String>,
    ) -> Result<Self> {
        let flow = Flow::new(step_up.core(), &mount, &message);
        let flow = flow.and_then(|f| if let Some(l) = layout { f.with_layout(&l) } else { Ok(f) });
        Ok(NativeFlow { inner: flow.js(&env)? })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn guard<'env>(
        &self,
        env: &'env Env,
        action: String,
        user_id: Option<String>,
        session: Option<String>,
        url: String,
        wants_json: bool,
    ) -> Result<Object<'env>> {
        promise(env, self.guard_call(action, user_id, session, url, wants_json))
    }

    #[napi(catch_unwind)]
    pub fn guard_sync(
        &self,
        env: Env,
        action: String,
        user_id: Option<String>,
        session: Option<String>,
        url: String,
        wants_json: bool,
    ) -> Result<Value> {
        block(&env, self.guard_call(action, user_id, session, url, wants_json))
    }

    /// `request`: the core's `FlowRequest` as JSON (`method`, `route`, `params`, `user_id`,
    /// `session`).
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn handle<'env>(&self, env: &'env Env, request: String) -> Result<Object<'env>> {
        promise(env, self.handle_call(request))
    }

    #[napi(catch_unwind)]
    pub fn handle_sync(&self, env: Env, request: String) -> Result<Value> {
        block(&env, self.handle_call(request))
    }
}

/// True for an API client by its `Accept` header (the core's one rule, `flow::wants_json`).
#[napi]
pub fn flow_wants_json(accept: Option<String>) -> bool {
    omi_push::stepup::flow::wants_json(accept.as_deref())
}
