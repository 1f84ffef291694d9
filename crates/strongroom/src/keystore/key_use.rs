//! A key for a cryptographic use: resolved, checked against the state table, recorded as the
//! call's subject; a refused use rings the alarm.

use crate::audit::subject::Subject;
use crate::keystore::dry_run;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::UnsealedKey;
use crate::model::clock::Timestamp;
use crate::model::key::KeyUsage;
use crate::model::lifecycle::AlarmEvent;
use crate::model::operation::Operation;
use crate::rules::state::{self, Action};
use crate::{Error, Result};
use std::sync::Arc;

impl Keystore {
    /// A key that is usable for `usage` right now: `Disabled` and `InvalidState` otherwise (a
    /// refused use of a disabled or pending-deletion key also rings the alarm).
    pub(crate) fn usable(
        &self,
        key_ref: &str,
        usage: KeyUsage,
        operation: Operation,
        s: &mut Subject,
    ) -> Result<Arc<UnsealedKey>> {
        let now = self.maintain_if_due()?;
        s.now = Some(now);
        let k = self.thread_keys.by_ref(
            key_ref,
            || self.lookup(key_ref),
            |id| {
                s.key = Some(id);
                self.key(id)
            },
        )?;
        let k = self.admit(k, usage, operation, now, s)?;
        s.version = Some(k.rec.current_version);
        Ok(k)
    }

    /// Key `id` for a cryptographic use at `now` (after due work ran): this thread's handle,
    /// checked to be usable, recorded in the call's subject.
    pub(crate) fn used_key(
        &self,
        id: u128,
        usage: KeyUsage,
        operation: Operation,
        now: Timestamp,
        s: &mut Subject,
    ) -> Result<Arc<UnsealedKey>> {
        s.key = Some(id);
        let k = self.thread_keys.key(id, || self.key(id))?;
        self.admit(k, usage, operation, now, s)
    }

    /// `k`, this thread's handle, checked to be usable and recorded in the call's subject.
    fn admit(
        &self,
        k: Arc<UnsealedKey>,
        usage: KeyUsage,
        operation: Operation,
        now: Timestamp,
        s: &mut Subject,
    ) -> Result<Arc<UnsealedKey>> {
        s.key = Some(k.id);
        self.check_usable(&k, usage, operation, now)?;
        if self.audit.counts_usage() {
            s.usage = Some(k.usage.clone());
        }
        Ok(k)
    }

    /// Whether `k` may be used for `usage` at `now`: the state table and one comparison with
    /// the key's precomputed deadline (its deletion date, its material's expiry), so a deadline
    /// holds even if its row in the due index was removed. A key found past its deadline also
    /// gets its due work done now.
    pub(crate) fn check_usable(
        &self,
        k: &UnsealedKey,
        usage: KeyUsage,
        operation: Operation,
        now: Timestamp,
    ) -> Result<()> {
        state::check_before(Action::Use(usage), k.id, &k.rec, k.deadline, now).inspect_err(|e| {
            if now >= k.deadline {
                self.settle(k.id, now);
            }
            self.ring_alarm(k, operation, now, e);
        })
    }

    /// Notes a successful `operation` with key `k` at `now` as its last use (`audit::last_use`).
    /// In a dry run the use passed every check and is not noted: the answer is
    /// `DryRunOperation` (`keystore::dry_run`).
    #[inline]
    pub(crate) fn note_use(
        &self,
        k: &UnsealedKey,
        operation: Operation,
        now: Timestamp,
    ) -> Result<()> {
        if self.in_dry_run() {
            return Err(dry_run::refusal());
        }
        if k.usage.last.note(operation, now) {
            self.audit.list_last_use(k.id, &k.usage);
        }
        Ok(())
    }

    /// Rings the alarm, if one is set, for a refused use of `k` at `now` (SPEC section 8).
    pub(crate) fn ring_alarm(
        &self,
        k: &UnsealedKey,
        operation: Operation,
        now: Timestamp,
        e: &Error,
    ) {
        let Some(key_state) = state::state_at(&k.rec, now) else {
            return; // past its deletion date: destroyed, nothing left to ring about
        };
        if !state::rings_alarm(key_state) {
            return;
        }
        let Some(alarm) = self.alarm.read().clone() else {
            return;
        };
        alarm(&AlarmEvent {
            event_time: now,
            operation: operation.as_str(),
            key_id: uuid::Uuid::from_u128(k.id).to_string(),
            key_state,
            outcome: e.name(),
        });
    }
}
