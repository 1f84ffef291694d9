//! The audit trail (SPEC section 8): an event for every call, hash-chained and authenticated with
//! a key derived from the root key, group-committed so no call waits for its own fsync.
//!
//! Calls that change state write their event in the same transaction as the change. Other calls
//! append their event to an in-memory queue that a background thread commits every
//! [`FLUSH_INTERVAL`]; a crash loses at most the events of that window. With
//! [`AuditLevel::Summary`], successful high-rate calls (encrypt, decrypt, re-encrypt, data keys)
//! are counted per key, operation and interval instead of logged one by one. The batch bytes are
//! `format::audit_batch`; the background writer is `audit::writer`.

use crate::audit::caller;
use crate::audit::last_use::LastUseCell;
use crate::crypto::secret::Key256;
use crate::crypto::subkey::{AUDIT_INFO, HmacKey, hmac_key};
use crate::format::audit_batch::{self, PendingEvent, corrupt_event};
use crate::format::codec::{Reader, Writer};
use crate::model::audit::{AuditLevel, AuditOptions};
use crate::model::clock::Timestamp;
use crate::model::operation::Operation;
use crate::storage::tables::{
    AUDIT, AUDIT_CHECKPOINT_KEY as CHECKPOINT_KEY, AUDIT_HEAD_KEY as HEAD_KEY, META,
};
use crate::{Error, Result};
use parking_lot::Mutex;
use redb::ReadableTable;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// How long an event may wait in memory before the background writer commits it: the largest
/// window of events a crash can lose (plus the duration of one commit).
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(50);
/// Queued events that wake the background writer before its interval ends.
pub const WAKE_WRITER_AT: usize = 1 << 16;
/// Events the queue may hold: a caller that finds it full commits it itself, so a writer that
/// falls behind bounds what a crash can lose instead of letting the queue grow.
pub const MAX_QUEUED_EVENTS: usize = 1 << 18;
/// Bytes of encryption context the queue may hold (a refused call is queued with its context, up
/// to 8 KiB): past this the caller commits the queue itself, as when it holds
/// [`MAX_QUEUED_EVENTS`], so the queue stays within a few tens of MiB instead of about 2 GiB.
/// No event is dropped or summarised: a caller briefly waits for a commit instead.
pub const MAX_QUEUED_CONTEXT_BYTES: usize = 32 << 20;
/// Length of a summary interval.
pub const SUMMARY_INTERVAL_MS: i64 = 60_000;

/// Calls of a key counted for `Summary`, one counter per operation in [`COUNTED`]. Lives with the
/// cached key, so counting is one atomic add on the encrypt path.
#[derive(Default, Debug)]
pub(crate) struct Usage {
    registered: std::sync::atomic::AtomicBool,
    counts: [AtomicU64; 5],
    /// The key's last successful cryptographic use (`audit::last_use`).
    pub last: LastUseCell,
}

/// The keys whose last use this session may need writing (`audit::last_use_rows`).
pub(crate) type Listed = Vec<(u128, Arc<Usage>)>;

/// Keys with counters, for `Summary`.
type Counted = Vec<(u128, Arc<Usage>)>;

/// The largest number of events one row of the `audit` table holds.
const BATCH_EVENTS: usize = 4096;

/// Operations that `Summary` counts instead of logging.
const COUNTED: [Operation; 5] = [
    Operation::Encrypt,
    Operation::Decrypt,
    Operation::ReEncrypt,
    Operation::GenerateDataKey,
    Operation::GenerateDataKeyWithoutPlaintext,
];

/// The head of the hash chain.
#[derive(Default)]
pub(crate) struct Chain {
    seq: u64,
    value: [u8; 32],
    /// The key of the trail's first row and the time of its newest event, as last decoded, so
    /// that the retention check of each write does not decode that row again (rows never
    /// change; kept, like the rest, only once the transaction that saw it commits).
    oldest: Option<(u64, i64)>,
}

