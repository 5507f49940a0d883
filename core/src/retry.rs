//! Retries of transient failures: the policy, its caps, the jittered backoff, and which
//! errors are worth another attempt. One layer retries (the API call, or the wait loop for
//! polls); nothing below it retries again.

use std::time::Duration;

use rand::Rng;

use crate::error::Error;

/// Most retries one call may make.
pub const MAX_RETRIES: u32 = 10;
/// Longest accepted backoff.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Retries of transient failures (5xx, connect errors, timeouts, a token endpoint that failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries of one call outside a wait (at most [`MAX_RETRIES`]). 0 = none.
    pub max_retries: u32,
    /// First backoff; doubles each time, jittered.
    pub initial_backoff: Duration,
    /// Cap of one backoff (at most [`MAX_BACKOFF`]).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(200), max_backoff: Duration::from_secs(5) }
    }
}

impl RetryPolicy {
    /// Why this policy is refused, if it is.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.max_retries > MAX_RETRIES {
            return Err(format!("max_retries must be at most {MAX_RETRIES}"));
        }
        for (name, d) in [("initial_backoff", self.initial_backoff), ("max_backoff", self.max_backoff)] {
            if d.is_zero() || d > MAX_BACKOFF {
                return Err(format!("{name} must be greater than zero and at most {} s", MAX_BACKOFF.as_secs()));
            }
        }
        if self.initial_backoff > self.max_backoff {
            return Err("initial_backoff must not be greater than max_backoff".into());
        }
        Ok(())
    }

    /// Jittered exponential backoff before retry number `attempt` (1-based):
    /// `initial * 2^(attempt-1)`, capped, times a factor in [0.5, 1].
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_backoff).min(MAX_BACKOFF);
        capped.mul_f64(rand::rng().random_range(0.5..=1.0))
    }
}

/// Outside a wait, rate limits go back to the caller; 5xx and transport failures are retried.
pub(crate) fn transient(e: &Error) -> bool {
    matches!(e, Error::Transport { .. }) || matches!(e, Error::Server { status, .. } if *status >= 500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps() {
        assert!(RetryPolicy::default().check().is_ok());
        assert!(RetryPolicy { max_retries: 11, ..Default::default() }.check().is_err());
        assert!(RetryPolicy { max_backoff: Duration::MAX, ..Default::default() }.check().is_err());
        assert!(RetryPolicy { initial_backoff: Duration::ZERO, ..Default::default() }.check().is_err());
        let p = RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
        };
        for attempt in [1, 5, 30, u32::MAX] {
            assert!(p.backoff(attempt) <= MAX_BACKOFF);
        }
    }
}
