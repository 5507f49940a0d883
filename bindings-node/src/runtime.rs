//! Every call runs on the core's runtime; napi's own runtime is never started.
//!
//! [`promise`] spawns a core future there and settles a promise on the JavaScript thread (where
//! errors become JavaScript values); [`block`] is the same call for the blocking forms; [`calls!`]
//! declares both forms of each operation. Results cross as JSON values of the shared records,
//! built on the core's thread: napi's own serialiser drops the variant name of an enum's struct
//! variant (napi-rs#507), e.g. the flow's `Guard::Allow`.

use std::future::Future;
use std::time::Duration;

use napi::bindgen_prelude::{JsObjectValue, Object};
use napi::{Env, Result};
use omi_push::runtime;
use serde::Serialize;
use serde_json::Value;

use crate::error::IntoJs;

/// How often a blocking call checks that its JavaScript thread is still wanted.
const SLICE: Duration = Duration::from_millis(50);

fn to_json<T: Serialize>(v: T) -> omi_push::Result<Value> {
    serde_json::to_value(v).map_err(|e| omi_push::Error::Internal(format!("cannot encode a result: {e}")))
}

/// A promise of `future`'s result, settled through this thread's [`settle`](crate::settle) hub.
/// A panic inside the core is an `internal` error (the core's `runtime::run`).
pub fn promise<'env, T, F>(env: &'env Env, future: F) -> Result<Object<'env>>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Serialize + Send + 'static,
{
    let rt = runtime::shared().js(env)?;
    let (promise, settle) = crate::settle::promise(env)?;
    let gone = settle.gone();
    rt.spawn(async move {
        tokio::select! {
            // Left unsettled: its environment is gone.
            () = gone.cancelled() => {}
            result = runtime::run(future) => settle.send(result.and_then(to_json)),
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
            return Err(omi_push::Error::Cancelled).js(env);
        }
    }
}

/// Declares, for each core operation of a native class, its two methods: `name` returns a
/// promise ([`promise`]) and `name_sync` blocks ([`block`]), with the same arguments. The body
/// builds the core future from the arguments and `core`, a clone of the class's `inner` value.
macro_rules! calls {
    ($class:ident($core:ident) { $(fn $name:ident / $sync:ident($($args:tt)*) { $($body:tt)* })* }) => {
        #[napi_derive::napi]
        impl $class {
            $(
                // JavaScript's positional arguments, one Rust parameter each.
                #[napi(catch_unwind, ts_return_type = "Promise<unknown>")]
                #[allow(clippy::too_many_arguments)]
                pub fn $name<'env>(
                    &self,
                    env: &'env napi::Env,
                    $($args)*
                ) -> napi::Result<napi::bindgen_prelude::Object<'env>> {
                    let $core = self.inner.clone();
                    $crate::runtime::promise(env, { $($body)* })
                }

                #[napi(catch_unwind)]
                #[allow(clippy::too_many_arguments)]
                pub fn $sync(&self, env: &napi::Env, $($args)*) -> napi::Result<serde_json::Value> {
                    let $core = self.inner.clone();
                    $crate::runtime::block(env, { $($body)* })
                }
            )*
        }
    };
}
pub(crate) use calls;
