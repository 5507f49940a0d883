//! Settles the promises of one JavaScript thread through one threadsafe function.
//!
//! napi's `create_deferred` makes a threadsafe function, so a libuv async handle, per promise,
//! and libuv walks every async handle of the loop on each wake-up: with 5,000 waits pending,
//! each settled promise cost a walk of 5,000 handles (21 % of the Node row's CPU in the
//! benchmark's profile, bench/README.md). Here each JavaScript thread (the main thread, each
//! worker) has one [`Hub`]: core tasks queue their results in it and wake its one threadsafe
//! function when the queue was empty; the JavaScript thread settles every queued promise in one
//! callback. The threadsafe function keeps the event loop alive only while promises are pending.

use std::cell::RefCell;
use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use napi::bindgen_prelude::{Object, ToNapiValue};
use napi::{Env, JsError, JsValue, Result, sys};
use omi_push::CancellationToken;
use serde_json::Value;

use crate::error::IntoJs;

/// A promise's raw deferred: only ever used on its JavaScript thread, by [`drain`].
struct Deferred(sys::napi_deferred);
// SAFETY: it travels through a core task untouched and is used on its own thread only.
unsafe impl Send for Deferred {}

struct Tsfn(sys::napi_threadsafe_function);
// SAFETY: a threadsafe function is made to be called from any thread; `Hub::tsfn`'s lock
// keeps calls from racing its release at teardown.
unsafe impl Send for Tsfn {}

struct Hub {
    /// `None` once the environment tore down: results then have nobody to go to.
    tsfn: Mutex<Option<Tsfn>>,
    done: Mutex<Vec<(Deferred, omi_push::Result<Value>)>>,
    /// Promises made and not yet settled (only the JavaScript thread changes it).
    pending: AtomicUsize,
    /// Cancelled when the environment tears down, so that the core tasks of its pending
    /// promises stop, with their I/O, instead of polling on until their timeout.
    gone: CancellationToken,
}

thread_local! {
    static HUB: RefCell<Option<Arc<Hub>>> = const { RefCell::new(None) };
}

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok { Ok(()) } else { Err(napi::Error::from_status(napi::Status::from(status))) }
}

/// This JavaScript thread's hub (made on first use, with its environment's teardown hook).
fn hub(env: &Env) -> Result<Arc<Hub>> {
    if let Some(hub) = HUB.with(|h| h.borrow().clone()) {
        return Ok(hub);
    }
    let hub = Arc::new(Hub {
        tsfn: Mutex::new(None),
        done: Mutex::default(),
        pending: AtomicUsize::new(0),
        gone: CancellationToken::new(),
    });
    let mut tsfn = ptr::null_mut();
    let name = env.create_string("omi-push")?;
    // The threadsafe function holds one reference to the hub, given back in `finalize`.
    let context = Arc::into_raw(hub.clone()) as *mut c_void;
    // SAFETY: on the JavaScript thread of `env`; `drain` and `finalize` match the callback types.
    let status = unsafe {
        sys::napi_create_threadsafe_function(
            env.raw(),
            ptr::null_mut(),
            ptr::null_mut(),
            name.raw(),
            0,
            1,
            ptr::null_mut(),
            Some(finalize),
            context,
            Some(drain),
            &mut tsfn,
        )
    };
    if let Err(e) = check(status) {
        // SAFETY: the reference given to the threadsafe function that was not made.
        drop(unsafe { Arc::from_raw(context as *const Hub) });
        return Err(e);
    }
    // SAFETY: as above; no promise is pending yet, so the loop need not stay alive for it.
    check(unsafe { sys::napi_unref_threadsafe_function(env.raw(), tsfn) })?;
    *hub.tsfn.lock().unwrap_or_else(PoisonError::into_inner) = Some(Tsfn(tsfn));
    let at_teardown = hub.clone();
    if let Err(e) = env.add_env_cleanup_hook((), move |()| at_teardown.tear_down()) {
        // Without the hook nobody would release it.
        hub.tear_down();
        return Err(e);
    }
    HUB.with(|h| *h.borrow_mut() = Some(hub.clone()));
    Ok(hub)
}

