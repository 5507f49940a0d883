//! Native half of `omi-push/testing`: a thin shim over the one simulator handle
//! (`omi_push_ffi::sim::SimHandle`, JSON in and out; `lib/testing.js` builds the idiomatic
//! methods on [`NativeSimulator::request`]), and the error samples of the cross-language probe.

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;
use omi_push_ffi::error::{sample, sample_record};
use omi_push_ffi::sim::SimHandle;
use serde_json::{Value, json};

use crate::error::IntoJs;

/// A running simulator; dropping it stops the server.
#[napi]
pub struct NativeSimulator {
    handle: SimHandle,
}

/// `{"ok": answer}` or `{"error": text}`: the wrapper throws a `SimulatorError` for the latter.
fn answer(handle: &SimHandle, request: &str) -> String {
    let parsed = serde_json::from_str::<Value>(request).map_err(|e| format!("the request is not JSON: {e}"));
    match parsed.and_then(|r| handle.request(&r)) {
        Ok(v) => json!({ "ok": v }).to_string(),
        Err(e) => json!({ "error": e }).to_string(),
    }
}

#[napi]
impl NativeSimulator {
    /// Starts a simulator; `config` is the simulator's JSON configuration (snake_case keys).
    #[napi(factory, catch_unwind)]
    pub fn start(config: Option<String>) -> Result<Self> {
        let handle = SimHandle::start(config.as_deref()).map_err(napi::Error::from_reason)?;
        Ok(NativeSimulator { handle })
    }

    /// Answers one request (JSON text, see `SimHandle`) on the calling thread.
    #[napi]
    pub fn request(&self, request: String) -> String {
        answer(&self.handle, &request)
    }

    /// [`NativeSimulator::request`] off the JavaScript thread, for steps that block (`sleep`).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn request_async<'env>(&self, env: &'env Env, request: String) -> Result<Object<'env>> {
        let handle = self.handle.clone();
        let run = async move {
            tokio::task::spawn_blocking(move || answer(&handle, &request))
                .await
                .map_err(|e| omi_push::Error::Internal(format!("a simulator step failed to run: {e}")))
        };
        crate::runtime::promise(env, run)
    }

    /// Stops the server; idempotent.
    #[napi]
    pub fn stop(&self) {
        self.handle.stop();
    }
}

/// The error kinds, in the shared order (`omi_push_ffi::KINDS`).
#[napi(js_name = "__errorKinds")]
pub fn error_kinds() -> Vec<String> {
    omi_push_ffi::KINDS.iter().map(|k| k.to_string()).collect()
}

/// Throws the sample error of `kind` through the normal conversion.
#[napi(js_name = "__throwSampleError")]
pub fn throw_sample_error(env: Env, kind: String) -> Result<()> {
    let e = sample(&kind).ok_or_else(|| napi::Error::from_reason(format!("no sample of kind {kind:?}")))?;
    Err::<(), _>(e).js(&env)
}

/// The record of the sample error of `kind`, as JSON text (snake_case).
#[napi(js_name = "__sampleErrorRecord")]
pub fn sample_error_record(kind: String) -> Option<String> {
    sample_record(&kind).map(|r| r.to_json().to_string())
}

/// The names of the core's client options (`omi_push_ffi::options::client_option_names`).
#[napi(js_name = "__clientOptionNames")]
pub fn client_option_names() -> Vec<String> {
    omi_push_ffi::options::client_option_names()
}
