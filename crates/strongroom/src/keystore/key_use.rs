//! A key for a cryptographic use: resolved, checked against the state table, recorded as the
//! call's subject; a refused use rings the alarm.

use crate::audit::subject::Subject;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::UnsealedKey;
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
        s.now = Some(self.maintain_if_due()?);
        let k = self.used_key(self.lookup(key_ref)?, usage, operation, s)?;
        s.version = Some(k.rec.current_version);
        Ok(k)
    }

    /// Key `id` for a cryptographic use (after due work ran): this thread's handle, checked to be
    /// usable, recorded in the call's subject.
    pub(crate) fn used_key(
        &self,
        id: u128,
        usage: KeyUsage,
        operation: Operation,
        s: &mut Subject,
    ) -> Result<Arc<UnsealedKey>> {
        s.key = Some(id);
        let k = self.thread_keys.key(id, || self.key(id))?;
        self.check_usable(&k, usage, operation)?;
        if self.audit.counts_usage() {
            s.usage = Some(k.usage.clone());
        }
        Ok(k)
    }

    pub(crate) fn check_usable(
        &self,
        k: &UnsealedKey,
        usage: KeyUsage,
        operation: Operation,
    ) -> Result<()> {
        state::check(Action::Use(usage), k.id, &k.rec)
            .inspect_err(|e| self.ring_alarm(k, operation, e))
    }

    /// Rings the alarm, if one is set, for a refused use of `k` (SPEC section 8).
    pub(crate) fn ring_alarm(&self, k: &UnsealedKey, operation: Operation, e: &Error) {
        if !state::rings_alarm(k.rec.key_state) {
            return;
        }
        let Some(alarm) = self.alarm.read().clone() else {
            return;
        };
        alarm(&AlarmEvent {
            event_time: self.clock.now(),
            operation: operation.as_str(),
            key_id: uuid::Uuid::from_u128(k.id).to_string(),
            key_state: k.rec.key_state,
            outcome: e.name(),
        });
    }
}
