//! The one tokio runtime that blocking calls and every binding share.
//!
//! Fork-safe: a forked child has none of the parent's threads, so the first use in a child
//! builds a new runtime (the parent's is leaked, not dropped: dropping it would wait for threads
//! that do not exist in the child), behind a lock of the child's own ([`PerProcess`]).

use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};
use tokio::task::JoinHandle;

use crate::error::{Error, Result};
use crate::process::{PerProcess, fresh};

static RUNTIME: OnceLock<PerProcess<Mutex<Option<Arc<Runtime>>>>> = OnceLock::new();

/// The shared runtime, built on first use (and again in a forked child).
pub fn shared() -> Result<Arc<Runtime>> {
    let slot = RUNTIME.get_or_init(|| PerProcess::new(Mutex::new(None), fresh));
    let mut guard = slot.get().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(rt) = guard.as_ref() {
        return Ok(rt.clone());
    }
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 4);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("omi-push")
        .enable_all()
        .build()
        .map_err(|e| Error::Config(format!("cannot start the omi-push runtime: {e}")))?;
    let rt = Arc::new(rt);
    *guard = Some(rt.clone());
    Ok(rt)
}

fn refuse_inside_runtime() -> Result<()> {
    if Handle::try_current().is_ok() {
        return Err(Error::Config(
            "a blocking omi-push call was made from inside an async runtime; use the async API there".into(),
        ));
    }
    Ok(())
}

/// Runs a future to completion on the shared runtime, from synchronous code.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    refuse_inside_runtime()?;
    Ok(shared()?.block_on(future))
}

/// A task on the shared runtime. Dropping it aborts the task (and so stops its I/O).
pub struct Task<T> {
    handle: Option<JoinHandle<T>>,
    rt: Arc<Runtime>,
}

/// Spawns `future` on the shared runtime.
pub fn spawn<F>(future: F) -> Result<Task<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let rt = shared()?;
    let handle = rt.spawn(future);
    Ok(Task { handle: Some(handle), rt })
}

impl<T> Task<T> {
    /// Blocks the calling thread for at most `slice`: `Some` with the task's output when it
    /// finished, `None` when it is still running. Lets a caller check for signals between
    /// slices (Python's Ctrl-C).
    pub fn wait_slice(&mut self, slice: Duration) -> Result<Option<T>> {
        refuse_inside_runtime()?;
        let Some(handle) = self.handle.as_mut() else {
            return Err(Error::Cancelled);
        };
        let rt = self.rt.clone();
        match rt.block_on(async { tokio::time::timeout(slice, handle).await }) {
            Err(_elapsed) => Ok(None),
            Ok(joined) => {
                self.handle = None;
                joined.map(Some).map_err(join_error)
            }
        }
    }

    /// Blocks until the task ends.
    pub fn join(mut self) -> Result<T> {
        refuse_inside_runtime()?;
        let handle = self.handle.take().ok_or(Error::Cancelled)?;
        self.rt.block_on(handle).map_err(join_error)
    }

    pub fn abort(&mut self) {
        if let Some(h) = self.handle.take() {
            h.abort();
        }
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.abort();
    }
}

fn join_error(e: tokio::task::JoinError) -> Error {
    if e.is_cancelled() { Error::Cancelled } else { Error::Internal("an omi-push task panicked".into()) }
}

/// Runs `future` on the shared runtime and awaits it from any executor (napi's, uniffi's,
/// asyncio's). Dropping the returned future aborts the task.
pub async fn run<F, T>(future: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    struct AbortOnDrop<T>(JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let handle = shared()?.spawn(future);
    let mut guard = AbortOnDrop(handle);
    (&mut guard.0).await.map_err(join_error)?
}
