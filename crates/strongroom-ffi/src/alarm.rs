//! The alarm callback: refused attempts to use a disabled or pending-deletion key.

use crate::key::static_name;
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::boundary;
use crate::status::sr_status;
use sr_core::AlarmEvent;
use std::ffi::{CString, c_char, c_void};

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
/// once. Keep it short, and do not call `sr_set_alarm` or `sr_keystore_close` from it.
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
#[unsafe(no_mangle)]
pub extern "C" fn sr_set_alarm(
    keystore: *const sr_keystore,
    callback: sr_alarm_callback,
    user_data: *mut c_void,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        match callback {
            None => ks.set_alarm(None),
            Some(callback) => {
                let alarm = CAlarm {
                    callback,
                    user_data,
                };
                ks.set_alarm(Some(Box::new(move |e: &AlarmEvent| alarm.ring(e))));
            }
        }
        Ok(())
    })
}
