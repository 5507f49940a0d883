//! State that belongs to one process. After `fork()` (a pre-fork web server's workers) the
//! child has only the thread that forked: a lock that another thread of the parent held at that
//! moment stays locked in the child forever, and a task the parent's runtime was running (one
//! that held an async lock, or drove a pooled connection) never runs again. So every lock the
//! core takes, and everything tied to the parent's runtime, lives in a [`PerProcess`]: the
//! first use in a child builds the child's own from the parent's (keeping what it can read
//! safely), and the parent's is leaked, never locked or dropped there.

use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, RwLock, TryLockError};

struct Slot<T> {
    pid: u32,
    value: T,
}

/// A `T` for each process: the first use in a forked child builds the child's own,
/// `child(&parent's)`.
pub(crate) struct PerProcess<T> {
    /// Never null.
    slot: AtomicPtr<Slot<T>>,
    child: fn(&T) -> T,
}

// SAFETY: a `PerProcess<T>` only hands out `&T` (as a `&T` field would), and moves a `T` to
// another thread only by being sent whole.
unsafe impl<T: Send + Sync> Sync for PerProcess<T> {}
unsafe impl<T: Send> Send for PerProcess<T> {}

impl<T> PerProcess<T> {
    /// Holds `value` for this process; a forked child gets `child(&value)`.
    pub(crate) fn new(value: T, child: fn(&T) -> T) -> Self {
        let slot = Box::into_raw(Box::new(Slot { pid: std::process::id(), value }));
        PerProcess { slot: AtomicPtr::new(slot), child }
    }

    /// This process's value.
    pub(crate) fn get(&self) -> &T {
        let pid = std::process::id();
        loop {
            let current = self.slot.load(Ordering::Acquire);
            // SAFETY: never null; a published slot is freed only by `drop` (which has
            // `&mut self`), and one replaced after a fork is leaked.
            let seen = unsafe { &*current };
            if seen.pid == pid {
                return &seen.value;
            }
            let fresh = Box::into_raw(Box::new(Slot { pid, value: (self.child)(&seen.value) }));
            match self.slot.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
                // SAFETY: just published; see above.
                Ok(_) => return unsafe { &(*fresh).value },
                // Another thread of this process was first: use its value.
                // SAFETY: `fresh` was never published.
                Err(_) => drop(unsafe { Box::from_raw(fresh) }),
            }
        }
    }
}

impl<T> Drop for PerProcess<T> {
    fn drop(&mut self) {
        let current = *self.slot.get_mut();
        // SAFETY: `&mut self`: no reference to the slot is left. A parent's slot is leaked: a
        // thread the child does not have may have been changing it.
        if unsafe { &*current }.pid == std::process::id() {
            drop(unsafe { Box::from_raw(current) });
        }
    }
}

/// For [`PerProcess::new`]: a child starts from `T::default()`.
pub(crate) fn fresh<T: Default>(_parent: &T) -> T {
    T::default()
}

/// For [`PerProcess::new`]: a child keeps the parent's value when no thread held the lock at
/// the fork (the value is whole then), else starts from `T::default()`.
pub(crate) fn inherit<T: Clone + Default>(parent: &Mutex<T>) -> Mutex<T> {
    let kept = match parent.try_lock() {
        Ok(v) => Some(v.clone()),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner().clone()),
        Err(TryLockError::WouldBlock) => None,
    };
    Mutex::new(kept.unwrap_or_default())
}

/// [`inherit`] for an `RwLock`.
pub(crate) fn inherit_rw<T: Clone + Default>(parent: &RwLock<T>) -> RwLock<T> {
    let kept = match parent.try_read() {
        Ok(v) => Some(v.clone()),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner().clone()),
        Err(TryLockError::WouldBlock) => None,
    };
    RwLock::new(kept.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_value_per_process() {
        let shared = PerProcess::new(Mutex::new(7u32), inherit);
        let addr = |v: &Mutex<u32>| v as *const Mutex<u32> as usize;
        let seen: Vec<usize> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| addr(shared.get()))).collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        assert_eq!(seen.len(), 8);
        assert!(seen.iter().all(|a| *a == addr(shared.get())));
        assert_eq!(*shared.get().lock().unwrap_or_else(|p| p.into_inner()), 7);
    }

    #[test]
    fn a_child_keeps_an_unlocked_value_and_never_waits_for_a_held_lock() {
        let free = Mutex::new(5u32);
        assert_eq!(*inherit(&free).lock().unwrap_or_else(|p| p.into_inner()), 5);
        let busy = Mutex::new(5u32);
        let _held = busy.lock();
        assert_eq!(*inherit(&busy).lock().unwrap_or_else(|p| p.into_inner()), 0);
        let rw = RwLock::new(vec![1]);
        let _writer = rw.write();
        assert!(inherit_rw(&rw).read().map(|v| v.is_empty()).unwrap_or(false));
    }
}
