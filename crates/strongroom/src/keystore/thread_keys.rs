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
        // Read before `shared` runs: a change in between leaves the handle stale, never wrong.
        let at = self.0.value.load(Ordering::Acquire);
        match self.cached(|h| h.id == id) {
            Some(k) => Ok(k),
            None => self.made(id, at, None, shared),
        }
    }

    /// This thread's handle on the key that `key_ref` (a key id, key ARN, alias name or alias
    /// ARN) last reached, without resolving it again; on a miss, `resolve` names the key and
    /// `shared` gives the keystore-wide one. What a reference reaches changes only with a
    /// change of a key or an alias, and each moves the epoch.
    pub fn by_ref(
        &self,
        key_ref: &str,
        resolve: impl FnOnce() -> Result<u128>,
        shared: impl FnOnce(u128) -> Result<Arc<UnsealedKey>>,
    ) -> Result<Arc<UnsealedKey>> {
        // Read before `resolve` runs, for the same reason as in `key`.
        let at = self.0.value.load(Ordering::Acquire);
        // (A handle made by id has no reference: the empty one is never a match.)
        if !key_ref.is_empty()
            && let Some(k) = self.cached(|h| h.key_ref == key_ref)
        {
            return Ok(k);
        }
        let id = resolve()?;
        let found = self.with_handles(|v| {
            v.retain(Handle::fresh);
            let h = v.iter_mut().find(|h| h.id == id && self.owns(h))?;
            h.key_ref.clear();
            h.key_ref.push_str(key_ref);
            Some(h.key.clone())
        });
        match found.flatten() {
            Some(k) => Ok(k),
            None => self.made(id, at, Some(key_ref), || shared(id)),
        }
    }

    /// The fresh handle of this keystore that `matches`, after dropping stale ones.
    fn cached(&self, matches: impl Fn(&Handle) -> bool) -> Option<Arc<UnsealedKey>> {
        self.with_handles(|v| {
            v.retain(Handle::fresh);
            v.iter()
                .find(|h| self.owns(h) && matches(h))
                .map(|h| h.key.clone())
        })
        .flatten()
    }

    /// A handle on key `id` made from the keystore-wide one: a copy with its own reference
    /// count (sharing the versions), kept for the thread's next use.
    fn made(
        &self,
        id: u128,
        at: u64,
        key_ref: Option<&str>,
        shared: impl FnOnce() -> Result<Arc<UnsealedKey>>,
    ) -> Result<Arc<UnsealedKey>> {
        let own = Arc::new(UnsealedKey::clone(&*shared()?));
        self.with_handles(|v| {
            if v.len() >= PER_THREAD {
                v.remove(0);
            }
            v.push(Handle {
                epoch: self.0.clone(),
                at,
                id,
                key_ref: key_ref.unwrap_or_default().to_owned(),
                key: own.clone(),
            });
        });
        Ok(own)
    }

    fn owns(&self, h: &Handle) -> bool {
        Arc::ptr_eq(&h.epoch, &self.0)
    }

    /// `f` on this thread's handles, unless the thread is exiting or already inside.
    fn with_handles<T>(&self, f: impl FnOnce(&mut Vec<Handle>) -> T) -> Option<T> {
        LOCAL
            .try_with(|cell| cell.try_borrow_mut().ok().map(|mut v| f(&mut v)))
            .ok()
            .flatten()
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
    /// The key reference that last reached this key on this thread (empty: none yet).
    key_ref: String,
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
