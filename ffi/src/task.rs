//! The bridge from any executor (napi's, uniffi's, asyncio's, a blocking thread) to the
//! core's one runtime: run a core future there, get an [`ErrorRecord`] on failure. A panic in
//! the task is an `internal` error, never a panic across the FFI boundary.

use std::future::Future;

use crate::error::ErrorRecord;

/// Runs `future` on the core's shared runtime and awaits it from whatever executor polls
/// this. Dropping the returned future aborts the task (and so stops its I/O).
pub async fn run<F, T>(future: F) -> Result<T, ErrorRecord>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    omi_push::runtime::run(future).await.map_err(ErrorRecord::from)
}

/// Blocks the calling thread on `future` on the core's runtime (refused, as a `config` error,
/// on a runtime thread).
pub fn block_on<F, T>(future: F) -> Result<T, ErrorRecord>
where
    F: Future<Output = omi_push::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    omi_push::runtime::spawn(future).and_then(|task| task.join()).and_then(|r| r).map_err(ErrorRecord::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_core_task_is_an_internal_error() {
        let r: Result<(), ErrorRecord> = block_on(async {
            if std::hint::black_box(true) {
                panic!("boom");
            }
            Ok(())
        });
        let e = r.expect_err("panicked");
        assert_eq!((e.kind, e.retryable), ("internal", false));
        let ok = block_on(async { Ok(7) });
        assert_eq!(ok, Ok(7));
    }
}
