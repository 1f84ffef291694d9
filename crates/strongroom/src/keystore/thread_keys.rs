//! Per-thread handles on recently used keys (not to be confused with the `local` of an ARN), so that threads encrypting under the same key write
//! to no shared cache line: each thread clones its own `Arc` of the key (sharing the backing-key
//! versions, which are only read), instead of the keystore-wide `Arc` behind a shared lock.
//!
//! A handle is valid while its keystore is open and its cache epoch unchanged; every change to a
//! cached key (and every destruction) moves the epoch, and closing the keystore marks it closed.
//! Stale handles are dropped at the thread's next use of any keystore (or at its exit).

use crate::Result;
use crate::keystore::unsealed::UnsealedKey;
use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Handles kept per thread (least recently made dropped first).
const PER_THREAD: usize = 8;

/// The state per-thread handles of one keystore are checked against.
#[derive(Default)]
struct Epoch {
    value: AtomicU64,
    closed: AtomicBool,
}

/// A keystore's side of the per-thread handles; dropping it (when the keystore closes or is
/// dropped) makes them all stale and drops this thread's at once.
#[derive(Default)]
pub(crate) struct ThreadKeys(Arc<Epoch>);

impl ThreadKeys {
    /// After a cached key changed or was removed: every thread's handles are stale.
    pub fn invalidate(&self) {
        self.0.value.fetch_add(1, Ordering::Release);
    }

    /// This thread's handle on key `id`; `shared` gives the keystore-wide one on a miss.
    pub fn key(
        &self,
        id: u128,
        shared: impl FnOnce() -> Result<Arc<UnsealedKey>>,
    ) -> Result<Arc<UnsealedKey>> {
        let epoch = &self.0;
        // Read before `shared` runs: a change in between leaves the handle stale, never wrong.
        let at = epoch.value.load(Ordering::Acquire);
        let made = LOCAL.try_with(|cell| {
            let mut v = cell.try_borrow_mut().ok()?;
            v.retain(Handle::fresh);
            v.iter()
                .find(|h| h.id == id && Arc::ptr_eq(&h.epoch, epoch))
                .map(|h| h.key.clone())
        });
        if let Ok(Some(k)) = made {
            return Ok(k);
        }
        // A copy with its own reference count (sharing the versions).
        let own = Arc::new(UnsealedKey::clone(&*shared()?));
        let _ = LOCAL.try_with(|cell| {
            if let Ok(mut v) = cell.try_borrow_mut() {
                if v.len() >= PER_THREAD {
                    v.remove(0);
                }
                v.push(Handle {
                    epoch: epoch.clone(),
                    at,
                    id,
                    key: own.clone(),
                });
            }
        });
        Ok(own)
    }
}

impl Drop for ThreadKeys {
    fn drop(&mut self) {
        self.0.closed.store(true, Ordering::Release);
        let _ = LOCAL.try_with(|cell| {
            if let Ok(mut v) = cell.try_borrow_mut() {
                v.retain(|h| !Arc::ptr_eq(&h.epoch, &self.0));
            }
        });
    }
}

struct Handle {
    epoch: Arc<Epoch>,
    at: u64,
    id: u128,
    key: Arc<UnsealedKey>,
}

impl Handle {
    fn fresh(&self) -> bool {
        !self.epoch.closed.load(Ordering::Acquire)
            && self.epoch.value.load(Ordering::Acquire) == self.at
    }
}

thread_local! {
    static LOCAL: RefCell<Vec<Handle>> = const { RefCell::new(Vec::new()) };
}
