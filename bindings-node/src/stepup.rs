//! `NativeStepUp`: the core's step-up (signed, bound, fresh, used-once challenges) on a
//! `NativeClient`, each operation in an async and a blocking form. Options are the shared
//! `StepUpOptions` record (snake_case JSON) plus the keys as bytes.

use napi::bindgen_prelude::{Buffer, Object};
use napi::{Env, Result};
use napi_derive::napi;
use omi_push::StepUp;
use omi_push_ffi::{ChallengeRecord, DeviceRecord, StepUpOptions, options};
use serde_json::Value;

use crate::cancel::CancelHandle;
use crate::client::{Call, NativeClient};
use crate::error::IntoJs;
use crate::runtime::{block, promise};

#[napi]
pub struct NativeStepUp {
    inner: StepUp,
}

impl NativeStepUp {
    /// The core step-up (cheap to clone), for the web flow.
    pub(crate) fn core(&self) -> StepUp {
        self.inner.clone()
    }

    fn devices_call(&self, user_id: String) -> Call<Vec<DeviceRecord>> {
        let su = self.inner.clone();
        Box::pin(async move { Ok(su.devices(&user_id).await?.into_iter().map(DeviceRecord::from).collect()) })
    }

    fn begin_call(
        &self,
        user_id: String,
        action: String,
        device_id: Option<String>,
        message: String,
    ) -> Call<ChallengeRecord> {
        let su = self.inner.clone();
        Box::pin(
            async move { su.begin(&user_id, &action, device_id.as_deref(), &message).await.map(ChallengeRecord::from) },
        )
    }

    fn check_call(&self, challenge: String, user_id: String, action: String) -> Call<&'static str> {
        let su = self.inner.clone();
        Box::pin(async move { su.check(&challenge, &user_id, &action).await.map(|v| v.as_str()) })
    }

    fn redeem_call(&self, challenge: String, user_id: String, action: String) -> Call<bool> {
        let su = self.inner.clone();
        Box::pin(async move { su.redeem(&challenge, &user_id, &action).await })
    }

    fn wait_call(
        &self,
        challenge: String,
        user_id: String,
        action: String,
        wait: omi_push::Result<omi_push::WaitOptions>,
    ) -> Call<&'static str> {
        let su = self.inner.clone();
        Box::pin(async move { su.wait(&challenge, &user_id, &action, wait?).await.map(|v| v.as_str()) })
    }
}

#[napi]
impl NativeStepUp {
    /// `options`: `StepUpOptions` as snake_case JSON; `keys`: the signing keys (the first signs).
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, client: &NativeClient, options: String, keys: Vec<Buffer>) -> Result<Self> {
        let parsed = serde_json::from_str::<StepUpOptions>(&options)
            .map_err(|e| omi_push::Error::Config(format!("invalid step-up options: {e}")));
        let built = parsed.and_then(|mut o| {
            o.keys = keys.iter().map(|k| k.to_vec()).collect();
            o.build(client.core())
        });
        Ok(NativeStepUp { inner: built.js(&env)? })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn devices<'env>(&self, env: &'env Env, user_id: String) -> Result<Object<'env>> {
        promise(env, self.devices_call(user_id))
    }

    #[napi(catch_unwind)]
    pub fn devices_sync(&self, env: Env, user_id: String) -> Result<Value> {
        block(&env, self.devices_call(user_id))
    }

    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn begin<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        action: String,
        device_id: Option<String>,
        message: String,
    ) -> Result<Object<'env>> {
        promise(env, self.begin_call(user_id, action, device_id, message))
    }

    #[napi(catch_unwind)]
    pub fn begin_sync(
        &self,
        env: Env,
        user_id: String,
        action: String,
        device_id: Option<String>,
        message: String,
    ) -> Result<Value> {
        block(&env, self.begin_call(user_id, action, device_id, message))
    }

    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    pub fn check<'env>(
        &self,
        env: &'env Env,
        challenge: String,
        user_id: String,
        action: String,
    ) -> Result<Object<'env>> {
        promise(env, self.check_call(challenge, user_id, action))
    }

    #[napi(catch_unwind)]
    pub fn check_sync(&self, env: Env, challenge: String, user_id: String, action: String) -> Result<Value> {
        block(&env, self.check_call(challenge, user_id, action))
    }

    #[napi(catch_unwind, ts_return_type = "Promise<boolean>")]
    pub fn redeem<'env>(
        &self,
        env: &'env Env,
        challenge: String,
        user_id: String,
        action: String,
    ) -> Result<Object<'env>> {
        promise(env, self.redeem_call(challenge, user_id, action))
    }

    #[napi(catch_unwind)]
    pub fn redeem_sync(&self, env: Env, challenge: String, user_id: String, action: String) -> Result<Value> {
        block(&env, self.redeem_call(challenge, user_id, action))
    }

    /// The promise rejects with a `cancelled` error once `cancel` fires.
    #[napi(catch_unwind, ts_return_type = "Promise<string>")]
    #[allow(clippy::too_many_arguments)]
    pub fn wait<'env>(
        &self,
        env: &'env Env,
        challenge: String,
        user_id: String,
        action: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
        cancel: Option<&CancelHandle>,
    ) -> Result<Object<'env>> {
        let wait = options::wait(timeout_ms, poll_interval_ms, cancel.map(CancelHandle::token));
        promise(env, self.wait_call(challenge, user_id, action, wait))
    }

    #[napi(catch_unwind)]
    pub fn wait_sync(
        &self,
        env: Env,
        challenge: String,
        user_id: String,
        action: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> Result<Value> {
        block(&env, self.wait_call(challenge, user_id, action, options::wait(timeout_ms, poll_interval_ms, None)))
    }
}
