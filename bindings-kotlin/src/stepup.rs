//! Step-up for the JVM: the core's `StepUp`, built from the shared options record
//! (`omi_push_ffi::StepUpOptions`, as JSON), with each operation an `async fn` (a Kotlin `suspend fun`)
//! that runs on the core's runtime (`runtime::run`: cancelling the coroutine drops the future,
//! which aborts the task and its I/O). The Kotlin façade builds the blocking and
//! `CompletableFuture` forms on these.

use std::sync::Arc;

use omi_push::{StepUp, runtime};

use crate::client::NativeClient;
use crate::error::NativeError;
use crate::types::{NativeChallenge, NativeDevice};

#[derive(uniffi::Object)]
pub struct NativeStepUp {
    /// The core step-up (cheap to clone; the web flow shares it).
    pub(crate) inner: StepUp,
}

#[uniffi::export]
impl NativeStepUp {
    /// `options_json` is the shared `StepUpOptions` record as JSON (snake_case, milliseconds)
    /// without the keys, which come as bytes.
    #[uniffi::constructor]
    pub fn new(client: Arc<NativeClient>, keys: Vec<Vec<u8>>, options_json: String) -> Result<Self, NativeError> {
        let mut options = omi_push_ffi::json::step_up_options(&options_json)?;
        options.keys = keys;
        Ok(NativeStepUp { inner: options.build(client.inner.clone())? })
    }

    pub async fn devices(&self, user_id: String) -> Result<Vec<NativeDevice>, NativeError> {
        let s = self.inner.clone();
        let devices = runtime::run(async move { s.devices(&user_id).await }).await?;
        Ok(devices.into_iter().map(NativeDevice::from).collect())
    }

    pub async fn begin(
        &self,
        user_id: String,
        action: String,
        device_id: Option<String>,
        message: String,
    ) -> Result<NativeChallenge, NativeError> {
        let s = self.inner.clone();
        let c = runtime::run(async move { s.begin(&user_id, &action, device_id.as_deref(), &message).await }).await?;
        Ok(c.into())
    }

    /// One poll; the verdict's name (`omi_push_ffi::stepup::VERDICTS`).
    pub async fn check(&self, challenge: String, user_id: String, action: String) -> Result<String, NativeError> {
        let s = self.inner.clone();
        let v = runtime::run(async move { s.check(&challenge, &user_id, &action).await }).await?;
        Ok(v.as_str().to_string())
    }

    /// Waits for a final verdict (the core's wait: deadline, poll interval by the one duration rule).
    pub async fn wait(
        &self,
        challenge: String,
        user_id: String,
        action: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> Result<String, NativeError> {
        let options = omi_push_ffi::options::wait(timeout_ms, poll_interval_ms, None)?;
        let s = self.inner.clone();
        let v = runtime::run(async move { s.wait(&challenge, &user_id, &action, options).await }).await?;
        Ok(v.as_str().to_string())
    }
}
