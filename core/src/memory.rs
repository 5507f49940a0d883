//! Gives the memory of a burst of waits back to the operating system.
//!
//! glibc's allocator keeps what a burst freed in its per-thread arenas: after 10,000 concurrent
//! waits ended, a client process stayed at its peak resident size (about 5 × its idle size, in
//! bench/results.md) although nothing held the memory. So when the number of live waits in the
//! process falls to an eighth of a peak of at least [`BURST`], the core asks glibc to return
//! free pages (`malloc_trim`, which releases whole free pages of every arena), and once more
//! when the last wait of the process ends. Other allocators return memory on their own; this does nothing there.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A peak of live waits under this is not a burst worth trimming after.
const BURST: usize = 1_000;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// A burst was trimmed and waits were still live then: trim again when none is.
static AGAIN_AT_ZERO: AtomicBool = AtomicBool::new(false);

/// One live wait (counted until it drops).
pub(crate) struct LiveWait(());

impl LiveWait {
    pub(crate) fn start() -> LiveWait {
        let live = LIVE.fetch_add(1, Ordering::Relaxed) + 1;
        PEAK.fetch_max(live, Ordering::Relaxed);
        LiveWait(())
    }
}

impl Drop for LiveWait {
    fn drop(&mut self) {
        let live = LIVE.fetch_sub(1, Ordering::Relaxed) - 1;
        let peak = PEAK.load(Ordering::Relaxed);
        // One thread wins the fall from this peak; the next trim needs a new burst.
        if peak >= BURST
            && live <= peak / 8
            && PEAK.compare_exchange(peak, live, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            AGAIN_AT_ZERO.store(live > 0, Ordering::Relaxed);
            trim();
        } else if live == 0 && AGAIN_AT_ZERO.swap(false, Ordering::Relaxed) {
            trim();
        }
    }
}

/// A second later (what the app does with the burst's results is freed by then), off the async
/// workers (a trim of a large heap takes milliseconds).
fn trim() {
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => drop(rt.spawn(async {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let _ = tokio::task::spawn_blocking(release).await;
        })),
        Err(_) => release(),
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release() {
    // SAFETY: `malloc_trim` has no preconditions; it only gives free pages back.
    unsafe { libc::malloc_trim(0) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_trimmed_once_when_it_falls() {
        let waits: Vec<LiveWait> = (0..BURST).map(|_| LiveWait::start()).collect();
        assert!(PEAK.load(Ordering::Relaxed) >= BURST);
        drop(waits);
        // The fall reset the peak to the live count then (other tests' waits included).
        assert!(PEAK.load(Ordering::Relaxed) < BURST);
    }
}
