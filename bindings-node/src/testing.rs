//! The error samples of the cross-language probe and the option names, read by
//! `omi-push/testing` and the tests. The simulator itself is not here: it is the testing kit,
//! the `omi-push-testing` package (`testing/`), so that this library links no simulator code.

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
