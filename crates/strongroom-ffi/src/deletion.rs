//! Scheduled key deletion (SPEC section 6).

use crate::ffi::{Out, try_str};
use crate::keystore::{keystore_ref, sr_keystore};
use crate::panic::boundary;
use crate::status::sr_status;
use std::ffi::c_char;

/// Schedules the key's destruction after `pending_window_in_days` days (7 to 30; 0 means the
/// default, 30) and writes the deletion date (milliseconds since the Unix epoch, UTC) to
/// `*deletion_date_out` (AWS KMS `ScheduleKeyDeletion`). Until then the key is
/// `PendingDeletion`: every use fails with `SR_STATUS_INVALID_STATE` and rings the alarm; once
/// the date passes, its material and aliases are destroyed for good.
#[unsafe(no_mangle)]
pub extern "C" fn sr_schedule_key_deletion(
    keystore: *const sr_keystore,
    key_id: *const c_char,
    pending_window_in_days: u32,
    deletion_date_out: *mut i64,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        let key_id = try_str(key_id, "key_id")?;
        let out = Out::new(deletion_date_out, "deletion_date_out")?;
        let window = (pending_window_in_days != 0).then_some(pending_window_in_days);
        out.set(ks.schedule_key_deletion(key_id, window)?.unix_millis());
        Ok(())
    })
}

/// Cancels a scheduled deletion; the key comes back `Disabled`, not enabled (AWS KMS
/// `CancelKeyDeletion`). `SR_STATUS_INVALID_STATE` if it is not pending deletion.
#[unsafe(no_mangle)]
pub extern "C" fn sr_cancel_key_deletion(
    keystore: *const sr_keystore,
    key_id: *const c_char,
) -> sr_status {
    boundary(|| {
        let ks = keystore_ref(keystore)?;
        Ok(ks.cancel_key_deletion(try_str(key_id, "key_id")?)?)
    })
}
