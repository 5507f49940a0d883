//! The completion path behind the Kotlin `suspend` functions (and the `...Async` forms built on
//! them): one call into Rust starts the operation as a task on the core's shared runtime, and one
//! call back into the JVM delivers its result. Nothing else crosses the boundary.
//!
//! Why not uniffi's own `async fn` support: through JNA, every uniffi call allocates several
//! `Structure`s (a `RustBuffer` per string argument, plus its allocation call, a call status,
//! the handle clone, the future's poll / complete / free calls, the result buffer and its free
//! call), at about 20 µs of CPU each; 5,000 concurrent confirmations spent several seconds of CPU
//! there and queued up behind it (bench/README.md). This path passes only primitives and one
//! `byte[]` in, and a pointer plus a length out, through JNA direct mapping; the JVM side keeps
//! the calling Rust thread attached (`CallbackThreadInitializer`), so no thread is attached to
//! and detached from the JVM per result.
//!
//! Payloads use uniffi's own serialisation (the generated Kotlin `FfiConverter...write/read`
//! on the JVM side, `Lift::try_read` / `Lower::write` here), so the types stay the uniffi records.
//!
//! No panic crosses the boundary: each `extern "C"` function catches unwinding, and a panic in a
//! task is delivered as status [`STATUS_PANIC`]. Cancelling (the coroutine, the future) calls
//! [`omi_kt_cancel`], which aborts the task and so stops its I/O; an aborted task delivers
//! nothing.

use std::collections::HashMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError, RwLock};
use std::task::{Context, Poll};

use omi_push::{Client, runtime};
use tokio::task::AbortHandle;
use uniffi::{Lift, Lower};

use crate::UniFfiTag;
use crate::error::NativeError;
use crate::types::{NativeDevice, NativeOutcome, NativeStatus, NativeTicket};

/// `fn callback(id: Long, status: Int, data: Pointer?, len: Int)` on the JVM side. `data` is
/// only valid during the call.
pub type Completion = extern "C" fn(id: i64, status: i32, data: *const u8, len: i32);

/// The result is the operation's value (uniffi serialisation of its record).
pub const STATUS_OK: i32 = 0;
/// The result is a [`NativeError`] (uniffi serialisation).
pub const STATUS_ERROR: i32 = 1;
/// The task panicked; the result is the panic message (UTF-8).
pub const STATUS_PANIC: i32 = 2;

/// [`omi_kt_start`] return values.
pub const START_OK: i32 = 0;
/// The client is closed (or was never registered).
pub const START_CLOSED: i32 = 1;
/// The arguments could not be read, or the operation is unknown (a bug of the façade).
pub const START_BAD_CALL: i32 = 2;
/// [`omi_kt_init`] was not called.
pub const START_NOT_INITIALISED: i32 = 3;
/// The call panicked before the task started.
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
static CLIENTS: LazyLock<RwLock<HashMap<i64, Client>>> = LazyLock::new(Default::default);
static TASKS: LazyLock<Mutex<HashMap<i64, AbortHandle>>> = LazyLock::new(Default::default);
static NEXT_CLIENT: AtomicI64 = AtomicI64::new(1);

/// Makes `client` reachable from [`omi_kt_start`] under the returned id.
pub(crate) fn register(client: Client) -> i64 {
    let id = NEXT_CLIENT.fetch_add(1, Ordering::Relaxed);
    CLIENTS.write().unwrap_or_else(PoisonError::into_inner).insert(id, client);
    id
}

/// Forgets the client (the `NativeClient` was freed); later starts return [`START_CLOSED`].
/// Running tasks keep their own clone and finish.
pub(crate) fn unregister(id: i64) {
    CLIENTS.write().unwrap_or_else(PoisonError::into_inner).remove(&id);
}

/// Registers the JVM's completion callback (once per loaded library; a later call replaces it).
#[unsafe(no_mangle)]
pub extern "C" fn omi_kt_init(completion: Completion) -> i32 {
    let r = catch_unwind(|| {
        *COMPLETION.write().unwrap_or_else(PoisonError::into_inner) = Some(completion);
    });
    if r.is_ok() { 0 } else { START_PANIC }
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
    let _ = catch_unwind(|| {
        if let Some(task) = TASKS.lock().unwrap_or_else(PoisonError::into_inner).remove(&id) {
            task.abort();
        }
    });
}

