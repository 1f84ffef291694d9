//! Writing to the file: the write path every change takes (with its audit events in the same
//! transaction), and the background thread that group-commits queued audit events. These are the
//! only two commits of a live keystore: each moves the generation of the keystore-wide
//! commitment and binds the audit trail's new head into it.

use crate::audit::log::{AuditLog, FLUSH_INTERVAL};
use crate::crypto::fork::Owner;
use crate::format::audit_batch::PendingEvent;
use crate::model::clock::{Clock, Timestamp};
use crate::storage::file::no_panic;
use crate::storage::integrity::{Bucket, Integrity};
use crate::storage::live::LiveDb;
use crate::{Error, Result};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Runs `f` in one write transaction together with the queued audit events and `events`, then
/// commits durably.
/// The records a change touches are verified against the keystore's commitment before it and
/// the commitment is updated after it and its audit events, in the same transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write(
    db: &LiveDb,
    audit: &AuditLog,
    integrity: &Integrity,
    now: Timestamp,
    touched: &[Bucket],
    events: &[PendingEvent],
    f: impl FnOnce(&redb::WriteTransaction) -> Result<()>,
) -> Result<()> {
    no_panic("the keystore file", || {
        let (_db, tx) = db.begin_write()?;
        for &b in touched {
            integrity.verify(&tx, b)?;
        }
        f(&tx)?;
        let mut chain = audit.lock_chain();
        let appended = audit
            .append(&tx, &mut chain, events, now, false)
            .and_then(|()| integrity.update(&tx, touched));
        let committed = appended.and_then(|()| tx.commit().map_err(Error::from));
        if committed.is_err() {
            *chain = None;
            integrity.reset();
        }
        committed
    })
    .inspect_err(|_| integrity.reset())
}

/// Commits the queued audit events, if any (and the usage summary when due or `force_summary`).
pub(crate) fn flush(
    db: &LiveDb,
    audit: &AuditLog,
    integrity: &Integrity,
    now: Timestamp,
    force_summary: bool,
) -> Result<()> {
    if !audit.enabled() || !(audit.has_pending(now) || force_summary) {
        return Ok(());
    }
    no_panic("the keystore file", || {
        let (_db, tx) = db.begin_write()?;
        let mut chain = audit.lock_chain();
        let appended = audit
            .append(&tx, &mut chain, &[], now, force_summary)
            .and_then(|()| integrity.update(&tx, &[]));
        let committed = appended.and_then(|()| tx.commit().map_err(Error::from));
        if committed.is_err() {
            *chain = None;
            integrity.reset();
        }
        committed
    })
    .inspect_err(|_| integrity.reset())
}

/// The background writer: commits queued events every [`FLUSH_INTERVAL`]. Its thread exists only
/// in the process that started it: in a `fork()` child, stopping it neither signals nor joins.
pub(crate) struct AuditWriter {
    owner: Owner,
    stop: Arc<AtomicBool>,
    audit: Option<Arc<AuditLog>>,
    thread: Option<JoinHandle<()>>,
}

impl AuditWriter {
    pub fn start(
        db: Arc<LiveDb>,
        audit: Arc<AuditLog>,
        integrity: Arc<Integrity>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let audit_failure = audit.clone();
        let spawned = audit.enabled().then(|| {
            std::thread::Builder::new()
                .name("strongroom-audit".into())
                .spawn(move || {
                    loop {
                        if !audit.backlog() {
                            std::thread::park_timeout(FLUSH_INTERVAL);
                        }
                        let stopping = flag.load(Ordering::Acquire);
                        if let Err(e) = flush(&db, &audit, &integrity, clock.now(), false) {
                            audit.set_failure(e);
                        }
                        if stopping {
                            break;
                        }
                    }
                })
        });
        let thread = match spawned {
            Some(Ok(t)) => {
                audit_failure.set_writer(Some(t.thread().clone()));
                Some(t)
            }
            Some(Err(e)) => {
                // Events are still written with every change and on close; only the timely
                // group commit of high-rate events is lost.
                audit_failure
                    .set_failure(Error::Io(format!("could not start the audit writer: {e}")));
                None
            }
            None => None,
        };
        AuditWriter {
            owner: Owner::this_process(),
            stop,
            audit: Some(audit_failure),
            thread,
        }
    }

    /// Stops the writer after a last flush and waits for it.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if self.owner.forked(true) {
            // The thread is not in this process: joining it would fail (std panics), detaching
            // it would act on a copy of the parent's thread record. Leak the handle instead.
            std::mem::forget(self.thread.take());
            return;
        }
        self.stop.store(true, Ordering::Release);
        if let Some(a) = &self.audit {
            a.set_writer(None);
        }
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl Drop for AuditWriter {
    fn drop(&mut self) {
        self.halt();
    }
}