/// The audit trail of one open keystore.
pub(crate) struct AuditLog {
    level: AuditLevel,
    retention: AuditOptions,
    caller: String,
    pub(super) key: HmacKey,
    /// Keys used this session, whose last use the next commit writes (`audit::last_use`).
    pub(super) last_uses: Mutex<Listed>,
    /// Whether the file's tracking start is known to be written.
    pub(super) tracking: std::sync::atomic::AtomicBool,
    pending: Mutex<Vec<PendingEvent>>,
    /// Context bytes held by the events in `pending` (reset when the queue is taken).
    pending_context_bytes: AtomicUsize,
    /// The queue's previous buffer, emptied, swapped in at the next write (no regrowth).
    spare: Mutex<Vec<PendingEvent>>,
    /// The start of the current `Summary` interval, and the keys whose calls are counted.
    usage: Mutex<(i64, Counted)>,
    chain: Mutex<Option<Chain>>,
    /// A failure of the background writer, reported by the next flush.
    failed: Mutex<Option<Error>>,
    /// The background writer, woken early when the queue fills.
    writer: Mutex<Option<std::thread::Thread>>,
}

impl AuditLog {
    pub fn new(root: &Key256, keystore_id: u128, caller: &str, options: &AuditOptions) -> Self {
        AuditLog {
            level: options.level,
            retention: options.clone(),
            caller: caller.to_owned(),
            key: hmac_key(root, keystore_id, AUDIT_INFO),
            last_uses: Mutex::new(Vec::new()),
            tracking: Default::default(),
            pending: Mutex::new(Vec::new()),
            pending_context_bytes: AtomicUsize::new(0),
            spare: Mutex::new(Vec::new()),
            usage: Mutex::new((i64::MIN, Vec::new())),
            chain: Mutex::new(None),
            failed: Mutex::new(None),
            writer: Mutex::new(None),
        }
    }

    pub fn enabled(&self) -> bool {
        self.level != AuditLevel::Off
    }

    /// The address that keys this trail's caller scopes (`audit::caller`).
    pub fn scope_owner(&self) -> usize {
        self as *const Self as usize
    }

    /// Records a call that changed nothing (or failed): queued for the background writer.
    /// Returns true when the queue is full and the caller should commit it now.
    pub fn record(&self, mut p: PendingEvent) -> bool {
        if !self.enabled() {
            return false;
        }
        if p.caller.is_none() {
            p.caller = caller::current(self.scope_owner());
        }
        let context_len = p.context.as_ref().map_or(0, |c| c.len());
        let mut queue = self.pending.lock();
        queue.push(p);
        let len = queue.len();
        let context_bytes = if context_len == 0 {
            0
        } else {
            self.pending_context_bytes
                .fetch_add(context_len, Ordering::Relaxed)
                + context_len
        };
        drop(queue);
        if len == WAKE_WRITER_AT
            && let Some(t) = &*self.writer.lock()
        {
            t.unpark();
        }
        len >= MAX_QUEUED_EVENTS || context_bytes >= MAX_QUEUED_CONTEXT_BYTES
    }

    /// Registers the background writer thread, to be woken when the queue fills.
    pub fn set_writer(&self, t: Option<std::thread::Thread>) {
        *self.writer.lock() = t;
    }

    /// Whether enough events wait that the writer should run again at once.
    pub fn backlog(&self) -> bool {
        self.pending.lock().len() >= WAKE_WRITER_AT
    }

    /// Whether successful high-rate calls are counted per key (`Summary`) rather than recorded.
    pub fn counts_usage(&self) -> bool {
        self.level == AuditLevel::Summary
    }

    /// Counts a successful call instead of recording it, when the level is `Summary` and the
    /// operation is one that `Summary` counts. Returns whether it was counted.
    pub fn count(&self, operation: Operation, key: u128, usage: &Arc<Usage>) -> bool {
        if self.level != AuditLevel::Summary {
            return false;
        }
        let Some(op) = COUNTED.iter().position(|o| *o == operation) else {
            return false;
        };
        if caller::current(self.scope_owner()).is_some() {
            // The counters are per key, not per caller: a scoped caller's call is recorded in
            // full, so the trail names who made it.
            return false;
        }
        usage.counts[op].fetch_add(1, Ordering::Relaxed);
        // A load first: the swap's write would make every call on the key contend for its line.
        if !usage.registered.load(Ordering::Relaxed)
            && !usage.registered.swap(true, Ordering::Relaxed)
        {
            self.usage.lock().1.push((key, usage.clone()));
        }
        true
    }

    /// Whether events wait to be written.
    pub fn has_pending(&self, now: Timestamp) -> bool {
        !self.pending.lock().is_empty() || self.summary_due(now, false)
    }

