//! The alarm callback: refused attempts to use a disabled or pending-deletion key.

use crate::error::Failure;
use crate::key::static_name;
use crate::keystore::{handle, sr_keystore};
use crate::panic::boundary;
use crate::status::sr_status;
use sr_core::AlarmEvent;
use std::cell::Cell;
use std::ffi::{CString, c_char, c_void};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// A refused attempt to use a key that is `Disabled` or `PendingDeletion`, as the alarm callback
/// receives it. Every pointer is valid only during the callback; copy what you keep.
#[repr(C)]
pub struct sr_alarm_event {
    /// When it happened (milliseconds since the Unix epoch, UTC, from the keystore's clock).
    pub event_time: i64,
    /// The AWS KMS operation name: `"Encrypt"`, `"Decrypt"`, `"GenerateDataKey"`, ...
    pub operation: *const c_char,
    /// The key id.
    pub key_id: *const c_char,
    /// The key's state: `"Disabled"` or `"PendingDeletion"`.
    pub key_state: *const c_char,
    /// The error name returned to the caller: `"Disabled"` or `"InvalidState"`.
    pub outcome: *const c_char,
}

/// The alarm callback: called with `user_data` as given to `sr_set_alarm` and the event, on the
/// thread whose call was refused, before that call returns. It may run on several threads at
/// once. Keep it short: `sr_set_alarm` and `sr_keystore_close` wait for callbacks in progress.
///
/// From inside the callback, other strongroom calls are allowed (on this keystore too; a refused
/// one rings the alarm again, nested, on the same thread), but `sr_set_alarm` and
/// `sr_keystore_close` (on any keystore) return `SR_STATUS_VALIDATION` and change nothing, since
/// they would wait for this very callback to return; `sr_keystore_free` does nothing.
pub type sr_alarm_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const sr_alarm_event)>;

/// The C side of an alarm: its function and user data.
struct CAlarm {
    callback: unsafe extern "C" fn(*mut c_void, *const sr_alarm_event),
    user_data: *mut c_void,
}

// SAFETY: `sr_set_alarm`'s documented contract is that `user_data` may be used from any thread
// (the callback may run on several at once) for as long as the alarm is set; strongroom itself
// never dereferences it.
unsafe impl Send for CAlarm {}
// SAFETY: as for `Send`: strongroom only passes the pointer back to the caller's callback.
unsafe impl Sync for CAlarm {}

thread_local! {
    /// How many alarm callbacks this thread is inside (more than one when a callback makes a
    /// call that is refused and rings again).
    static RINGING: Cell<u32> = const { Cell::new(0) };
}

/// Whether this thread is inside an alarm callback: `sr_set_alarm` and `sr_keystore_close` would
/// then wait for a call that cannot return before they do.
pub(crate) fn inside_alarm_callback() -> bool {
    RINGING.with(|r| r.get() > 0)
}

/// The refusal of a call that would wait for the alarm callback it is made from.
pub(crate) fn refused_inside_callback(function: &str) -> Failure {
    Failure::validation(format!(
        "{function} was called from inside an alarm callback, which runs inside a strongroom \
         call and would wait for itself; call it after the callback has returned"
    ))
}

/// One handle's alarm: the C callback now set. The core holds a closure that rings through
/// this slot, so replacing the callback here is what `sr_set_alarm` does, and it can wait for
/// the callbacks in progress (the core alone would let an old one run after the swap).
#[derive(Default)]
pub(crate) struct AlarmSlot {
    /// The callback and user data now set. Each ring clones the `Arc` under the lock and holds
    /// it while the callback runs, so a count above one means a callback in progress.
    current: Mutex<Option<Arc<CAlarm>>>,
}

impl AlarmSlot {
    /// Rings the callback now set, if any.
    fn ring(&self, e: &AlarmEvent) {
        let Some(alarm) = self
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        else {
            return;
        };
        /// Leaves the callback count even if the ring unwinds.
        struct Leave;
        impl Drop for Leave {
            fn drop(&mut self) {
                RINGING.with(|r| r.set(r.get() - 1));
            }
        }
        RINGING.with(|r| r.set(r.get() + 1));
        let _leave = Leave;
        alarm.ring(e);
        // This ring's reference to `alarm` is dropped here, after the callback has returned.
    }

