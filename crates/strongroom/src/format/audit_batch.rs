//! The stored form of a batch of audit events (one row of the `audit` table; docs/FORMAT.md
//! section 12).
//!
//! Version 3 (written now) stores each distinct caller, operation, key id, encryption context and
//! outcome of the batch once, in tables, and each event as a few varints (time delta and table
//! indexes): a run of encryptions under one key and context costs about 6 bytes an event instead
//! of about 120. Version 2 rows (the same with one caller for the whole batch) and version 1 rows
//! (one self-contained body per event) are still read.

use crate::format::codec::{Reader, Writer};
use crate::format::context;
use crate::model::audit::AuditEvent;
use crate::model::clock::Timestamp;
use crate::model::operation::Operation;
use crate::{Error, Result};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// A version 2 or 3 row starts with this u32, where a version 1 row holds its event count
/// (≤ 4,096).
const V2_MARK: u32 = u32::MAX;
const V2: u8 = 2;
const V3: u8 = 3;
const V1_EVENT: u8 = 1;
/// The canonical encoding of an empty encryption context.
const EMPTY_CONTEXT: &[u8] = &[0, 0, 0, 0];

/// An audit event not yet committed: what one event of a batch holds before it is encoded.
#[derive(Clone, Debug)]
pub(crate) struct PendingEvent {
    pub time: i64,
    /// Who made the call, when not the trail's default caller (a `Keystore::as_caller` scope).
    pub caller: Option<Arc<str>>,
    pub operation: Operation,
    pub key: Option<u128>,
    pub version: Option<u32>,
    pub context: Option<Arc<[u8]>>,
    pub outcome: &'static str,
    pub count: u64,
}

impl PendingEvent {
    pub fn new(time: Timestamp, operation: Operation) -> Self {
        PendingEvent {
            time: time.unix_millis(),
            caller: None,
            operation,
            key: None,
            version: None,
            context: None,
            outcome: "ok",
            count: 1,
        }
    }
}

/// Distinct values in first-seen order, and each one's index.
struct Table<K> {
    index: HashMap<K, u64>,
    items: Vec<K>,
    /// The last value looked up and its index: events come in runs (one caller, key, context
    /// and outcome), which then cost a comparison instead of a hash.
    last: Option<(K, u64)>,
}

impl<K: Hash + Eq + Copy> Table<K> {
    fn new() -> Self {
        Table {
            index: HashMap::new(),
            items: Vec::new(),
            last: None,
        }
    }

