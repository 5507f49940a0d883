//! `NativeClient`: each core operation in an async (promise) and a blocking form. Results are
//! the shared records of `omi_push_ffi::records`, which `lib/records.js` gives their
//! JavaScript names.

use napi::bindgen_prelude::{Function, Object};
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::{Env, Result};
use napi_derive::napi;
use omi_push::{Client, ClientOptions, Config, EventHook};
use omi_push_ffi::{DeviceRecord, OutcomeRecord, StatusRecord, TicketRecord, options};

use crate::cancel::CancelHandle;
use crate::error::IntoJs;
use crate::runtime::calls;

#[napi]
pub struct NativeClient {
    pub(crate) inner: Client,
}

#[napi]
impl NativeClient {
    /// `options`: the core's `ClientOptions` record (snake_case). `on_event` receives each core
    /// event as JSON text on the JavaScript thread, parsed there only when someone listens
    /// (`lib/events.js`); it does not keep the process alive.
    #[napi(constructor, catch_unwind)]
    pub fn new(env: Env, options: Object, on_event: Option<Function<String, ()>>) -> Result<Self> {
        let hook = match on_event {
            Some(f) => Some(f.build_threadsafe_function::<String>().callee_handled::<false>().weak::<true>().build()?),
            None => None,
        };
        let parsed = env.from_js_value::<ClientOptions, _>(options);
        let parsed = parsed.map_err(|e| omi_push::Error::Config(format!("invalid client options: {}", e.reason)));
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
}

calls! { NativeClient(client) {
    fn list_devices / list_devices_sync(user_id: String) {
        async move { Ok(client.list_devices(&user_id).await?.into_iter().map(DeviceRecord::from).collect::<Vec<_>>()) }
    }
    fn send_push / send_push_sync(user_id: String, device_id: Option<String>, message: String, nonce: Option<String>) {
        async move {
            client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await.map(TicketRecord::from)
        }
    }
    fn confirmation_status / confirmation_status_sync(nonce: String) {
        async move { client.confirmation_status(&nonce).await.map(StatusRecord::from) }
    }
    // The blocking form takes a handle too but is never given one: its thread cannot run
    // JavaScript to fire it.
    fn wait_for_confirmation / wait_for_confirmation_sync(
        nonce: String,
        timeout_ms: Option<f64>,
        poll_interval_ms: Option<f64>,
        cancel: Option<&CancelHandle>,
    ) {
        let wait = options::wait(timeout_ms, poll_interval_ms, cancel.map(CancelHandle::token));
        async move { client.wait_for_confirmation(&nonce, wait?).await.map(OutcomeRecord::from) }
    }
}}
