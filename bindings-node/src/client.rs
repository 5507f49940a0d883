//! `NativeClient`: one method per core operation, each in an async (promise) and a blocking
//! form. Options come in as the core's own record (`omi_push::ClientOptions`, JSON text);
//! results go out as the shared records of `omi_push_ffi::records` (JSON values), which
//! `lib/records.js` gives their JavaScript names.

use std::future::Future;

use napi::bindgen_prelude::{Function, Object};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Result};
use napi_derive::napi;
use omi_push::{Client, ClientOptions, Config, EventHook};
use omi_push_ffi::{DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord, options};
use serde_json::Value;

use crate::cancel::CancelHandle;
use crate::error::IntoJs;
use crate::runtime::{block, promise};

/// The native client. Use the `Client` class of the package instead: it adds argument checks,
/// `AbortSignal` support and error classes.
#[napi]
pub struct NativeClient {
    inner: Client,
}

pub(crate) type Call<T> = std::pin::Pin<Box<dyn Future<Output = omi_push::Result<T>> + Send>>;

impl NativeClient {
    /// The core client (cheap to clone).
    pub(crate) fn core(&self) -> Client {
        self.inner.clone()
    }

    fn devices(&self, user_id: String) -> Call<Vec<DeviceRecord>> {
        let client = self.inner.clone();
        Box::pin(async move { Ok(client.list_devices(&user_id).await?.into_iter().map(DeviceRecord::from).collect()) })
    }

    fn push(
        &self,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Call<TicketRecord> {
        let client = self.inner.clone();
        Box::pin(async move {
            client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await.map(TicketRecord::from)
        })
    }

    fn status(&self, nonce: String) -> Call<StatusRecord> {
        let client = self.inner.clone();
        Box::pin(async move { client.confirmation_status(&nonce).await.map(StatusRecord::from) })
    }

    fn wait(&self, nonce: String, wait: omi_push::Result<omi_push::WaitOptions>) -> Call<OutcomeRecord> {
        let client = self.inner.clone();
        Box::pin(async move { client.wait_for_confirmation(&nonce, wait?).await.map(OutcomeRecord::from) })
    }
}

#[napi]
impl NativeClient {
    /// Builds a client from the core's options record (snake_case JSON); throws a `config`
    /// error for options that cannot work. `on_event` receives every core event as JSON text,
    /// on the JavaScript thread (it does not keep the process alive).
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: String, on_event: Option<Function<String, ()>>) -> Result<Self> {
        let hook = match on_event {
            Some(f) => Some(f.build_threadsafe_function::<String>().callee_handled::<false>().weak::<true>().build()?),
            None => None,
        };
        let parsed = serde_json::from_str::<ClientOptions>(&options)
            .map_err(|e| omi_push::Error::Config(format!("invalid client options: {e}")));
        let mut config = parsed.and_then(Config::from_options).js(&env)?;
        if let Some(tsfn) = hook {
            config = config.with_event_hook(EventHook::new(move |event| {
                // Non-blocking: a full queue or a closing environment drops the event, never
                // stalls a request.
                tsfn.call(event.to_json().to_string(), ThreadsafeFunctionCallMode::NonBlocking);
            }));
        }
        Ok(NativeClient { inner: Client::new(config).js(&env)? })
    }

    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn list_devices<'env>(&self, env: &'env Env, user_id: String) -> Result<Object<'env>> {
        promise(env, self.devices(user_id))
    }

    #[napi(catch_unwind)]
    pub fn list_devices_sync(&self, env: Env, user_id: String) -> Result<Value> {
        block(&env, self.devices(user_id))
    }

    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn send_push<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Result<Object<'env>> {
        promise(env, self.push(user_id, device_id, message, nonce))
    }

    #[napi(catch_unwind)]
    pub fn send_push_sync(
        &self,
        env: Env,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Result<Value> {
        block(&env, self.push(user_id, device_id, message, nonce))
    }

    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn confirmation_status<'env>(&self, env: &'env Env, nonce: String) -> Result<Object<'env>> {
        promise(env, self.status(nonce))
    }

    #[napi(catch_unwind)]
    pub fn confirmation_status_sync(&self, env: Env, nonce: String) -> Result<Value> {
        block(&env, self.status(nonce))
    }

    /// The promise rejects with a `cancelled` error once `cancel` fires.
    #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
    pub fn wait_for_confirmation<'env>(
        &self,
        env: &'env Env,
        nonce: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
        cancel: Option<&CancelHandle>,
    ) -> Result<Object<'env>> {
        let wait = options::wait(timeout_ms, poll_interval_ms, cancel.map(CancelHandle::token));
        promise(env, self.wait(nonce, wait))
    }

    /// Blocks the JavaScript thread until the wait ends (or its worker is terminated).
    #[napi(catch_unwind)]
    pub fn wait_for_confirmation_sync(
        &self,
        env: Env,
        nonce: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
    ) -> Result<Value> {
        block(&env, self.wait(nonce, options::wait(timeout_ms, poll_interval_ms, None)))
    }

    /// `Client { base_url: …, client_id=… }`; never the secret or a token.
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }
}
