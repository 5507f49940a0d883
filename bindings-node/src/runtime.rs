//! Every call runs on the core's runtime; napi's own runtime is never started.
//!
//! [`promise`] spawns a core future there and settles a promise on the JavaScript thread (where
//! errors become JavaScript values); [`block`] is the same call for the blocking forms.

use std::future::Future;

use napi::bindgen_prelude::{Object, ToNapiValue};
use napi::{Env, Result};
use omi_push::runtime;

use crate::error::IntoJs;

/// A promise of `future`'s result, converted by `convert`. A panic inside the core is an
/// `internal` error (the core's `runtime::run`).
pub fn promise<'env, T, V, F>(env: &'env Env, future: F, convert: fn(T) -> V) -> Result<Object<'env>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Send + 'static,
    V: ToNapiValue + 'static,
{
    let rt = runtime::shared().js(env)?;
    let (deferred, promise) = env.create_deferred()?;
    rt.spawn(async move {
        let result = runtime::run(future).await;
        deferred.resolve(move |env: Env| result.map(convert).js(&env));
    });
    Ok(promise)
}

/// `future`'s result on the calling (JavaScript) thread.
pub fn block<T, F: Future<Output = omi_push::Result<T>>>(env: &Env, future: F) -> Result<T> {
    runtime::block_on(future).and_then(|r| r).js(env)
}