/// How many started tasks have not ended yet (this binding's tests: cancelled tasks are gone).
#[unsafe(no_mangle)]
pub extern "C" fn omi_kt_running() -> i64 {
    catch_unwind(|| TASKS.lock().unwrap_or_else(PoisonError::into_inner).len())
        .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX))
}

/// A task's result: status and payload.
type Delivery = (i32, Vec<u8>);

fn ok<T: Lower<UniFfiTag>>(value: T) -> Delivery {
    let mut buf = Vec::new();
    T::write(value, &mut buf);
    (STATUS_OK, buf)
}

fn err(e: NativeError) -> Delivery {
    let mut buf = Vec::new();
    <NativeError as Lower<UniFfiTag>>::write(e, &mut buf);
    (STATUS_ERROR, buf)
}

fn result<T: Lower<UniFfiTag>>(r: omi_push::Result<T>) -> Delivery {
    match r {
        Ok(v) => ok(v),
        Err(e) => err(e.into()),
    }
}

fn read<T: Lift<UniFfiTag>>(buf: &mut &[u8]) -> Option<T> {
    T::try_read(buf).ok()
}

type Work = Pin<Box<dyn Future<Output = Delivery> + Send>>;

/// The operation's future, from its arguments; `None` when they cannot be read.
fn work(client: Client, op: i32, mut args: &[u8]) -> Option<Work> {
    let a = &mut args;
    let work: Work = match op {
        OP_LIST_DEVICES => {
            let user_id: String = read(a)?;
            Box::pin(async move {
                result(
                    client
                        .list_devices(&user_id)
                        .await
                        .map(|d| d.into_iter().map(NativeDevice::from).collect::<Vec<_>>()),
                )
            })
        }
        OP_SEND_PUSH => {
            let (user_id, device_id, message, nonce): (String, Option<String>, String, Option<String>) =
                (read(a)?, read(a)?, read(a)?, read(a)?);
            Box::pin(async move {
                let r = client.send_push(&user_id, device_id.as_deref(), &message, nonce.as_deref()).await;
                result(r.map(NativeTicket::from))
            })
        }
        OP_CONFIRMATION_STATUS => {
            let nonce: String = read(a)?;
            Box::pin(async move { result(client.confirmation_status(&nonce).await.map(NativeStatus::from)) })
        }
        OP_WAIT => {
            let (nonce, timeout_ms, poll_interval_ms): (String, Option<f64>, Option<f64>) =
                (read(a)?, read(a)?, read(a)?);
            let options = omi_push_ffi::options::wait(timeout_ms, poll_interval_ms, None);
            Box::pin(async move {
                match options {
                    Ok(options) => result(client.wait_for_confirmation(&nonce, options).await.map(NativeOutcome::from)),
                    Err(e) => result::<NativeOutcome>(Err(e)),
                }
            })
        }
        #[cfg(debug_assertions)]
        OP_TESTING_PANIC => {
            let message: String = read(a)?;
            Box::pin(async move { panic!("{message}") })
        }
        _ => return None,
    };
    // Trailing bytes mean the façade and this file disagree on the arguments.
    args.is_empty().then_some(work)
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
            let (status, payload) = err(e.into());
            deliver(completion, id, status, &payload);
            return START_OK;
        }
    };
    // Inserted before the task can remove itself: the task takes the same lock when it ends.
    let mut tasks = TASKS.lock().unwrap_or_else(PoisonError::into_inner);
    let handle = rt.spawn(async move {
        let (status, payload) = CatchUnwind(work).await.unwrap_or_else(|message| (STATUS_PANIC, message.into_bytes()));
        TASKS.lock().unwrap_or_else(PoisonError::into_inner).remove(&id);
        deliver(completion, id, status, &payload);
    });
    tasks.insert(id, handle.abort_handle());
    START_OK
}

fn deliver(completion: Completion, id: i64, status: i32, payload: &[u8]) {
    // Results are small (a record); a length beyond i32 would be a bug, reported as a panic.
    match i32::try_from(payload.len()) {
        Ok(len) => completion(id, status, payload.as_ptr(), len),
        Err(_) => {
            let text = b"internal error: result too large";
            completion(id, STATUS_PANIC, text.as_ptr(), text.len() as i32);
        }
    }
}

/// Polls the work, turning a panic into `Err(message)`.
struct CatchUnwind(Work);

impl Future for CatchUnwind {
    type Output = Result<Delivery, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(delivery)) => Poll::Ready(Ok(delivery)),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without message".into());
                Poll::Ready(Err(format!("internal error in omi-push; please report it: {message}")))
            }
        }
    }
}
