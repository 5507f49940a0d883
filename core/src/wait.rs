//! The wait engine: polls one nonce until a final state, the deadline or cancellation.
//!
//! Deadline-bound; the first poll after one interval; one poll in flight per nonce; the
//! interval measured from the previous poll's start; `Retry-After` honoured by every wait of
//! the client; transient failures retried with jittered, capped backoff inside the deadline;
//! unknown states count as pending. Dropping the future stops all I/O at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::time::{Instant, sleep_until, timeout_at};
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::error::{Error, Result};
use crate::process::{PerProcess, fresh, inherit};
use crate::retry::RetryPolicy;
use crate::wire::{State, Status};

/// Options of one wait. Unset fields take the client's defaults.
#[derive(Debug, Clone, Default)]
pub struct WaitOptions {
    /// Give up (with [`OutcomeKind::TimedOut`]) after this long.
    pub timeout: Option<Duration>,
    /// Time between the starts of two polls.
    pub poll_interval: Option<Duration>,
    /// Cancels the wait with [`Error::Cancelled`] (dropping the future works too).
    pub cancel: Option<CancellationToken>,
}

impl WaitOptions {
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = Some(d);
        self
    }
    pub fn cancel_token(mut self, t: CancellationToken) -> Self {
        self.cancel = Some(t);
        self
    }

    /// From milliseconds as the bindings receive them (JS numbers, Python floats × 1000):
    /// NaN, infinite, zero, negative or over-a-day values are `InvalidArgument`.
    pub fn from_millis(timeout_ms: Option<f64>, poll_interval_ms: Option<f64>) -> Result<WaitOptions> {
        Ok(WaitOptions {
            timeout: timeout_ms.map(|ms| crate::validate::millis("timeout", ms)).transpose()?,
            poll_interval: poll_interval_ms.map(|ms| crate::validate::millis("poll_interval", ms)).transpose()?,
            cancel: None,
        })
    }
}

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    Confirmed,
    Rejected,
    Expired,
    TimedOut,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Confirmed => "confirmed",
            OutcomeKind::Rejected => "rejected",
            OutcomeKind::Expired => "expired",
            OutcomeKind::TimedOut => "timed_out",
        }
    }
}

/// The result of a wait: data, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// From the start of the wait to its end.
    pub elapsed: Duration,
    /// Confirmation requests sent (including failed ones).
    pub polls: u32,
    /// The last state string the server sent, as it came.
    pub last_status: Option<String>,
}

impl Outcome {
    pub fn is_confirmed(&self) -> bool {
        self.kind == OutcomeKind::Confirmed
    }
}

