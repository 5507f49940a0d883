//! Hooks that prove a Rust panic becomes a JavaScript error instead of ending the process.
//! Not part of the public API (the wrapper does not export them); the tests call them.

use napi::bindgen_prelude::Object;
use napi::{Env, Result};
use napi_derive::napi;

fn boom() -> usize {
    // A real panic, as a bug in any native code would raise.
    let v: Vec<usize> = Vec::new();
    let i = v.len() + 3;
    std::hint::black_box(v)[i]
}

/// Panics on the calling (JavaScript) thread.
#[napi(js_name = "__panicSync", catch_unwind)]
pub fn panic_sync() -> Result<()> {
    boom();
    Ok(())
}

/// Panics inside the core's runtime, as an async call would.
#[napi(js_name = "__panicAsync", ts_return_type = "Promise<void>")]
pub fn panic_async(env: &Env) -> Result<Object<'_>> {
    crate::runtime::promise(env, async { Ok(boom()) })
}
