//! `NativeStepUp`: the core's step-up on a `NativeClient`, each operation in an async and a
//! blocking form.

use napi::bindgen_prelude::{Buffer, Object};
use napi::{Env, Result};
use napi_derive::napi;
use omi_push::StepUp;
use omi_push_ffi::{ChallengeRecord, DeviceRecord, StepUpOptions, options};

use crate::cancel::CancelHandle;
use crate::client::NativeClient;
use crate::error::IntoJs;
use crate::runtime::calls;

#[napi]
pub struct NativeStepUp {
    pub(crate) inner: StepUp,
}

#[napi]
impl NativeStepUp {
    /// `options`: the shared `StepUpOptions` record (snake_case); `keys`: the signing keys.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, client: &NativeClient, options: Object, keys: Vec<Buffer>) -> Result<Self> {
        let parsed = env.from_js_value::<StepUpOptions, _>(options);
        let parsed = parsed.map_err(|e| omi_push::Error::Config(format!("invalid step-up options: {}", e.reason)));
        let built = parsed.and_then(|mut o| {
            o.keys = keys.iter().map(|k| k.to_vec()).collect();
            o.build(client.inner.clone())
        });
        Ok(NativeStepUp { inner: built.js(&env)? })
    }
}

calls! { NativeStepUp(step_up) {
    fn devices / devices_sync(user_id: String) {
        async move { Ok(step_up.devices(&user_id).await?.into_iter().map(DeviceRecord::from).collect::<Vec<_>>()) }
    }
    fn begin / begin_sync(user_id: String, action: String, device_id: Option<String>, message: String) {
        async move {
            step_up.begin(&user_id, &action, device_id.as_deref(), &message).await.map(ChallengeRecord::from)
        }
    }
    fn check / check_sync(challenge: String, user_id: String, action: String) {
        async move { step_up.check(&challenge, &user_id, &action).await.map(|v| v.as_str()) }
    }
    fn redeem / redeem_sync(challenge: String, user_id: String, action: String) {
        async move { step_up.redeem(&challenge, &user_id, &action).await }
    }
    // As for the client's wait, the blocking form is never given a cancel handle.
    fn wait / wait_sync(
        challenge: String,
        user_id: String,
        action: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
        cancel: Option<&CancelHandle>,
    ) {
        let wait = options::wait(timeout_ms, poll_interval_ms, cancel.map(CancelHandle::token));
        async move { step_up.wait(&challenge, &user_id, &action, wait?).await.map(|v| v.as_str()) }
    }
}}