    fn id(&mut self, v: K) -> u64 {
        if let Some((k, i)) = self.last
            && k == v
        {
            return i;
        }
        let i = *self.index.entry(v).or_insert_with(|| {
            self.items.push(v);
            self.items.len() as u64 - 1
        });
        self.last = Some((v, i));
        i
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// The row bytes of `batch` (non-empty, at most 4,096 events) before its chain value; events
/// without a caller of their own are `caller`'s.
pub(crate) fn encode(caller: &str, batch: &[PendingEvent]) -> Writer {
    let (mut callers, mut ops, mut keys, mut contexts, mut outcomes) = (
        Table::new(),
        Table::new(),
        Table::new(),
        Table::new(),
        Table::new(),
    );
    let mut events = Writer(Vec::with_capacity(batch.len() * 6));
    let base = batch.first().map_or(0, |p| p.time);
    let mut prev = base;
    for p in batch {
        events
            .varint(zigzag(p.time.wrapping_sub(prev)))
            .varint(callers.id(p.caller.as_deref().unwrap_or(caller)))
            .varint(ops.id(p.operation))
            .varint(p.key.map_or(0, |k| keys.id(k) + 1))
            .varint(p.version.map_or(0, |v| u64::from(v) + 1))
            .varint(contexts.id(p.context.as_deref().unwrap_or(EMPTY_CONTEXT)))
            .varint(outcomes.id(p.outcome))
            .varint(p.count);
        prev = p.time;
    }
    let mut w = Writer(Vec::with_capacity(64 + events.0.len()));
    w.u32(V2_MARK).u8(V3).i64(base);
    w.u32(batch.len() as u32);
    w.u32(callers.items.len() as u32);
    for c in &callers.items {
        w.var(c.as_bytes());
    }
    w.u32(ops.items.len() as u32);
    for op in &ops.items {
        w.var(op.as_str().as_bytes());
    }
    w.u32(keys.items.len() as u32);
    for k in &keys.items {
        w.bytes(&k.to_be_bytes());
    }
    w.u32(contexts.items.len() as u32);
    for c in &contexts.items {
        w.var(c);
    }
    w.u32(outcomes.items.len() as u32);
    for o in &outcomes.items {
        w.var(o.as_bytes());
    }
    w.bytes(&events.0);
    w
}

/// The events of one stored row (its bytes including the trailing 32-byte chain value), numbered
/// from `first`.
pub(crate) fn decode(first: u64, stored: &[u8]) -> Result<Vec<AuditEvent>> {
    if stored.len() < 4 + 32 {
        return Err(corrupt_event(first, "is truncated"));
    }
    let mut r = Reader::new(&stored[..stored.len() - 32], "a batch of audit events");
    let events = match r.u32()? {
        V2_MARK => decode_tables(first, &mut r)?,
        n => decode_v1(first, n, &mut r)?,
    };
    r.finish()?;
    if events.is_empty() {
        return Err(corrupt_event(first, "is in an empty batch"));
    }
    Ok(events)
}

/// The number of events in the stored batch `first`, read from its header only (pruning needs
/// no more); `Corrupt` for a header that does not parse or counts no event.
pub(crate) fn len(first: u64, stored: &[u8]) -> Result<u64> {
    if stored.len() < 4 + 32 {
        return Err(corrupt_event(first, "is truncated"));
    }
    let mut r = Reader::new(&stored[..stored.len() - 32], "a batch of audit events");
    let n = match r.u32()? {
        V2_MARK => match r.u8()? {
            V2 => {
                r.var()?; // the caller
                r.i64()?;
                r.u32()?
            }
            V3 => {
                r.i64()?;
                r.u32()?
            }
            _ => return Err(r.corrupt("unknown batch version")),
        },
        n => n,
    };
    if n == 0 {
        return Err(corrupt_event(first, "is in an empty batch"));
    }
    Ok(u64::from(n))
}

fn text(r: &mut Reader<'_>) -> Result<String> {
    let raw = r.var()?;
    String::from_utf8(raw.to_vec()).map_err(|_| r.corrupt("text is not UTF-8"))
}

/// `count` then each item, read by `item`.
fn table<T>(r: &mut Reader<'_>, item: impl Fn(&mut Reader<'_>) -> Result<T>) -> Result<Vec<T>> {
    // Collected as read: a damaged count fails at the first missing item, allocating nothing.
    let n = r.u32()?;
    (0..n).map(|_| item(r)).collect()
}

fn pick<'t, T>(r: &Reader<'_>, items: &'t [T], i: u64) -> Result<&'t T> {
    usize::try_from(i)
        .ok()
        .and_then(|i| items.get(i))
        .ok_or_else(|| r.corrupt("an event refers to a missing table entry"))
}

/// A version 2 row (one caller) or version 3 row (a table of callers).
fn decode_tables(first: u64, r: &mut Reader<'_>) -> Result<Vec<AuditEvent>> {
    let version = r.u8()?;
    let (callers, mut time, n) = match version {
        V2 => {
            let caller = text(r)?;
            (vec![caller], r.i64()?, r.u32()?)
        }
        V3 => {
            let (time, n) = (r.i64()?, r.u32()?);
            (table(r, text)?, time, n)
        }
        _ => return Err(r.corrupt("unknown batch version")),
    };
    let ops = table(r, text)?;
    let keys = table(r, |r| Ok(uuid::Uuid::from_bytes(r.array()?).to_string()))?;
    let contexts = table(r, |r| context::decode(r.var()?))?;
    let outcomes = table(r, text)?;
    let mut out = Vec::with_capacity(n.min(4096) as usize);
    for i in 0..u64::from(n) {
        time = time.wrapping_add(unzigzag(r.varint()?));
        let caller = match version {
            V2 => 0,
            _ => r.varint()?,
        };
        let caller = pick(r, &callers, caller)?.clone();
        let [op, key, version, context, outcome, count] = [(); 6].map(|()| r.varint());
        let operation = pick(r, &ops, op?)?.clone();
        let key_id = match key? {
            0 => None,
            k => Some(pick(r, &keys, k - 1)?.clone()),
        };
        let key_version = match version? {
            0 => None,
            v => Some(u32::try_from(v - 1).map_err(|_| r.corrupt("a version is out of range"))?),
        };
        out.push(AuditEvent {
            sequence: first + i,
            event_time: Timestamp::from_unix_millis(time),
            caller,
            operation,
            key_id,
            key_version,
            encryption_context: pick(r, &contexts, context?)?.clone(),
            outcome: pick(r, &outcomes, outcome?)?.clone(),
            count: count?,
        });
    }
    Ok(out)
}

fn decode_v1(first: u64, n: u32, r: &mut Reader<'_>) -> Result<Vec<AuditEvent>> {
    (0..u64::from(n))
        .map(|i| decode_v1_event(first + i, r.var()?))
        .collect()
}

fn decode_v1_event(sequence: u64, body: &[u8]) -> Result<AuditEvent> {
    let mut r = Reader::new(body, "an audit event");
    if r.u8()? != V1_EVENT {
        return Err(r.corrupt("unknown event version"));
    }
    let event_time = Timestamp::from_unix_millis(r.i64()?);
    let caller = text(&mut r)?;
    let operation = text(&mut r)?;
    let has_key = r.u8()? == 1;
    let key = u128::from_be_bytes(r.array()?);
    let has_version = r.u8()? == 1;
    let version = r.u32()?;
    let encryption_context = context::decode(r.var()?)?;
    let outcome = text(&mut r)?;
    let count = r.u64()?;
    r.finish()?;
    Ok(AuditEvent {
        sequence,
        event_time,
        caller,
        operation,
        key_id: has_key.then(|| uuid::Uuid::from_u128(key).to_string()),
        key_version: has_version.then_some(version),
        encryption_context,
        outcome,
        count,
    })
}

pub(crate) fn corrupt_event(n: u64, what: &str) -> Error {
    Error::Corrupt(format!(
        "audit event {n} {what}: the audit trail was tampered with; keep this file as evidence"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::context::EncryptionContext;

    fn pending(time: i64, op: Operation, key: Option<u128>, ctx: &[u8]) -> PendingEvent {
        PendingEvent {
            key,
            version: key.map(|_| 3),
            context: (!ctx.is_empty()).then(|| ctx.into()),
            count: 7,
            ..PendingEvent::new(Timestamp::from_unix_millis(time), op)
        }
    }

    fn with_chain(mut w: Writer) -> Vec<u8> {
        w.bytes(&[0u8; 32]);
        w.0
    }

    #[test]
    fn round_trip_and_size() {
        let ctx = EncryptionContext::from_pairs([("tenant", "acme")]).unwrap();
        let enc = EncryptionContext::encoded(Some(&ctx)).to_vec();
        let batch: Vec<PendingEvent> = (0..1000)
            .map(|i| pending(1_000_000 + i / 3, Operation::Encrypt, Some(42), &enc))
            .chain([
                pending(999_000, Operation::CreateKey, None, &[]),
                pending(i64::MIN, Operation::Decrypt, Some(u128::MAX), &enc),
            ])
            .collect();
        let stored = with_chain(encode("app", &batch));
        assert!(stored.len() < 1000 * 9, "{} bytes", stored.len());
        let events = decode(10, &stored).unwrap();
        assert_eq!(events.len(), batch.len());
        for (e, p) in events.iter().zip(&batch) {
            assert_eq!(e.event_time.unix_millis(), p.time);
            assert_eq!(e.operation, p.operation.as_str());
            assert_eq!(e.caller, "app");
            assert_eq!(e.count, 7);
            assert_eq!(e.key_version, p.key.map(|_| 3));
            assert_eq!(
                e.key_id,
                p.key.map(|k| uuid::Uuid::from_u128(k).to_string())
            );
        }
        assert_eq!(&events[0].encryption_context, ctx.pairs());
        assert!(events[1000].encryption_context.is_empty());
        assert_eq!(events[1001].sequence, 1011);
    }

    #[test]
    fn each_event_keeps_its_caller() {
        let alice: Arc<str> = Arc::from("arn:aws:iam::111122223333:user/alice@127.0.0.1:5");
        let batch = [
            pending(1, Operation::Encrypt, Some(1), &[]),
            PendingEvent {
                caller: Some(alice.clone()),
                ..pending(2, Operation::Decrypt, Some(1), &[])
            },
            PendingEvent {
                caller: Some(Arc::from("anonymous@[::1]:9")),
                ..pending(3, Operation::Decrypt, Some(1), &[])
            },
            PendingEvent {
                caller: Some(alice),
                ..pending(4, Operation::Encrypt, None, &[])
            },
        ];
        let events = decode(1, &with_chain(encode("app", &batch))).unwrap();
        let callers: Vec<&str> = events.iter().map(|e| e.caller.as_str()).collect();
        assert_eq!(
            callers,
            [
                "app",
                "arn:aws:iam::111122223333:user/alice@127.0.0.1:5",
                "anonymous@[::1]:9",
                "arn:aws:iam::111122223333:user/alice@127.0.0.1:5"
            ]
        );
    }

    #[test]
    fn version_2_rows_are_still_read() {
        let mut row = Writer::default();
        row.u32(V2_MARK).u8(V2).var(b"old app").i64(1000).u32(2);
        row.u32(1).var(b"Encrypt"); // operations
        row.u32(1).bytes(&7u128.to_be_bytes()); // keys
        row.u32(1).var(EMPTY_CONTEXT); // contexts
        row.u32(1).var(b"ok"); // outcomes
        for dt in [0, 2] {
            row.varint(dt)
                .varint(0)
                .varint(1)
                .varint(0)
                .varint(0)
                .varint(0)
                .varint(1);
        }
        let events = decode(4, &with_chain(Writer(row.0.clone()))).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(len(4, &with_chain(row)).unwrap(), 2);
        for (e, (seq, t)) in events.iter().zip([(4, 1000), (5, 1001)]) {
            assert_eq!((e.sequence, e.event_time.unix_millis()), (seq, t));
            assert_eq!(
                (e.caller.as_str(), e.operation.as_str()),
                ("old app", "Encrypt")
            );
            assert_eq!(e.key_id, Some(uuid::Uuid::from_u128(7).to_string()));
        }
    }

    #[test]
    fn version_1_rows_are_still_read() {
        let mut body = Writer::default();
        body.u8(V1_EVENT)
            .i64(1234)
            .var(b"old")
            .var(b"Encrypt")
            .u8(1)
            .bytes(&5u128.to_be_bytes())
            .u8(1)
            .u32(2)
            .var(EMPTY_CONTEXT)
            .var(b"ok")
            .u64(1);
        let mut row = Writer::default();
        row.u32(1).var(&body.0);
        assert_eq!(len(9, &with_chain(Writer(row.0.clone()))).unwrap(), 1);
        let e = &decode(9, &with_chain(row)).unwrap()[0];
        assert_eq!((e.sequence, e.event_time.unix_millis()), (9, 1234));
        assert_eq!(
            (e.caller.as_str(), e.operation.as_str()),
            ("old", "Encrypt")
        );
        assert_eq!(e.key_id, Some(uuid::Uuid::from_u128(5).to_string()));
        assert_eq!((e.key_version, e.count), (Some(2), 1));
    }

    #[test]
    fn len_reads_the_count_from_the_header() {
        let batch: Vec<_> = (0..3)
            .map(|t| pending(t, Operation::Encrypt, Some(1), &[]))
            .collect();
        let stored = with_chain(encode("app", &batch));
        assert_eq!(len(1, &stored).unwrap(), 3);
        assert_eq!(
            len(1, &stored).unwrap(),
            decode(1, &stored).unwrap().len() as u64
        );
        let mut empty = Writer::default();
        empty.u32(V2_MARK).u8(V3).i64(0).u32(0);
        for bad in [&stored[..35], &with_chain(empty)[..]] {
            assert_eq!(len(1, bad).unwrap_err().name(), "Corrupt");
        }
    }

    #[test]
    fn damage_is_corrupt_not_a_panic() {
        let batch = [pending(5, Operation::Encrypt, Some(1), &[])];
        let stored = with_chain(encode("app", &batch));
        let original = decode(1, &stored).unwrap();
        // Every truncation is `Corrupt`: a row is read to its last byte.
        for cut in 0..stored.len() {
            let e = decode(1, &stored[..cut]).expect_err("a truncated row");
            assert_eq!(e.name(), "Corrupt", "cut at {cut}: {e}");
        }
        // Every flipped bit of the row is `Corrupt`, or decodes to other events (which the hash
        // chain, not this decoder, then refuses); never the original events, never a panic.
        for i in 0..stored.len() - 32 {
            for bit in 0..8 {
                let mut s = stored.clone();
                s[i] ^= 1 << bit;
                match decode(1, &s) {
                    Err(e) => assert_eq!(e.name(), "Corrupt", "byte {i} bit {bit}: {e}"),
                    Ok(events) => assert_ne!(events, original, "byte {i} bit {bit}"),
                }
            }
        }
        // The mark and version (the first 5 bytes) are checked: each of their flips is refused.
        for i in 0..5 {
            for bit in 0..8 {
                let mut s = stored.clone();
                s[i] ^= 1 << bit;
                assert_eq!(
                    decode(1, &s).unwrap_err().name(),
                    "Corrupt",
                    "byte {i} bit {bit}"
                );
            }
        }
        // A table index out of range.
        let mut s = stored.clone();
        let op_at = s.len() - 32 - 6;
        s[op_at] = 9;
        assert_eq!(decode(1, &s).unwrap_err().name(), "Corrupt");
    }
}
