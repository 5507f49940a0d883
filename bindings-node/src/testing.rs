//! What only tests read: the error samples of the cross-language probe and the option names
//! (through `omi-push/testing`), and, in debug builds only, hooks that prove a Rust panic
//! becomes a JavaScript error instead of ending the process (not exported by the wrapper). The
//! simulator itself is not here: it is the testing kit, the `omi-push-testing` package
//! (`testing/`), so that this library links no simulator code.

use napi::{Env, Result};
use napi_derive::napi;
use omi_push_ffi::error::{sample, sample_record};

use crate::error::IntoJs;

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

// The panic hooks are for this binding's own tests (debug builds); release builds leave them out.
#[cfg(debug_assertions)]
fn boom() -> usize {
    // A real panic, as a bug in any native code would raise.
    let v: Vec<usize> = Vec::new();
    let i = v.len() + 3;
    std::hint::black_box(v)[i]
}

/// Panics on the calling (JavaScript) thread.
#[cfg(debug_assertions)]
#[napi(js_name = "__panicSync", catch_unwind)]
pub fn panic_sync() -> Result<()> {
    boom();
    Ok(())
}

/// Panics inside the core's runtime, as an async call would.
#[cfg(debug_assertions)]
#[napi(js_name = "__panicAsync", ts_return_type = "Promise<void>")]
pub fn panic_async(env: &Env) -> Result<napi::bindgen_prelude::Object<'_>> {
    crate::runtime::promise(env, async { Ok(boom()) })
}
