//! The completion path behind every `OmiClient` operation: one call starts it as a task on the
//! core's runtime, one callback into the JVM delivers its result. Not uniffi's `async fn`: through
//! JNA each uniffi call allocates several `Structure`s (about 20 µs of CPU each; 5,000 concurrent
//! confirmations spent seconds there, bench/README.md). Here primitives and one `byte[]` go in
//! (uniffi's serialisation: the generated `FfiConverter`s, `Lift` / `Lower` here) and a pointer
//! plus a length come out, through JNA direct mapping, on threads the JVM keeps attached.
//!
//! No panic crosses the boundary: each `extern "C"` function catches unwinding, a task's panic is
//! delivered as [`STATUS_PANIC`]. [`omi_kt_cancel`] aborts the task: its I/O stops, nothing is
//! delivered.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError, RwLock};

use futures_util::FutureExt;
use omi_push::{Client, Result, runtime};
use tokio::task::AbortHandle;
use uniffi::{Lift, Lower};

use crate::UniFfiTag;
use crate::error::NativeError;
use crate::types::{NativeDevice, NativeOutcome, NativeStatus, NativeTicket};

/// `fn callback(id: Long, status: Int, data: Pointer?, len: Int)` on the JVM side; `data` is
/// only valid during the call.
pub type Completion = extern "C" fn(id: i64, status: i32, data: *const u8, len: i32);

/// Delivered payloads: the operation's record, a [`NativeError`] (both uniffi-serialised), or
/// the panic message (UTF-8).
pub const STATUS_OK: i32 = 0;
pub const STATUS_ERROR: i32 = 1;
pub const STATUS_PANIC: i32 = 2;

/// [`omi_kt_start`]'s answers: started, client closed (or unknown), arguments unreadable or
/// operation unknown (a bug of the façade), [`omi_kt_init`] not called, panicked before the start.
pub const START_OK: i32 = 0;
pub const START_CLOSED: i32 = 1;
pub const START_BAD_CALL: i32 = 2;
pub const START_NOT_INITIALISED: i32 = 3;
pub const START_PANIC: i32 = 4;

/// Operation codes (the Kotlin façade's `FastPath.Op`s); their arguments are the types read in
/// [`work`], in order. FastPathProtocolTest (Kotlin) reads this file and fails when the codes,
/// argument types or result types of the two sides disagree.
const OP_LIST_DEVICES: i32 = 1;
const OP_SEND_PUSH: i32 = 2;
const OP_CONFIRMATION_STATUS: i32 = 3;
const OP_WAIT: i32 = 4;
/// This binding's tests: a task that panics. Not in release builds.
#[cfg(debug_assertions)]
const OP_TESTING_PANIC: i32 = 99;

static COMPLETION: RwLock<Option<Completion>> = RwLock::new(None);
/// The clients by `NativeClient::fast_id`; running tasks keep their own clone and finish.
static CLIENTS: LazyLock<RwLock<HashMap<i64, Client>>> = LazyLock::new(Default::default);
static TASKS: LazyLock<Mutex<HashMap<i64, AbortHandle>>> = LazyLock::new(Default::default);
static NEXT_CLIENT: AtomicI64 = AtomicI64::new(1);

/// Makes `client` reachable from [`omi_kt_start`] under the returned id (until `unregister`).
pub(crate) fn register(client: Client) -> i64 {
    let id = NEXT_CLIENT.fetch_add(1, Ordering::Relaxed);
    CLIENTS.write().unwrap_or_else(PoisonError::into_inner).insert(id, client);
    id
}

pub(crate) fn unregister(id: i64) {
    CLIENTS.write().unwrap_or_else(PoisonError::into_inner).remove(&id);
}

/// Registers the JVM's completion callback (once per loaded library; a later call replaces it).
#[unsafe(no_mangle)]
pub extern "C" fn omi_kt_init(completion: Completion) -> i32 {
    let set = || *COMPLETION.write().unwrap_or_else(PoisonError::into_inner) = Some(completion);
    if catch_unwind(set).is_ok() { 0 } else { START_PANIC }
}

/// Starts operation `op` of client `client` with the uniffi-serialised `args` (`len` bytes);
/// its result arrives later through the completion callback, tagged `id`. Returns `START_OK`,
/// or one of the `START_...` codes (then nothing will be delivered).
///
/// # Safety
/// `args` must point to `len` readable bytes (JNA passes a `byte[]`), or be null with `len == 0`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn omi_kt_start(client: i64, op: i32, id: i64, args: *const u8, len: i32) -> i32 {
    let bytes: &[u8] = match usize::try_from(len) {
        Ok(0) => &[],
        // SAFETY: the caller passes `len` readable bytes at `args`.
        Ok(n) if !args.is_null() => unsafe { std::slice::from_raw_parts(args, n) },
        _ => return START_BAD_CALL,
    };
    catch_unwind(AssertUnwindSafe(|| start(client, op, id, bytes))).unwrap_or(START_PANIC)
}

