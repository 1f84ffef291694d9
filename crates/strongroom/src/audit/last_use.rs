//! When and by which cryptographic operation each key was last used (AWS KMS
//! `GetKeyLastUsage`), kept beside the audit trail so that answering costs one row, not a scan of
//! the trail.
//!
//! A successful use notes its time and operation in the key's [`LastUseCell`] (in memory, with
//! the key's usage counters: a load on the hot path, and a store at most once a millisecond per
//! key). Every commit of the audit trail writes the cells that moved into the `key_last_use`
//! table (`audit::last_use_rows`; docs/FORMAT.md section 4), each row authenticated with the audit key and bound to its
//! key id, in the same transaction as the events that record the same uses; so the answer
//! survives a reopen exactly as the trail does (with audit level `OFF`, nothing is committed and
//! the session's uses are known only until it closes). `meta["last_use_since"]` says since when
//! this file tracks: the first audited commit of a version that tracks.

use crate::model::clock::Timestamp;
use crate::model::last_use::LastUse;
use crate::model::operation::Operation;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The operations that count as a use (AWS KMS's cryptographic operations on a key), by their
/// stored code (index + 1). Codes are only ever appended: a file's rows keep their meaning.
pub(crate) const TRACKED: [Operation; 12] = [
    Operation::Encrypt,
    Operation::Decrypt,
    Operation::ReEncrypt,
    Operation::GenerateDataKey,
    Operation::GenerateDataKeyWithoutPlaintext,
    Operation::Sign,
    Operation::Verify,
    Operation::GenerateMac,
    Operation::VerifyMac,
    Operation::DeriveSharedSecret,
    Operation::GenerateDataKeyPair,
    Operation::GenerateDataKeyPairWithoutPlaintext,
];

/// Milliseconds are stored offset by this, so the packed value orders as time does.
const OFFSET: i64 = 1 << 55;

pub(crate) fn pack(u: LastUse) -> u64 {
    let code = TRACKED
        .iter()
        .position(|o| *o == u.operation)
        .map_or(0, |i| i as u64 + 1);
    let ms = u.timestamp.unix_millis().clamp(-OFFSET + 1, OFFSET - 1);
    (((ms + OFFSET) as u64) << 8) | code
}

pub(crate) fn unpack(v: u64) -> Option<LastUse> {
    let code = (v & 0xff) as usize;
    let operation = *TRACKED.get(code.checked_sub(1)?)?;
    Some(LastUse {
        operation,
        timestamp: Timestamp::from_unix_millis((v >> 8) as i64 - OFFSET),
    })
}

/// A key's last use in this session, and what of it was committed.
#[derive(Default, Debug)]
pub(crate) struct LastUseCell {
    /// The packed last use (0: none this session).
    noted: AtomicU64,
    /// The packed value last written to the file.
    written: AtomicU64,
    /// Whether the key is in the audit log's list of keys to write.
    listed: AtomicBool,
}

impl LastUseCell {
    /// Notes a successful use; returns true the first time, when the key must be listed for
    /// writing ([`AuditLog::list_last_use`]).
    #[inline]
    pub fn note(&self, operation: Operation, now: Timestamp) -> bool {
        let packed = pack(LastUse {
            operation,
            timestamp: now,
        });
        // A load first: a store on every call would make every thread contend for the line. Two
        // uses in one millisecond: the higher operation code stands (deterministic).
        if packed > self.noted.load(Ordering::Relaxed) {
            self.noted.fetch_max(packed, Ordering::Relaxed);
        }
        !self.listed.load(Ordering::Relaxed) && !self.listed.swap(true, Ordering::Relaxed)
    }

    /// The last use noted in this session.
    pub fn get(&self) -> Option<LastUse> {
        unpack(self.noted.load(Ordering::Relaxed))
    }

    /// The packed last use, if it is newer than what was last written.
    pub fn unwritten(&self) -> Option<u64> {
        let noted = self.noted.load(Ordering::Relaxed);
        (noted > self.written.load(Ordering::Relaxed)).then_some(noted)
    }

    /// Notes that `packed` is what the file holds now.
    pub fn set_written(&self, packed: u64) {
        self.written.store(packed, Ordering::Relaxed);
    }
}

/// The later of two uses.
pub(crate) fn later(a: Option<LastUse>, b: Option<LastUse>) -> Option<LastUse> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if pack(y) > pack(x) { y } else { x }),
        (x, y) => x.or(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_orders_as_time() {
        let at = |ms, operation| LastUse {
            operation,
            timestamp: Timestamp::from_unix_millis(ms),
        };
        for u in [
            at(-5, Operation::Decrypt),
            at(1_700_000_000_000, Operation::ReEncrypt),
        ] {
            assert_eq!(unpack(pack(u)), Some(u));
        }
        assert!(pack(at(2, Operation::Encrypt)) > pack(at(1, Operation::Decrypt)));
        assert_eq!(unpack(0), None);
        let cell = LastUseCell::default();
        assert!(cell.note(Operation::Encrypt, Timestamp::from_unix_millis(10)));
        assert!(!cell.note(Operation::Decrypt, Timestamp::from_unix_millis(20)));
        // An older use noted late does not replace a newer one.
        cell.note(Operation::Encrypt, Timestamp::from_unix_millis(15));
        assert_eq!(cell.get(), Some(at(20, Operation::Decrypt)));
        assert_eq!(
            later(
                Some(at(1, Operation::Encrypt)),
                Some(at(3, Operation::Decrypt))
            ),
            Some(at(3, Operation::Decrypt))
        );
    }

    #[test]
    fn stored_codes_are_fixed() {
        // docs/FORMAT.md section 4: a row's operation code never changes meaning.
        let code = |operation| {
            pack(LastUse {
                operation,
                timestamp: Timestamp::from_unix_millis(0),
            }) & 0xff
        };
        assert_eq!(code(Operation::Encrypt), 1);
        assert_eq!(code(Operation::GenerateDataKeyWithoutPlaintext), 5);
        assert_eq!(code(Operation::Sign), 6);
        assert_eq!(code(Operation::VerifyMac), 9);
        assert_eq!(code(Operation::GenerateDataKeyPairWithoutPlaintext), 12);
        assert_eq!(code(Operation::GetPublicKey), 0);
        for operation in TRACKED {
            let u = LastUse {
                operation,
                timestamp: Timestamp::from_unix_millis(7),
            };
            assert_eq!(unpack(pack(u)), Some(u));
        }
        assert_eq!(unpack(13), None);
    }
}
