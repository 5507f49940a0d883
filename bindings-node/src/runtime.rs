//! Every call runs on the core's runtime; napi's own runtime is never started.
//!
//! [`promise`] spawns a core future there and settles a promise on the JavaScript thread (where
//! errors become JavaScript values); [`block`] is the same call for the blocking forms. Results
//! cross as JSON values of the shared records.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, Result};
use omi_push::{CancellationToken, runtime};
use serde::Serialize;
use serde_json::Value;

use crate::error::IntoJs;

/// How often a blocking call checks that its JavaScript thread is still wanted.
const SLICE: Duration = Duration::from_millis(50);

fn to_json<T: Serialize>(v: T) -> omi_push::Result<Value> {
    serde_json::to_value(v).map_err(|e| omi_push::Error::Internal(format!("cannot encode a result: {e}")))
}

thread_local! {
    /// Cancelled when the JavaScript environment of this thread shuts down (a worker is
    /// terminated, the process exits): its pending promises can no longer be settled, so their
    /// core tasks stop, with their I/O, instead of polling on until their timeout.
    static ENV_GONE: RefCell<Option<CancellationToken>> = const { RefCell::new(None) };
}

fn env_gone(env: &Env) -> Result<CancellationToken> {
    ENV_GONE.with(|slot| {
        if let Some(token) = slot.borrow().as_ref() {
            return Ok(token.clone());
        }
        let token = CancellationToken::new();
        let hook = token.clone();
        env.add_env_cleanup_hook((), move |()| hook.cancel())?;
        *slot.borrow_mut() = Some(token.clone());
        Ok(token)
    })
}

/// A promise of `future`'s result. A panic inside the core is an `internal` error (the core's
/// `runtime::run`).
pub fn promise<'env, T, F>(env: &'env Env, future: F) -> Result<Object<'env>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let rt = runtime::shared().js(env)?;
    let gone = env_gone(env)?;
    let (deferred, promise) = env.create_deferred()?;
    rt.spawn(async move {
        tokio::select! {
            // Dropping the deferred unsettled is safe: its environment is gone.
            () = gone.cancelled() => {}
            result = runtime::run(future) => {
                let result = result.and_then(to_json);
                deferred.resolve(move |env: Env| result.js(&env));
            }
        }
    });
    Ok(promise)
}

/// `future`'s result on the calling (JavaScript) thread. Between slices it checks that the
/// thread may still run JavaScript: `worker.terminate()` (or the process exiting) stops the
/// call at once with a `cancelled` error, and the core task is dropped with its I/O.
pub fn block<T, F>(env: &Env, future: F) -> Result<Value>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let mut task = runtime::spawn(future).js(env)?;
    let mut probe = Object::new(env)?;
    loop {
        if let Some(result) = task.wait_slice(SLICE).js(env)? {
            return result.and_then(to_json).js(env);
        }
        // Node refuses every property write once its environment is stopping.
        if probe.set_named_property("alive", true).is_err() {
            task.abort();
            return Err::<Value, _>(omi_push::Error::Cancelled).js(env);
        }
    }
}