    /// Replaces the callback, and returns only once no thread is still inside the old one:
    /// afterwards the old callback and user data are never used again.
    fn replace(&self, new: Option<CAlarm>) {
        let old = std::mem::replace(
            &mut *self.current.lock().unwrap_or_else(PoisonError::into_inner),
            new.map(Arc::new),
        );
        if let Some(old) = old {
            wait_until_unique(old);
        }
    }
}

/// Waits until `alarm` is the last reference: no ring still holds it, and none can take it
/// since it left the slot. Rare (only while a callback runs during a swap) and as long as a
/// callback, so a backoff poll rather than a condition variable on the ring path.
fn wait_until_unique(mut alarm: Arc<CAlarm>) {
    let mut pause = Duration::from_micros(10);
    let mut yields = 0;
    // `get_mut` checks uniqueness with Acquire ordering: everything the old callback did
    // happens before this function returns.
    while Arc::get_mut(&mut alarm).is_none() {
        if yields < 100 {
            yields += 1;
            std::thread::yield_now();
        } else {
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(1));
        }
    }
}

impl CAlarm {
    fn ring(&self, e: &AlarmEvent) {
        // Names from the core are plain ASCII; a failure here only drops the alarm.
        let (Ok(operation), Ok(key_id), Ok(outcome)) = (
            CString::new(e.operation),
            CString::new(e.key_id.as_str()),
            CString::new(e.outcome),
        ) else {
            return;
        };
        let event = sr_alarm_event {
            event_time: e.event_time.unix_millis(),
            operation: operation.as_ptr(),
            key_id: key_id.as_ptr(),
            key_state: static_name(e.key_state.as_str()),
            outcome: outcome.as_ptr(),
        };
        // SAFETY: the caller gave a valid function pointer with this signature; `event` and the
        // strings it points at outlive the call; `user_data` is passed through unchanged.
        unsafe { (self.callback)(self.user_data, &event) }
    }
}

