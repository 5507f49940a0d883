//! `NativeClient`: one method per core operation.

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use omi_push::{Client, Config, Paths};

use crate::cancel::CancelHandle;
use crate::error::IntoJs;
use crate::runtime::{block, promise};
use crate::types::{ClientOptions, Device, Outcome, PathOptions, Status, TicketData, WaitOptions};

/// The native client. Use the `Client` class of the package instead: it adds option checks,
/// `AbortSignal` support and error classes.
#[napi]
pub struct NativeClient {
    inner: Client,
}

fn core_paths(p: PathOptions) -> Paths {
    let mut paths = Paths::default();
    let set = |slot: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    set(&mut paths.devices, p.devices);
    set(&mut paths.push_device, p.push_device);
    set(&mut paths.push_all, p.push_all);
    set(&mut paths.confirmation, p.confirmation);
    set(&mut paths.confirmation_query, p.confirmation_query);
    paths
}

fn core_options(o: ClientOptions) -> omi_push::ClientOptions {
    omi_push::ClientOptions {
        base_url: o.base_url,
        client_id: o.client_id,
        client_secret: o.client_secret.map(omi_push::Secret::new),
        access_token: o.access_token.map(omi_push::Secret::new),
        client_auth: o.client_auth,
        token_url: o.token_url,
        scopes: o.scopes,
        request_timeout_ms: o.request_timeout_ms,
        connect_timeout_ms: None,
        poll_interval_ms: o.poll_interval_ms,
        wait_timeout_ms: o.wait_timeout_ms,
        max_retries: o.max_retries,
        paths: o.paths.map(core_paths),
        max_message_chars: o.max_message_chars.map(|n| n as usize),
        allow_insecure_http: o.allow_insecure_http,
        ca_cert_pem: o.ca_cert_pem,
        user_agent_suffix: Some(o.user_agent_suffix.unwrap_or_else(|| "node".into())),
        ..omi_push::ClientOptions::default()
    }
}

fn core_wait_options(o: Option<WaitOptions>) -> omi_push::Result<omi_push::WaitOptions> {
    let o = o.unwrap_or_default();
    omi_push::WaitOptions::from_millis(o.timeout_ms, o.poll_interval_ms)
}

#[napi]
impl NativeClient {
    /// Builds a client; throws a `config` error for options that cannot work.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: ClientOptions) -> Result<Self> {
        let config = Config::from_options(core_options(options)).js(&env)?;
        Ok(NativeClient { inner: Client::new(config).js(&env)? })
    }

    /// Lists the user's enrolled devices.
    #[napi(catch_unwind, ts_return_type = "Promise<Device[]>")]
    pub fn list_devices<'env>(&self, env: &'env Env, user_id: String) -> Result<Object<'env>> {
        let client = self.inner.clone();
        promise(env, async move { client.list_devices(&user_id).await }, |d| {
            d.into_iter().map(Device::from).collect::<Vec<_>>()
        })
    }

    /// Sends a push to one device, or to all of the user's devices without `deviceId`.
    #[napi(catch_unwind, ts_return_type = "Promise<TicketData>")]
    pub fn send_push<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        device_id: Option<String>,
        message: String,
        nonce: Option<String>,
    ) -> Result<Object<'env>> {
        let client = self.inner.clone();
        let send = async move { client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await };
        promise(env, send, TicketData::from)
    }

    /// Reads the confirmation state once.
    #[napi(catch_unwind, ts_return_type = "Promise<Status>")]
    pub fn confirmation_status<'env>(&self, env: &'env Env, nonce: String) -> Result<Object<'env>> {
        let client = self.inner.clone();
        promise(env, async move { client.confirmation_status(&nonce).await }, Status::from)
    }

    /// Polls until the push is confirmed, rejected or expired, or the timeout passes. The
    /// promise rejects with a `cancelled` error once `cancel` fires.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome>")]
    pub fn wait_for_confirmation<'env>(
        &self,
        env: &'env Env,
        nonce: String,
        options: Option<WaitOptions>,
        cancel: Option<&CancelHandle>,
    ) -> Result<Object<'env>> {
        let mut options = core_wait_options(options).js(env)?;
        options.cancel = cancel.map(CancelHandle::token);
        let client = self.inner.clone();
        promise(env, async move { client.wait_for_confirmation(&nonce, options).await }, Outcome::from)
    }

    /// The blocking form of `waitForConfirmation`: it blocks the JavaScript thread until the
    /// wait ends.
    #[napi(catch_unwind)]
    pub fn wait_for_confirmation_sync(&self, env: Env, nonce: String, options: Option<WaitOptions>) -> Result<Outcome> {
        let options = core_wait_options(options).js(&env)?;
        block(&env, self.inner.wait_for_confirmation(&nonce, options)).map(Outcome::from)
    }

    /// `Client { base_url: …, client_id=… }`; never the secret or a token.
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }
}
