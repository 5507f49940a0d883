//! The simulator's `tracing` events, for the Python logger `omi_push.simulator`.
//!
//! This library has its own copy of `tracing`, so the `omi-push` library's forwarder never sees
//! them. The simulator's threads must never wait for the GIL, so an event only joins a bounded
//! queue here; `omi_push_testing.Simulator` drains it into `logging` from the Python thread of
//! each simulator call (and at `stop`). Events of other crates are never recorded.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use omi_push_ffi::events::{self, LogLine};
use pyo3::prelude::*;

/// At most this many events wait; older ones are dropped first.
const CAP: usize = 10_000;

/// `(level, text, created, file, line)`, the level as Python's number.
type Entry = (u8, String, f64, &'static str, u32);

static QUEUE: Mutex<VecDeque<Entry>> = Mutex::new(VecDeque::new());

/// Installs the recording subscriber (once; a second call keeps the first).
pub fn install() {
    events::forward(&["omi_push_sim"], |l: LogLine| {
        let mut queue = QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.len() == CAP {
            queue.pop_front();
        }
        queue.push_back((l.level, l.text, l.created, l.file, l.line));
    });
}

/// The events recorded so far, oldest first, as `(level, text, created, file, line)`.
#[pyfunction]
pub fn take_events() -> Vec<Entry> {
    QUEUE.lock().unwrap_or_else(PoisonError::into_inner).drain(..).collect()
}