/// Where a promise's result goes: [`Settle::send`] from any thread.
pub struct Settle {
    hub: Arc<Hub>,
    deferred: Deferred,
}

impl Settle {
    /// Cancelled when the promise's environment tears down (nobody waits for it then).
    pub fn gone(&self) -> CancellationToken {
        self.hub.gone.clone()
    }

    pub fn send(self, result: omi_push::Result<Value>) {
        self.hub.deliver(self.deferred, result);
    }
}

/// A new pending promise of this thread, and where its result goes.
pub fn promise(env: &Env) -> Result<(Object<'_>, Settle)> {
    let hub = hub(env)?;
    let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: on the JavaScript thread of `env`.
    check(unsafe { sys::napi_create_promise(env.raw(), &mut deferred, &mut promise) })?;
    if hub.pending.fetch_add(1, Ordering::Relaxed) == 0
        && let Some(Tsfn(tsfn)) = hub.tsfn.lock().unwrap_or_else(PoisonError::into_inner).as_ref()
    {
        // SAFETY: on the JavaScript thread; a pending promise keeps the loop alive.
        unsafe { sys::napi_ref_threadsafe_function(env.raw(), *tsfn) };
    }
    Ok((Object::from_raw(env.raw(), promise), Settle { hub, deferred: Deferred(deferred) }))
}

impl Hub {
    /// At the environment's teardown: the pending promises' tasks stop, and the threadsafe
    /// function goes (its `finalize` gives back its hub reference).
    fn tear_down(&self) {
        self.gone.cancel();
        if let Some(Tsfn(tsfn)) = self.tsfn.lock().unwrap_or_else(PoisonError::into_inner).take() {
            // SAFETY: taken under the lock every caller holds: nobody calls it after this.
            unsafe { sys::napi_release_threadsafe_function(tsfn, sys::ThreadsafeFunctionReleaseMode::abort) };
        }
    }

    fn deliver(&self, deferred: Deferred, result: omi_push::Result<Value>) {
        let first = {
            let mut done = self.done.lock().unwrap_or_else(PoisonError::into_inner);
            done.push((deferred, result));
            done.len() == 1
        };
        if first && let Some(Tsfn(tsfn)) = self.tsfn.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            // SAFETY: called under the lock that teardown takes before releasing it. Fails
            // only while the environment closes, when nobody waits for the results.
            unsafe {
                sys::napi_call_threadsafe_function(*tsfn, ptr::null_mut(), sys::ThreadsafeFunctionCallMode::nonblocking)
            };
        }
    }
}

/// On the JavaScript thread: settles every queued promise.
unsafe extern "C" fn drain(env: sys::napi_env, _js: sys::napi_value, context: *mut c_void, _data: *mut c_void) {
    if env.is_null() || context.is_null() {
        return;
    }
    // SAFETY: `context` is the hub reference the threadsafe function holds until `finalize`.
    let hub = unsafe { &*(context as *const Hub) };
    let done = std::mem::take(&mut *hub.done.lock().unwrap_or_else(PoisonError::into_inner));
    let js_env = Env::from_raw(env);
    let settled = done.len();
    for (Deferred(deferred), result) in done {
        // SAFETY: on the deferred's own thread, inside the threadsafe function's callback.
        unsafe {
            match result.js(&js_env).and_then(|v| Value::to_napi_value(env, v)) {
                Ok(value) => sys::napi_resolve_deferred(env, deferred, value),
                Err(e) => sys::napi_reject_deferred(env, deferred, JsError::from(e).into_value(env)),
            };
        }
    }
    if hub.pending.fetch_sub(settled, Ordering::Relaxed) == settled
        && let Some(Tsfn(tsfn)) = hub.tsfn.lock().unwrap_or_else(PoisonError::into_inner).as_ref()
    {
        // SAFETY: on the JavaScript thread; nothing pending keeps the loop alive any more.
        unsafe { sys::napi_unref_threadsafe_function(env, *tsfn) };
    }
}

unsafe extern "C" fn finalize(_env: sys::napi_env, _data: *mut c_void, context: *mut c_void) {
    if !context.is_null() {
        // SAFETY: the reference given to the threadsafe function in `hub`.
        drop(unsafe { Arc::from_raw(context as *const Hub) });
    }
}