    fn summary_due(&self, now: Timestamp, force: bool) -> bool {
        let usage = self.usage.lock();
        !usage.1.is_empty()
            && (force || usage.0 == i64::MIN || now.unix_millis() - usage.0 >= SUMMARY_INTERVAL_MS)
    }

    /// The summary events of the interval ending now; starts the next interval.
    fn take_summaries(&self, now: Timestamp) -> Vec<PendingEvent> {
        let mut usage = self.usage.lock();
        let start = if usage.0 == i64::MIN {
            now.unix_millis()
        } else {
            usage.0
        };
        usage.0 = now.unix_millis();
        let mut out = Vec::new();
        for (key, u) in &usage.1 {
            for (op, counter) in u.counts.iter().enumerate() {
                let count = counter.swap(0, Ordering::Relaxed);
                if count > 0 {
                    out.push(PendingEvent {
                        key: Some(*key),
                        count,
                        ..PendingEvent::new(Timestamp::from_unix_millis(start), COUNTED[op])
                    });
                }
            }
        }
        out
    }

    /// Writes every queued event, then `extra`, into `tx`, extending the chain. The chain state
    /// advances only through `committed` once the transaction has committed.
    pub fn append(
        &self,
        tx: &redb::WriteTransaction,
        chain: &mut Option<Chain>,
        extra: &[PendingEvent],
        now: Timestamp,
        force_summary: bool,
    ) -> Result<()> {
        if !self.enabled() {
            return Ok(());
        }
        let spare = std::mem::take(&mut *self.spare.lock());
        let mut events = {
            let mut queue = self.pending.lock();
            self.pending_context_bytes.store(0, Ordering::Relaxed);
            std::mem::replace(&mut *queue, spare)
        };
        if self.summary_due(now, force_summary) {
            events.extend(self.take_summaries(now));
        }
        let own = events.len();
        events.extend_from_slice(extra);
        if let Some(c) = caller::current(self.scope_owner()) {
            for e in &mut events[own..] {
                e.caller.get_or_insert_with(|| c.clone());
            }
        }
        let written = self
            .write_last_uses(tx, now)
            .and_then(|()| self.write_events(tx, chain, &events, now));
        events.clear();
        if events.capacity() <= MAX_QUEUED_EVENTS {
            *self.spare.lock() = events;
        }
        written
    }

