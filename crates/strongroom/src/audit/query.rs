//! Reading the trail as a stream: one stored batch decoded at a time, so a query or an export of
//! a trail of millions of events holds one batch in memory, never the whole trail (issue 17
//! item 7).

use crate::Result;
use crate::format::audit_batch;
use crate::model::audit::{AuditEvent, AuditFilter};
use crate::storage::file::no_panic;
use crate::storage::tables::AUDIT;
use std::marker::PhantomData;

/// The audit events matching a filter, oldest first, read from one snapshot of the trail (events
/// committed after it was made are not seen). Returned by `Keystore::audit_events_iter`; it
/// borrows the keystore, so it cannot outlive the handle. After an error it yields nothing more.
pub struct AuditEvents<'a> {
    rows: Option<redb::Range<'static, u64, &'static [u8]>>,
    batch: std::vec::IntoIter<AuditEvent>,
    filter: AuditFilter,
    _keystore: PhantomData<&'a ()>,
}

impl AuditEvents<'_> {
    /// A stream over the trail in `tx` (the range keeps that snapshot alive).
    pub(crate) fn new(tx: &redb::ReadTransaction, filter: AuditFilter) -> Result<Self> {
        let rows = tx.open_table(AUDIT)?.range::<u64>(..)?;
        Ok(AuditEvents {
            rows: Some(rows),
            batch: Vec::new().into_iter(),
            filter,
            _keystore: PhantomData,
        })
    }

    /// The next stored batch, decoded; `None` at the end.
    fn next_batch(&mut self) -> Option<Result<Vec<AuditEvent>>> {
        let rows = self.rows.as_mut()?;
        let next = no_panic("the audit trail", || {
            rows.next()
                .map(|row| {
                    let (k, v) = row?;
                    audit_batch::decode(k.value(), v.value())
                })
                .transpose()
        });
        match next {
            Ok(Some(events)) => Some(Ok(events)),
            Ok(None) => {
                self.rows = None;
                None
            }
            Err(e) => {
                self.rows = None; // fused: a damaged trail ends the stream at its error
                Some(Err(e))
            }
        }
    }
}

impl Iterator for AuditEvents<'_> {
    type Item = Result<AuditEvent>;

    fn next(&mut self) -> Option<Result<AuditEvent>> {
        loop {
            if let Some(e) = self.batch.by_ref().find(|e| self.filter.matches(e)) {
                return Some(Ok(e));
            }
            match self.next_batch()? {
                Ok(events) => self.batch = events.into_iter(),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
