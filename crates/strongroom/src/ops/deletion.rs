//! Deletion (SPEC section 6): scheduling a key's destruction after its window, and cancelling
//! it. The destruction itself is due work (`keystore::commit::destroy_key`).

use crate::keystore::handle::Keystore;
use crate::model::clock::Timestamp;
use crate::model::operation::Operation;
use crate::rules::bounds::pending_window;
use crate::rules::state::{self, Action};
use crate::{Error, Result};

impl Keystore {
    /// Schedules the key's destruction after a waiting window of 7 to 30 days (default 30) and
    /// returns the deletion date (AWS KMS `ScheduleKeyDeletion`). Until then the key refuses use
    /// and can be recovered with `cancel_key_deletion`.
    pub fn schedule_key_deletion(
        &self,
        key_id: &str,
        pending_window_in_days: Option<u32>,
    ) -> Result<Timestamp> {
        self.logged(Operation::ScheduleKeyDeletion, Some(key_id), None, |s| {
            let window = pending_window(pending_window_in_days)?;
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            let date = self.clock.now().plus_days(window);
            self.update_key(id, Operation::ScheduleKeyDeletion, s, |rec| {
                state::check(Action::ScheduleDeletion, id, rec, self.clock.now())?;
                rec.key_state = state::next_state(Action::ScheduleDeletion, rec);
                rec.deletion_date = Some(date);
                rec.pending_window_days = Some(window);
                Ok(Vec::new())
            })?;
            Ok(date)
        })
    }

    /// Cancels a scheduled deletion; the key comes back `Disabled`, or `PendingImport` if it has no
    /// key material (AWS KMS `CancelKeyDeletion`).
    pub fn cancel_key_deletion(&self, key_id: &str) -> Result<()> {
        self.logged(Operation::CancelKeyDeletion, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, Operation::CancelKeyDeletion, s, |rec| {
                state::check(Action::CancelDeletion, id, rec, self.clock.now())?;
                // A key that never got (or lost) its imported material waits for it again.
                rec.key_state = state::next_state(Action::CancelDeletion, rec);
                rec.deletion_date = None;
                rec.pending_window_days = None;
                Ok(Vec::new())
            })
            .map(drop)
            .inspect_err(|e| {
                // Past its deletion date (whatever the due index says): destroy it now.
                if matches!(e, Error::NotFound(_)) {
                    self.settle(id, self.clock.now());
                }
            })
        })
    }
}