    fn write_events(
        &self,
        tx: &redb::WriteTransaction,
        chain: &mut Option<Chain>,
        events: &[PendingEvent],
        now: Timestamp,
    ) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let state = match chain.take() {
            Some(c) => c,
            None => self.load_head(tx)?,
        };
        let (mut seq, mut value, mut oldest) = (state.seq, state.value, state.oldest);
        let mut table = tx.open_table(AUDIT)?;
        for batch in events.chunks(BATCH_EVENTS) {
            let first = seq + 1;
            let mut w = audit_batch::encode(&self.caller, batch);
            value = self.link(&value, first, &w.0);
            w.bytes(&value);
            table.insert(first, w.0.as_slice())?;
            seq += batch.len() as u64;
        }
        tx.open_table(META)?
            .insert(HEAD_KEY, self.signed(b"head", seq, &value).as_slice())?;
        self.prune(tx, &mut table, seq, now, &mut oldest)?;
        // Valid once the transaction commits; the caller clears it if the commit fails.
        *chain = Some(Chain { seq, value, oldest });
        Ok(())
    }

    /// The chain's head as last committed (`None`: read it from the file). Take this lock after
    /// beginning the write transaction and hold it until the commit.
    pub fn lock_chain(&self) -> parking_lot::MutexGuard<'_, Option<Chain>> {
        self.chain.lock()
    }

    fn genesis(&self) -> [u8; 32] {
        mac(&self.key, &[b"strongroom audit v1 genesis"])
    }

    /// The chain value of the batch starting at `first` (its stored bytes before the value).
    fn link(&self, prev: &[u8; 32], first: u64, batch: &[u8]) -> [u8; 32] {
        mac(&self.key, &[prev, &first.to_le_bytes(), batch])
    }

    fn signed(&self, label: &[u8], seq: u64, value: &[u8; 32]) -> Vec<u8> {
        let tag = mac(&self.key, &[label, &seq.to_le_bytes(), value]);
        let mut w = Writer::default();
        w.u64(seq).bytes(value).bytes(&tag);
        w.0
    }

    fn read_signed(&self, label: &[u8], bytes: &[u8]) -> Result<Chain> {
        let mut r = Reader::new(bytes, "the audit trail's head or checkpoint");
        let seq = r.u64()?;
        let value: [u8; 32] = r.array()?;
        let tag: [u8; 32] = r.array()?;
        r.finish()?;
        if mac(&self.key, &[label, &seq.to_le_bytes(), &value]) != tag {
            return Err(Error::Corrupt(format!(
                "the audit trail's {} does not verify: the trail was tampered with",
                String::from_utf8_lossy(label)
            )));
        }
        Ok(Chain {
            seq,
            value,
            oldest: None,
        })
    }

    fn load_head(&self, tx: &redb::WriteTransaction) -> Result<Chain> {
        let meta = tx.open_table(META)?;
        let head = meta.get(HEAD_KEY)?.map(|v| v.value().to_vec());
        match head {
            Some(h) => self.read_signed(b"head", &h),
            None => Ok(Chain {
                seq: 0,
                value: self.genesis(),
                oldest: None,
            }),
        }
    }

    /// Drops the oldest batches beyond the retention limits, leaving a signed checkpoint of the
    /// chain value just before the first kept event. `last` is the newest sequence number.
    fn prune(
        &self,
        tx: &redb::WriteTransaction,
        table: &mut redb::Table<u64, &[u8]>,
        last: u64,
        now: Timestamp,
        oldest: &mut Option<(u64, i64)>,
    ) -> Result<()> {
        let (max_events, max_age) = (self.retention.max_events, self.retention.max_age_days);
        if max_events.is_none() && max_age.is_none() {
            return Ok(());
        }
        let oldest_kept = max_age.map(|d| now.unix_millis() - i64::from(d) * Timestamp::DAY_MS);
        // Never launder a gap: the trail must start right after the current checkpoint.
        let checkpoint = {
            let meta = tx.open_table(META)?;
            let c = meta.get(CHECKPOINT_KEY)?.map(|v| v.value().to_vec());
            match c {
                Some(c) => self.read_signed(b"checkpoint", &c)?.seq,
                None => 0,
            }
        };
        if let Some((k, _)) = table.first()?
            && k.value() != checkpoint + 1
        {
            return Err(corrupt_event(checkpoint + 1, "is missing"));
        }
        let mut kept = last - checkpoint;
        let mut last_pruned = None;
        loop {
            let too_many = max_events.is_some_and(|m| kept > m);
            if !too_many && oldest_kept.is_none() {
                break; // nothing to prune, and no row needs reading to know it
            }
            let Some((k, v)) = table.first()? else { break };
            let first = k.value();
            if !too_many {
                // Only its age can prune the first row: the time of its newest event.
                let newest = match *oldest {
                    Some((f, t)) if f == first => t,
                    _ => {
                        let events = audit_batch::decode(first, v.value())?;
                        let t = events
                            .last()
                            .map_or(i64::MIN, |e| e.event_time.unix_millis());
                        *oldest = Some((first, t));
                        t
                    }
                };
                if oldest_kept.is_none_or(|t| newest >= t) {
                    break;
                }
            }
            let stored = v.value();
            let n = audit_batch::len(first, stored)?;
            let value: [u8; 32] = stored[stored.len() - 32..].try_into().expect("32");
            drop((k, v));
            kept = kept
                .checked_sub(n)
                .ok_or_else(|| corrupt_event(first, "counts more events than the trail holds"))?;
            table.remove(first)?;
            last_pruned = Some((first + n - 1, value));
        }
        if let Some((seq, value)) = last_pruned {
            tx.open_table(META)?.insert(
                CHECKPOINT_KEY,
                self.signed(b"checkpoint", seq, &value).as_slice(),
            )?;
        }
        Ok(())
    }

    /// Checks, at open and before any write, that the trail ends where its signed head says:
    /// its last row is the head's (same chain value) or, with no row left, the last pruned event
    /// is. A trail whose end was removed is `Corrupt`. (A head rolled back together with the
    /// rows is caught by the keystore-wide commitment, which binds the head.)
    pub fn check_tail(&self, tx: &redb::ReadTransaction) -> Result<()> {
        let meta = tx.open_table(META)?;
        let head = match meta.get(HEAD_KEY)? {
            Some(v) => Some(self.read_signed(b"head", v.value())?),
            None => None,
        };
        let last = match tx.open_table(AUDIT) {
            Ok(t) => t.last()?.map(|(_, v)| {
                let v = v.value();
                v[v.len().saturating_sub(32)..].to_vec()
            }),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let ends_at_head = match (&head, last) {
            (None, None) => true,
            (None, Some(_)) => false,
            (Some(h), Some(value)) => value == h.value,
            (Some(h), None) => match meta.get(CHECKPOINT_KEY)? {
                Some(c) => {
                    let c = self.read_signed(b"checkpoint", c.value())?;
                    c.seq == h.seq && c.value == h.value
                }
                None => h.seq == 0,
            },
        };
        if !ends_at_head {
            return Err(Error::Corrupt(format!(
                "the audit trail does not end at its head (event {}): events were removed from \
                 the end; keep this file as evidence and restore the keystore from a backup",
                head.map_or(0, |h| h.seq)
            )));
        }
        Ok(())
    }

    /// Verifies the whole trail; returns the number of events verified.
    pub fn verify(&self, tx: &redb::ReadTransaction) -> Result<u64> {
        let meta = tx.open_table(META)?;
        let start = match meta.get(CHECKPOINT_KEY)? {
            Some(v) => self.read_signed(b"checkpoint", v.value())?,
            None => Chain {
                seq: 0,
                value: self.genesis(),
                oldest: None,
            },
        };
        let head = match meta.get(HEAD_KEY)? {
            Some(v) => self.read_signed(b"head", v.value())?,
            None => Chain {
                seq: 0,
                value: self.genesis(),
                oldest: None,
            },
        };
        let (mut seq, mut value) = (start.seq, start.value);
        let mut count = 0;
        for row in tx.open_table(AUDIT)?.iter()? {
            let (k, v) = row?;
            let (first, stored) = (k.value(), v.value());
            if first != seq + 1 {
                return Err(corrupt_event(seq + 1, "is missing"));
            }
            let Some((batch, chained)) = stored.split_at_checked(stored.len().saturating_sub(32))
            else {
                return Err(corrupt_event(first, "is truncated"));
            };
            value = self.link(&value, first, batch);
            let events = audit_batch::decode(first, stored);
            if value[..] != *chained {
                let last = events.map_or(String::new(), |e| {
                    format!(" to {}", first + e.len() as u64 - 1)
                });
                return Err(Error::Corrupt(format!(
                    "audit events {first}{last} (written together) do not verify: one of them \
                     was edited, reordered or forged; keep this file as evidence"
                )));
            }
            let events = events?;
            let last = first + events.len() as u64 - 1;
            seq = last;
            count += events.len() as u64;
        }
        if seq != head.seq || value != head.value {
            return Err(Error::Corrupt(format!(
                "the audit trail ends at event {seq} but its head records event {}: events were \
                 removed from the end",
                head.seq
            )));
        }
        Ok(count)
    }

    pub fn set_failure(&self, e: Error) {
        *self.failed.lock() = Some(e);
    }

    pub fn take_failure(&self) -> Option<Error> {
        self.failed.lock().take()
    }
}

fn mac(key: &HmacKey, parts: &[&[u8]]) -> [u8; 32] {
    key.sign(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::context::EncryptionContext;

    /// Issue 17 item 7: refused calls queued with 8 KiB contexts make the caller commit the
    /// queue once it holds `MAX_QUEUED_CONTEXT_BYTES`, long before `MAX_QUEUED_EVENTS`.
    #[test]
    fn the_queue_is_bounded_by_its_context_bytes() {
        let root = Key256::init_with(|k| k.fill(3));
        let log = AuditLog::new(&root, 1, "test", &AuditOptions::default());
        let big = EncryptionContext::from_pairs([("k", "v".repeat(8000))]).unwrap();
        let per_event = EncryptionContext::shared(Some(&big)).unwrap().len();
        let mut n = 0;
        loop {
            n += 1;
            let full = log.record(PendingEvent {
                context: EncryptionContext::shared(Some(&big)),
                ..PendingEvent::new(Timestamp::from_unix_millis(0), Operation::Decrypt)
            });
            if full {
                break;
            }
            assert!(n < MAX_QUEUED_EVENTS, "the queue never asked for a commit");
        }
        assert_eq!(n, MAX_QUEUED_CONTEXT_BYTES.div_ceil(per_event));
    }
}