/// Shared by every wait of a client: a `Retry-After` seen by one wait delays them all, and a
/// nonce has at most one poll in flight however many waits watch it. Per process: a forked
/// child keeps the `Retry-After` it can read, and none of the nonce locks (the parent's tasks
/// that held them do not run in the child).
pub(crate) struct WaitShared {
    not_before: PerProcess<Mutex<Option<Instant>>>,
    in_flight: PerProcess<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

impl Default for WaitShared {
    fn default() -> Self {
        WaitShared {
            not_before: PerProcess::new(Mutex::default(), inherit),
            in_flight: PerProcess::new(Mutex::default(), fresh),
        }
    }
}

impl WaitShared {
    fn not_before(&self) -> Option<Instant> {
        *self.not_before.get().lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push_back(&self, until: Instant) {
        let mut nb = self.not_before.get().lock().unwrap_or_else(|p| p.into_inner());
        if nb.is_none_or(|t| t < until) {
            *nb = Some(until);
        }
    }

    /// The poll lock of `nonce`, shared by every wait of it; its entry leaves the map with
    /// the last of them (entries left behind kept a burst's memory pinned after it ended).
    fn nonce_lock<'a>(&'a self, nonce: &'a str) -> NonceLock<'a> {
        let mut map = self.in_flight.get().lock().unwrap_or_else(|p| p.into_inner());
        let lock = map.entry(nonce.to_string()).or_default().clone();
        NonceLock { shared: self, nonce, lock }
    }
}

/// One wait's hold on its nonce's poll lock.
struct NonceLock<'a> {
    shared: &'a WaitShared,
    nonce: &'a str,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for NonceLock<'_> {
    fn drop(&mut self) {
        let mut map = self.shared.in_flight.get().lock().unwrap_or_else(|p| p.into_inner());
        // Clones are only made under the map's lock: the map's and this one mean no other wait.
        if Arc::strong_count(&self.lock) <= 2 {
            map.remove(self.nonce);
            if map.is_empty() {
                map.shrink_to_fit();
            }
        }
    }
}

/// How much later than the wait's deadline a poll's own deadline is.
const POLL_SLACK: Duration = Duration::from_millis(50);

/// What one wait needs to know besides its poll function.
pub(crate) struct Plan {
    pub(crate) interval: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

/// The first poll comes one interval after the start, plus up to a tenth of an interval
/// (at most 250 ms), so that waits started together do not poll in lock-step.
fn first_poll_delay(interval: Duration) -> Duration {
    let spread = (interval / 10).min(Duration::from_millis(250));
    interval + spread.mul_f64(rand::rng().random_range(0.0..=1.0))
}

/// Polls `nonce` through `poll` until a final state or the deadline. `poll` gets a deadline
/// a little after the wait's; a poll still running then is cut and counts as a
/// timed-out request. Every failure but a refusal (auth, permission, not found, bad input) is
/// retried with backoff inside the deadline — a malformed answer included.
pub(crate) async fn run<P, F>(shared: &WaitShared, nonce: &str, plan: Plan, mut poll: P) -> Result<Outcome>
where
    P: FnMut(Instant) -> F,
    F: std::future::Future<Output = Result<Status>>,
{
    let Plan { interval, timeout, retry } = plan;
    let start = Instant::now();
    let deadline = start + timeout;
    let lock = shared.nonce_lock(nonce);
    let mut polls = 0u32;
    let mut failures = 0u32;
    let mut last_status: Option<String> = None;
    let mut last_error: Option<Error> = None;
    let mut next = start + first_poll_delay(interval);
    let outcome = |kind, polls, last_status| Outcome { kind, elapsed: start.elapsed(), polls, last_status };

    loop {
        if let Some(nb) = shared.not_before() {
            next = next.max(nb);
        }
        if next >= deadline {
            sleep_until(deadline).await;
            return match last_error {
                Some(e) => Err(e),
                None => Ok(outcome(OutcomeKind::TimedOut, polls, last_status)),
            };
        }
        sleep_until(next).await;
        // Another wait may have been told to back off while we slept.
        if shared.not_before().is_some_and(|nb| nb > Instant::now()) {
            continue;
        }
        let result = match timeout_at(deadline, async {
            let _one_in_flight = lock.lock.lock().await;
            polls += 1;
            let poll_start = Instant::now();
            // The poll's own budget ends a little after the wait's, so that the wait's cut
            // (below) is the one that happens.
            (poll_start, poll(deadline + POLL_SLACK).await)
        })
        .await
        {
            Ok(r) => r,
            // The deadline came while a poll was on the wire (or queued behind another wait's):
            // the wait timed out, unless no poll has answered at all, which is the server's
            // failure to answer in time.
            Err(_) => {
                return match last_error {
                    Some(e) => Err(e),
                    None if last_status.is_none() => Err(crate::api::deadline_error()),
                    None => Ok(outcome(OutcomeKind::TimedOut, polls, last_status)),
                };
            }
        };
        let (poll_start, result) = result;
        match result {
            Ok(status) => {
                failures = 0;
                last_error = None;
                let kind = match status.state {
                    State::Confirmed => Some(OutcomeKind::Confirmed),
                    State::Rejected => Some(OutcomeKind::Rejected),
                    State::Expired => Some(OutcomeKind::Expired),
                    State::Pending => None,
                    State::Unknown(ref raw) => {
                        debug!(state = %raw, "unknown confirmation state, still waiting");
                        None
                    }
                };
                last_status = Some(status.raw);
                if let Some(kind) = kind {
                    return Ok(outcome(kind, polls, last_status));
                }
                next = poll_start + interval;
            }
            Err(e @ Error::RateLimited { .. }) => {
                let wait = e.retry_after().unwrap_or(interval * 2).max(interval);
                debug!(retry_after_ms = wait.as_millis() as u64, "rate limited; every wait of this client backs off");
                shared.push_back(Instant::now() + wait);
                next = poll_start + interval;
                last_error = Some(e);
            }
            Err(e) if e.is_retryable() || matches!(e, Error::Protocol { .. }) => {
                failures += 1;
                let delay = retry.backoff(failures).max(interval.min(retry.max_backoff));
                debug!(failures, delay_ms = delay.as_millis() as u64, error = %e, "poll failed; retrying");
                next = Instant::now() + delay;
                last_error = Some(e);
            }
            Err(e) => return Err(e),
        }
        if Instant::now() >= deadline {
            return match last_error {
                Some(e) => Err(e),
                None => Ok(outcome(OutcomeKind::TimedOut, polls, last_status)),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_leaves_the_map_with_its_last_wait() {
        let shared = WaitShared::default();
        let len = || shared.in_flight.get().lock().map(|m| m.len()).unwrap_or(usize::MAX);
        let a = shared.nonce_lock("n1");
        let b = shared.nonce_lock("n1");
        let c = shared.nonce_lock("n2");
        assert!(Arc::ptr_eq(&a.lock, &b.lock) && !Arc::ptr_eq(&a.lock, &c.lock));
        assert_eq!(len(), 2);
        drop(a);
        assert_eq!(len(), 2, "n1 still has a wait");
        drop(b);
        drop(c);
        assert_eq!(len(), 0);
    }
}
