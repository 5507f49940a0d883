//! Hooks that prove a Rust panic becomes a JavaScript error instead of ending the process.
//! Not part of the public API (the wrapper does not export them); the tests call them.

use napi::Result;
use napi_derive::napi;

fn boom() -> Result<()> {
    // A real panic, as a bug in any native code would raise.
    let v: Vec<u32> = Vec::new();
    let i = v.len() + 3;
    Ok(std::hint::black_box(v)[i]).map(|_| ())
}

/// Panics on the calling (JavaScript) thread.
#[napi(js_name = "__panicSync", catch_unwind)]
pub fn panic_sync() -> Result<()> {
    boom()
}

/// Panics inside the core's runtime, as an async call would.
#[napi(js_name = "__panicAsync")]
pub async fn panic_async() -> Result<()> {
    omi_push::runtime::run(async { boom().map_err(|_| omi_push::Error::Cancelled) })
        .await
        .map_err(|e| crate::error::to_napi(&e))
}
