//! The audit trail (SPEC section 8): reading, verifying and exporting it, and the alarm.

use crate::Result;
use crate::format::audit_batch;
use crate::keystore::handle::Keystore;
use crate::model::audit::{AuditEvent, AuditFilter};
use crate::model::lifecycle::AlarmCallback;
use crate::storage::tables::AUDIT;
use redb::ReadableTable;
use std::sync::Arc;

impl Keystore {
    /// Events matching `filter`, oldest first. Commits events still in memory first.
    pub fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
        self.flush_audit()?;
        self.read(|tx| {
            let mut out = Vec::new();
            for row in tx.open_table(AUDIT)?.iter()? {
                let (k, v) = row?;
                out.extend(
                    audit_batch::decode(k.value(), v.value())?
                        .into_iter()
                        .filter(|e| filter.matches(e)),
                );
            }
            Ok(out)
        })
    }

    /// Verifies the hash chain of the whole trail (from the last pruning checkpoint) and its
    /// signed head; returns the number of events verified, or `Corrupt` naming the first event
    /// that does not verify.
    pub fn verify_audit(&self) -> Result<u64> {
        self.flush_audit()?;
        self.read(|tx| self.audit.verify(tx))
    }

    /// Writes the events matching `filter` as JSON Lines; returns how many were written.
    pub fn export_audit_jsonl(
        &self,
        filter: &AuditFilter,
        out: &mut dyn std::io::Write,
    ) -> Result<u64> {
        let events = self.audit_events(filter)?;
        for e in &events {
            writeln!(out, "{}", e.to_json())?;
        }
        Ok(events.len() as u64)
    }

    /// Sets (or with `None` clears) the alarm: called with every refused attempt to use a key
    /// that is disabled or pending deletion. It runs on the calling thread; keep it short.
    pub fn set_alarm(&self, alarm: Option<AlarmCallback>) {
        *self.alarm.write() = alarm.map(Arc::from);
    }
}
