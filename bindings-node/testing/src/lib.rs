//! Native half of the `omi-push-testing` npm package: a thin shim over the one simulator handle
//! (`omi_push_ffi::sim::SimHandle`, JSON in and out). `omi-push/testing` (`lib/testing.js` of the
//! `omi-push` package) builds the idiomatic `Simulator` on [`NativeSimulator::request`].
//!
//! A library of its own so that the `omi-push` package's native library never links the
//! simulator (axum server, phone page). It runs the simulator on its own copy of the core's
//! runtime.

use napi::bindgen_prelude::AsyncTask;
use napi::{Env, Result, Task};
use napi_derive::napi;
use omi_push_ffi::sim::SimHandle;
use serde_json::{Value, json};

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

/// One request answered on a libuv worker thread (steps such as `sleep` block).
pub struct Request {
    handle: SimHandle,
    request: String,
}

impl Task for Request {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<String> {
        Ok(answer(&self.handle, &self.request))
    }

    fn resolve(&mut self, _env: Env, output: String) -> Result<String> {
        Ok(output)
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
    #[napi(catch_unwind)]
    pub fn request(&self, request: String) -> String {
        answer(&self.handle, &request)
    }

    /// [`NativeSimulator::request`] off the JavaScript thread, for steps that block (`sleep`).
    #[napi]
    pub fn request_async(&self, request: String) -> AsyncTask<Request> {
        AsyncTask::new(Request { handle: self.handle.clone(), request })
    }

    /// Stops the server; idempotent.
    #[napi(catch_unwind)]
    pub fn stop(&self) {
        self.handle.stop();
    }
}
