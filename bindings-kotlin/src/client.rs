//! The client object: each operation as an `async fn` (a Kotlin `suspend fun`, run on the
//! core's shared runtime so that cancelling the coroutine drops the task and stops its I/O) and
//! as a blocking `fn` (the core's `runtime::block_on`, for plain threads). The blocking wait,
//! which may last minutes, is a task the JVM thread awaits in slices, so that
//! `Thread.interrupt()` stops it.

use std::sync::{Arc, Mutex, PoisonError};

use omi_push::{Client, Config, Outcome, WaitOptions, runtime};

use crate::config::NativeOptions;
use crate::error::NativeError;
use crate::types::{NativeDevice, NativeOutcome, NativeStatus, NativeTicket, millis};

#[derive(uniffi::Object)]
pub struct NativeClient {
    inner: Client,
}

fn wait_options(timeout_ms: Option<f64>, poll_interval_ms: Option<f64>) -> WaitOptions {
    WaitOptions { timeout: timeout_ms.map(millis), poll_interval: poll_interval_ms.map(millis), cancel: None }
}

#[uniffi::export]
impl NativeClient {
    #[uniffi::constructor]
    pub fn new(
        options: NativeOptions,
        client_secret: Option<String>,
        access_token: Option<String>,
    ) -> Result<Self, NativeError> {
        crate::logging::init_from_env();
        let config = Config::from_options(options.into_core(client_secret, access_token)?)?;
        Ok(NativeClient { inner: Client::new(config)? })
    }

    pub async fn list_devices(&self, user_id: String) -> Result<Vec<NativeDevice>, NativeError> {
        let c = self.inner.clone();
        let devices = runtime::run(async move { c.list_devices(&user_id).await }).await?;
        Ok(devices.into_iter().map(NativeDevice::from).collect())
    }

    pub fn list_devices_blocking(&self, user_id: String) -> Result<Vec<NativeDevice>, NativeError> {
        let devices = runtime::block_on(self.inner.list_devices(&user_id))??;
        Ok(devices.into_iter().map(NativeDevice::from).collect())
    }

    pub async fn send_push(
        &self,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Result<NativeTicket, NativeError> {
        let c = self.inner.clone();
        let ticket = runtime::run(async move {
            c.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await
        })
        .await?;
        Ok(ticket.into())
    }

    pub fn send_push_blocking(
        &self,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Result<NativeTicket, NativeError> {
        let fut = self.inner.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref());
        Ok(runtime::block_on(fut)??.into())
    }

    pub async fn confirmation_status(&self, nonce: String) -> Result<NativeStatus, NativeError> {
        let c = self.inner.clone();
        Ok(runtime::run(async move { c.confirmation_status(&nonce).await }).await?.into())
    }

    pub fn confirmation_status_blocking(&self, nonce: String) -> Result<NativeStatus, NativeError> {
        Ok(runtime::block_on(self.inner.confirmation_status(&nonce))??.into())
    }

    pub async fn wait_for_confirmation(
        &self,
        nonce: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> Result<NativeOutcome, NativeError> {
        let c = self.inner.clone();
        let options = wait_options(timeout_ms, poll_interval_ms);
        Ok(runtime::run(async move { c.wait_for_confirmation(&nonce, options).await }).await?.into())
    }

    /// The blocking wait, started on the shared runtime: the JVM thread then waits in short
    /// slices ([`NativeWait::wait_slice`]) so that `Thread.interrupt()` can stop it.
    pub fn start_wait(
        &self,
        nonce: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> Result<Arc<NativeWait>, NativeError> {
        let c = self.inner.clone();
        let options = wait_options(timeout_ms, poll_interval_ms);
        let task = runtime::spawn(async move { c.wait_for_confirmation(&nonce, options).await })?;
        Ok(Arc::new(NativeWait { task: Mutex::new(task) }))
    }
}

/// A wait running on the shared runtime. Dropping it (or `cancel`) aborts the wait.
#[derive(uniffi::Object)]
pub struct NativeWait {
    task: Mutex<runtime::Task<omi_push::Result<Outcome>>>,
}

#[uniffi::export]
impl NativeWait {
    /// Blocks for at most `slice_ms`: the outcome once the wait has ended, `None` while it runs.
    pub fn wait_slice(&self, slice_ms: f64) -> Result<Option<NativeOutcome>, NativeError> {
        let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        match task.wait_slice(millis(slice_ms))? {
            None => Ok(None),
            Some(result) => Ok(Some(result?.into())),
        }
    }

    /// Stops the wait and its I/O now.
    pub fn cancel(&self) {
        self.task.lock().unwrap_or_else(PoisonError::into_inner).abort();
    }
}