/// Aborts the task started as `id`, if it still runs: its I/O stops and nothing is delivered.
#[unsafe(no_mangle)]
pub extern "C" fn omi_kt_cancel(id: i64) {
    let task = catch_unwind(|| TASKS.lock().unwrap_or_else(PoisonError::into_inner).remove(&id));
    if let Ok(Some(task)) = task {
        task.abort();
    }
}

/// How many started tasks have not ended yet (this binding's tests: cancelled tasks are gone).
#[unsafe(no_mangle)]
pub extern "C" fn omi_kt_running() -> i64 {
    catch_unwind(|| TASKS.lock().unwrap_or_else(PoisonError::into_inner).len())
        .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX))
}

/// A task's result: status and payload.
type Delivery = (i32, Vec<u8>);
type Work = Pin<Box<dyn Future<Output = Delivery> + Send>>;

fn encode<T: Lower<UniFfiTag>>(status: i32, value: T) -> Delivery {
    let mut buf = Vec::new();
    T::write(value, &mut buf);
    (status, buf)
}

fn read<T: Lift<UniFfiTag>>(buf: &mut &[u8]) -> Option<T> {
    T::try_read(buf).ok()
}

/// The core call as the task's work: it delivers the value's or the error's serialisation.
fn boxed<T: Lower<UniFfiTag> + 'static>(call: impl Future<Output = Result<T>> + Send + 'static) -> Option<Work> {
    let done = |r: Result<T>| r.map_or_else(|e| encode(STATUS_ERROR, NativeError::from(e)), |v| encode(STATUS_OK, v));
    Some(Box::pin(call.map(done)))
}

/// The operation's future, from its arguments; `None` when they cannot be read.
fn work(client: Client, op: i32, mut args: &[u8]) -> Option<Work> {
    let a = &mut args;
    let work = match op {
        OP_LIST_DEVICES => {
            let user_id: String = read(a)?;
            boxed(async move {
                Ok(client.list_devices(&user_id).await?.into_iter().map(NativeDevice::from).collect::<Vec<_>>())
            })
        }
        OP_SEND_PUSH => {
            let (user_id, device_id, message, nonce): (String, Option<String>, String, Option<String>) =
                (read(a)?, read(a)?, read(a)?, read(a)?);
            boxed(async move {
                let r = client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await;
                r.map(NativeTicket::from)
            })
        }
        OP_CONFIRMATION_STATUS => {
            let nonce: String = read(a)?;
            boxed(async move { client.confirmation_status(&nonce).await.map(NativeStatus::from) })
        }
        OP_WAIT => {
            let (nonce, timeout_ms, poll_interval_ms): (String, Option<f64>, Option<f64>) =
                (read(a)?, read(a)?, read(a)?);
            let options = omi_push_ffi::options::wait(timeout_ms, poll_interval_ms, None);
            boxed(async move { client.wait_for_confirmation(&nonce, options?).await.map(NativeOutcome::from) })
        }
        #[cfg(debug_assertions)]
        OP_TESTING_PANIC => {
            let message: String = read(a)?;
            boxed::<String>(async move { panic!("{message}") })
        }
        _ => None,
    };
    // Trailing bytes mean the façade and this file disagree on the arguments.
    work.filter(|_| args.is_empty())
}

fn start(client: i64, op: i32, id: i64, args: &[u8]) -> i32 {
    let Some(completion) = *COMPLETION.read().unwrap_or_else(PoisonError::into_inner) else {
        return START_NOT_INITIALISED;
    };
    let Some(client) = CLIENTS.read().unwrap_or_else(PoisonError::into_inner).get(&client).cloned() else {
        return START_CLOSED;
    };
    let Some(work) = work(client, op, args) else {
        return START_BAD_CALL;
    };
    let rt = match runtime::shared() {
        Ok(rt) => rt,
        Err(e) => {
            deliver(completion, id, encode(STATUS_ERROR, NativeError::from(e)));
            return START_OK;
        }
    };
    // Inserted before the task can remove itself: the task takes the same lock when it ends.
    let mut tasks = TASKS.lock().unwrap_or_else(PoisonError::into_inner);
    let handle = rt.spawn(async move {
        let delivery = AssertUnwindSafe(work).catch_unwind().await.unwrap_or_else(|panic| {
            let text = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref().cloned());
            let text = text.unwrap_or_else(|| "a panic without message".into());
            (STATUS_PANIC, format!("internal error in omi-push; please report it: {text}").into_bytes())
        });
        TASKS.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
        deliver(completion, id, delivery);
    });
    tasks.insert(id, handle.abort_handle());
    START_OK
}

fn deliver(completion: Completion, id: i64, (status, payload): Delivery) {
    // Results are small (a record); a length beyond i32 would be a bug, reported as a panic.
    let Ok(len) = i32::try_from(payload.len()) else {
        let text = b"internal error: result too large";
        return completion(id, STATUS_PANIC, text.as_ptr(), text.len() as i32);
    };
    completion(id, status, payload.as_ptr(), len)
}