/// Sets the keystore's alarm: `callback(user_data, event)` runs for every refused attempt to
/// use a key that is `Disabled` or `PendingDeletion` (the embedded stand-in for a CloudWatch
/// alarm on such a key). A NULL `callback` clears the alarm. `user_data` must stay valid, and be
/// usable from any thread, until the alarm is replaced or cleared or the keystore is closed.
///
/// The swap waits: when this call returns, no thread is inside the previous callback any more,
/// and the previous callback and its `user_data` are never used again (free them now if you
/// like). A call refused at the same time as the swap rings either the previous callback or the
/// new one, never both. Called from inside an alarm callback, it returns `SR_STATUS_VALIDATION`
/// and changes nothing (it would wait for itself); on a closed handle, `SR_STATUS_CLOSED`; on a
/// dry-run view (`sr_keystore_dry_run`), `SR_STATUS_VALIDATION`.
#[unsafe(no_mangle)]
pub extern "C" fn sr_set_alarm(
    keystore: *const sr_keystore,
    callback: sr_alarm_callback,
    user_data: *mut c_void,
) -> sr_status {
    boundary(|| {
        let h = handle(keystore)?;
        let ks = h.call()?;
        if inside_alarm_callback() {
            return Err(refused_inside_callback("sr_set_alarm"));
        }
        if h.is_view() {
            return Err(Failure::validation(
                "sr_set_alarm: a dry-run view (sr_keystore_dry_run) has no alarm of its own; set \
                 the alarm on the keystore's own handle, whose callback rings for the view's \
                 calls too"
                    .into(),
            ));
        }
        match callback {
            None => {
                ks.set_alarm(None);
                h.alarm.replace(None);
            }
            Some(callback) => {
                h.alarm.replace(Some(CAlarm {
                    callback,
                    user_data,
                }));
                let slot = Arc::clone(&h.alarm);
                ks.set_alarm(Some(Box::new(move |e: &AlarmEvent| slot.ring(e))));
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{sr_buffer, sr_buffer_free, sr_encrypt};
    use crate::key::sr_disable_key;
    use crate::keystore::tests::fresh;
    use crate::keystore::{sr_keystore_close, sr_keystore_free};
    use crate::panic::boundary_void;
    use std::ptr::{null, null_mut};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// A callback that counts its calls, slowly: it sleeps before counting, which is when the
    /// old code let a replaced callback run on after `sr_set_alarm` returned.
    unsafe extern "C" fn slow_counter(user_data: *mut c_void, _event: *const sr_alarm_event) {
        boundary_void(|| {
            std::thread::sleep(Duration::from_millis(2));
            // SAFETY: the tests pass a pointer to an `AtomicUsize` that outlives the alarm.
            unsafe { &*user_data.cast::<AtomicUsize>() }.fetch_add(1, Ordering::SeqCst);
        })
    }

    /// Tries `sr_set_alarm` and `sr_keystore_close` from inside the callback.
    /// (A failed check here is swallowed by the boundary and caught by the test as
    /// `REENTERED` staying false.)
    unsafe extern "C" fn reentrant(user_data: *mut c_void, _event: *const sr_alarm_event) {
        boundary_void(|| {
            // SAFETY: the test passes a pointer to the handle's address, live during the test.
            let ks = unsafe { *user_data.cast::<usize>() } as *mut sr_keystore;
            assert_eq!(sr_set_alarm(ks, None, null_mut()), sr_status::Validation);
            assert_eq!(sr_keystore_close(ks), sr_status::Validation);
            sr_keystore_free(ks); // does nothing here
            REENTERED.store(true, Ordering::SeqCst);
        })
    }
    static REENTERED: AtomicBool = AtomicBool::new(false);

    fn encrypt(ks: usize, key: &std::ffi::CStr) -> sr_status {
        let mut blob = sr_buffer::empty();
        let st = sr_encrypt(
            ks as *const sr_keystore,
            key.as_ptr(),
            b"x".as_ptr(),
            1,
            null(),
            0,
            &mut blob,
        );
        sr_buffer_free(&mut blob);
        st
    }

    /// Once `sr_set_alarm` returns, the replaced callback's counter never moves again, while
    /// other threads keep ringing the alarm (the new callback gets those rings). The same for
    /// clearing the alarm and for closing.
    #[test]
    fn a_replaced_callback_is_never_called_after_the_swap_returns() {
        let (dir, ks, key_id) = fresh("alarm-swap");
        assert_eq!(sr_disable_key(ks, key_id.as_ptr()), sr_status::Ok);
        let (old, new) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let stop = AtomicBool::new(false);
        let addr = ks as usize;
        let ptr = |c: &AtomicUsize| std::ptr::from_ref(c).cast_mut().cast::<c_void>();
        /// Stops the ringing threads however the checks end (a failed one unwinds the scope).
        struct StopOnDrop<'a>(&'a AtomicBool);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        std::thread::scope(|s| {
            let _stop = StopOnDrop(&stop);
            assert_eq!(
                sr_set_alarm(ks, Some(slow_counter), ptr(&old)),
                sr_status::Ok
            );
            for _ in 0..4 {
                s.spawn(|| {
                    while !stop.load(Ordering::SeqCst) {
                        assert_eq!(encrypt(addr, &key_id), sr_status::Disabled);
                    }
                });
            }
            while old.load(Ordering::SeqCst) < 8 {
                std::thread::yield_now();
            }
            assert_eq!(
                sr_set_alarm(addr as *const _, Some(slow_counter), ptr(&new)),
                sr_status::Ok
            );
            let frozen = old.load(Ordering::SeqCst);
            while new.load(Ordering::SeqCst) < 8 {
                std::thread::yield_now();
            }
            assert_eq!(
                old.load(Ordering::SeqCst),
                frozen,
                "the old callback ran after the swap"
            );
            // Clearing waits too.
            assert_eq!(
                sr_set_alarm(addr as *const _, None, null_mut()),
                sr_status::Ok
            );
            let frozen = new.load(Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            assert_eq!(new.load(Ordering::SeqCst), frozen, "a cleared callback ran");
        });

        // Re-entrancy: from inside the callback, set_alarm and close are refused, not deadlocks.
        let mut addr_slot = addr;
        let user = std::ptr::from_mut(&mut addr_slot).cast::<c_void>();
        assert_eq!(sr_set_alarm(ks, Some(reentrant), user), sr_status::Ok);
        assert_eq!(encrypt(addr, &key_id), sr_status::Disabled);
        assert!(REENTERED.load(Ordering::SeqCst));
        assert!(!inside_alarm_callback());
        assert_eq!(sr_keystore_close(ks), sr_status::Ok);
        assert_eq!(sr_set_alarm(ks, None, null_mut()), sr_status::Closed);
        sr_keystore_free(ks);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
