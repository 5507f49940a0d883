//! A client-wide request budget: at most `per_second` requests a second, spread evenly. Every
//! request of a client (token, list, push, poll) takes the next free slot, first come first
//! served, so when the waits of one client would exceed the budget their polls are spaced out
//! and every wait's interval stretches by the same share.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

use crate::process::{PerProcess, inherit};

/// Largest accepted budget, in requests per second.
pub const MAX_BUDGET: u32 = 1_000_000;

pub(crate) struct Budget {
    spacing: Duration,
    /// Per process (fork-safe); a child keeps the parent's next slot when it can read it.
    next: PerProcess<Mutex<Option<Instant>>>,
}

impl Budget {
    pub(crate) fn new(per_second: u32) -> Budget {
        Budget { spacing: Duration::from_secs(1) / per_second.max(1), next: PerProcess::new(Mutex::new(None), inherit) }
    }

    /// Waits for this request's slot. Cancel-safe: a caller dropped while it waits leaves its
    /// slot unused (the budget is never exceeded, only left unspent).
    pub(crate) async fn acquire(&self) {
        let slot = {
            let mut next = self.next.get().lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + self.spacing);
            slot
        };
        if slot > Instant::now() {
            sleep_until(slot).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn slots_are_evenly_spaced_and_first_come_first_served() {
        let b = std::sync::Arc::new(Budget::new(10));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..25 {
            let b = b.clone();
            tasks.push(tokio::spawn(async move {
                b.acquire().await;
                Instant::now()
            }));
        }
        let mut at = Vec::new();
        for t in tasks {
            at.push(t.await.expect("joined") - start);
        }
        at.sort();
        assert_eq!(at[0], Duration::ZERO);
        assert_eq!(at[24], Duration::from_millis(2400));
        for w in at.windows(2) {
            assert_eq!(w[1] - w[0], Duration::from_millis(100));
        }
    }
}
