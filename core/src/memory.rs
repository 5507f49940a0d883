//! Gives the memory of a burst of waits back to the operating system.
//!
//! glibc's allocator keeps what a burst freed in its per-thread arenas: after 10,000 concurrent
//! waits ended, a client process stayed at its peak resident size (about 5 × its idle size, in
//! bench/results.md) although nothing held the memory. So when the number of live waits in the
//! process falls to an eighth of a peak of at least [`BURST`], the core asks glibc to return
//! free pages (`malloc_trim`, which releases whole free pages of every arena), and once more
//! when the last wait of the process ends. Other allocators return memory on their own; this does nothing there.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::process::{PerProcess, fresh};

/// A peak of live waits under this is not a burst worth trimming after.
const BURST: usize = 1_000;

/// The live waits of one process: a forked child counts its own from zero (its parent's waits
/// never end there).
#[derive(Default)]
struct Counts {
    live: AtomicUsize,
    peak: AtomicUsize,
    /// A burst was trimmed and waits were still live then: trim again when none is.
    again_at_zero: AtomicBool,
}

static COUNTS: LazyLock<PerProcess<Counts>> = LazyLock::new(|| PerProcess::new(Counts::default(), fresh));

/// One live wait (counted, in the counts of the process it started in, until it drops).
pub(crate) struct LiveWait(&'static Counts);

impl LiveWait {
    pub(crate) fn start() -> LiveWait {
        let c = COUNTS.get();
        let live = c.live.fetch_add(1, Ordering::Relaxed) + 1;
        c.peak.fetch_max(live, Ordering::Relaxed);
        LiveWait(c)
    }
}

impl Drop for LiveWait {
    fn drop(&mut self) {
        let c = self.0;
        let live = c.live.fetch_sub(1, Ordering::Relaxed) - 1;
        let peak = c.peak.load(Ordering::Relaxed);
        // One thread wins the fall from this peak; the next trim needs a new burst.
        if peak >= BURST
            && live <= peak / 8
            && c.peak.compare_exchange(peak, live, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            c.again_at_zero.store(live > 0, Ordering::Relaxed);
            trim();
        } else if live == 0 && c.again_at_zero.swap(false, Ordering::Relaxed) {
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
        assert!(COUNTS.get().peak.load(Ordering::Relaxed) >= BURST);
        drop(waits);
        // The fall reset the peak to the live count then (other tests' waits included).
        assert!(COUNTS.get().peak.load(Ordering::Relaxed) < BURST);
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_forked_child_counts_only_its_own_waits() {
        let _parents: Vec<LiveWait> = (0..5).map(|_| LiveWait::start()).collect();
        // SAFETY: the child only touches atomics and the allocator (fork-safe in glibc), then
        // leaves with `_exit`.
        match unsafe { libc::fork() } {
            0 => {
                let wait = LiveWait::start();
                let one = COUNTS.get().live.load(Ordering::Relaxed) == 1;
                drop(wait);
                let none = COUNTS.get().live.load(Ordering::Relaxed) == 0;
                // SAFETY: ends the child at once, without the parent's atexit handlers.
                unsafe { libc::_exit(if one && none { 0 } else { 1 }) }
            }
            pid => {
                assert!(pid > 0, "fork failed");
                let mut status = 0;
                // SAFETY: waits for the child just forked.
                assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
                assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
            }
        }
    }
}
