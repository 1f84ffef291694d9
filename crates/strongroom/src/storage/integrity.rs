//! The keystore-wide commitment: detects a sealed record replaced by an older copy of itself,
//! which per-record associated data cannot (the old record is authentic, only stale).
//!
//! Records are grouped in 514 buckets: 256 by the top byte of the key id (key records and
//! backing-key versions), 256 by the first byte of an alias name after `alias/`, one for the
//! import wrapping keys and one for the users and access keys (`strongroom iam`). Each bucket's digest is an HMAC over every record in it (table, key,
//! SHA-256 of the value). The digests, a generation counter incremented by every commit (audit
//! events alone included), and the SHA-256 of the audit trail's signed head are stored together
//! under one HMAC (`meta["integrity"]`). Every commit recomputes the digests of the buckets it
//! touched in the same transaction; loading a key, alias or wrapping key verifies its bucket once
//! per open, and opening checks the tag, the generation and the audit head before any write.
//! docs/FORMAT.md section 11 gives the bytes; docs/SECURITY.md what this does and does not detect.

use crate::crypto::secret::Key256;
use crate::crypto::subkey::{HmacKey, INTEGRITY_INFO, hmac_key};
use crate::format::codec::{Reader, Writer};
use crate::storage::tables::{
    ALIASES, AUDIT_HEAD_KEY, IAM_ACCESS_KEYS, IAM_USERS, INTEGRITY_KEY, KEYS, META, VERSIONS,
    WRAPPING_KEYS,
};
use crate::{Error, Result};
use parking_lot::Mutex;
use redb::ReadableTable;
use ring::digest;

/// Buckets of format 3: 512 of keys and aliases, the wrapping keys, the users and access keys.
const BUCKETS: usize = 514;
/// Buckets of format 2 (files written before users existed).
const BUCKETS_V2: usize = 513;
/// Buckets of format 1 (files written before wrapping keys and the audit head were covered).
const BUCKETS_V1: usize = 512;
/// `generation || digests || tag` of format 1.
const LEN_V1: usize = 8 + BUCKETS_V1 * 32 + 32;
/// `generation || digests || audit head hash || tag` of format 2.
const LEN_V2: usize = 8 + BUCKETS_V2 * 32 + 32 + 32;
/// `generation || digests || audit head hash || tag` of format 3.
const LEN_V3: usize = 8 + BUCKETS * 32 + 32 + 32;

/// A group of records covered by one digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Bucket(u16);

impl Bucket {
    /// The bucket of a key's record and versions.
    pub fn key(id: u128) -> Self {
        Bucket((id >> 120) as u16)
    }

    /// The bucket of an alias.
    pub fn alias(name: &str) -> Self {
        Bucket(256 + u16::from(name.as_bytes().get(6).copied().unwrap_or(0)))
    }

    /// The bucket of every import wrapping key.
    pub const WRAPPING_KEYS: Bucket = Bucket(512);

    /// The bucket of every user and access key.
    pub const IAM: Bucket = Bucket(513);
}

struct State {
    generation: u64,
    digests: Vec<[u8; 32]>,
    /// SHA-256 of `meta["audit_head"]` as last committed (of no bytes when there is none);
    /// `None` in a format-1 record, which did not bind it (bound from its next commit on).
    audit_head: Option<[u8; 32]>,
    verified: Vec<bool>,
}

/// The commitment of one open keystore.
pub(crate) struct Integrity {
    key: HmacKey,
    state: Mutex<Option<State>>,
}

/// One record as the digest sees it: table tag, key bytes, SHA-256 of the value.
type Row = (u8, Vec<u8>, Vec<u8>);

/// Read access shared by read and write transactions.
pub(crate) trait Tables {
    fn rows(&self, b: Bucket) -> Result<Vec<Row>>;
    fn blob(&self) -> Result<Option<Vec<u8>>>;
    /// SHA-256 of the audit trail's signed head row (of no bytes if there is none).
    fn audit_head_hash(&self) -> Result<[u8; 32]>;
}

macro_rules! tables_impl {
    ($tx:ty) => {
        impl Tables for $tx {
            fn rows(&self, b: Bucket) -> Result<Vec<Row>> {
                let mut out = Vec::new();
                if b == Bucket::IAM {
                    for (tag, def) in [(5, IAM_USERS), (6, IAM_ACCESS_KEYS)] {
                        let t = match self.open_table(def) {
                            Ok(t) => t,
                            // A file from before users: none.
                            Err(redb::TableError::TableDoesNotExist(_)) => continue,
                            Err(e) => return Err(e.into()),
                        };
                        for row in t.iter()? {
                            let (k, v) = row?;
                            out.push((tag, k.value().as_bytes().to_vec(), hash(v.value())));
                        }
                    }
                } else if b == Bucket::WRAPPING_KEYS {
                    let t = match self.open_table(WRAPPING_KEYS) {
                        Ok(t) => t,
                        // A file from before import: no wrapping key.
                        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(out),
                        Err(e) => return Err(e.into()),
                    };
                    for row in t.iter()? {
                        let (k, v) = row?;
                        let (expiry, id, token) = k.value();
                        let mut key = expiry.to_le_bytes().to_vec();
                        key.extend_from_slice(&id.to_be_bytes());
                        key.extend_from_slice(&token.to_be_bytes());
                        out.push((4, key, hash(v.value())));
                    }
                } else if b.0 < 256 {
                    let lo = u128::from(b.0) << 120;
                    let hi = lo | ((1u128 << 120) - 1);
                    for row in self.open_table(KEYS)?.range(lo..=hi)? {
                        let (k, v) = row?;
                        out.push((1, k.value().to_be_bytes().to_vec(), hash(v.value())));
                    }
                    for row in self.open_table(VERSIONS)?.range((lo, 0)..=(hi, u32::MAX))? {
                        let (k, v) = row?;
                        let (id, n) = k.value();
                        let mut key = id.to_be_bytes().to_vec();
                        key.extend_from_slice(&n.to_le_bytes());
                        out.push((2, key, hash(v.value())));
                    }
                } else {
                    let c = (b.0 - 256) as u8;
                    let start = alias_prefix(c);
                    let t = self.open_table(ALIASES)?;
                    let rows: Vec<_> = if c == u8::MAX {
                        t.range(start.as_str()..)?.collect()
                    } else {
                        let end = alias_prefix(c + 1);
                        t.range(start.as_str()..end.as_str())?.collect()
                    };
                    for row in rows {
                        let (k, v) = row?;
                        let name = k.value();
                        if Bucket::alias(name) == b {
                            out.push((3, name.as_bytes().to_vec(), hash(v.value())));
                        }
                    }
                }
                Ok(out)
            }

            fn blob(&self) -> Result<Option<Vec<u8>>> {
                Ok(self
                    .open_table(META)?
                    .get(INTEGRITY_KEY)?
                    .map(|v| v.value().to_vec()))
            }

            fn audit_head_hash(&self) -> Result<[u8; 32]> {
                let meta = self.open_table(META)?;
                let head = meta.get(AUDIT_HEAD_KEY)?;
                let bytes = head.as_ref().map_or(&[][..], |v| v.value());
                Ok(digest::digest(&digest::SHA256, bytes)
                    .as_ref()
                    .try_into()
                    .expect("32"))
            }
        }
    };
}

tables_impl!(redb::ReadTransaction);
tables_impl!(redb::WriteTransaction);

/// Alias names in bucket `c` start with `alias/` and the byte `c` (names are ASCII).
fn alias_prefix(c: u8) -> String {
    let mut s = String::from("alias/");
    s.push(char::from(c.min(0x7f)));
    s
}

fn hash(v: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, v).as_ref().to_vec()
}

impl Integrity {
    pub fn new(root: &Key256, keystore_id: u128) -> Self {
        Integrity {
            key: hmac_key(root, keystore_id, INTEGRITY_INFO),
            state: Mutex::new(None),
        }
    }

    fn digest(&self, b: Bucket, rows: &[Row]) -> [u8; 32] {
        let mut ctx = self.key.context();
        ctx.update(b"bucket");
        ctx.update(&b.0.to_le_bytes());
        for (tag, key, h) in rows {
            ctx.update(&[*tag]);
            ctx.update(&(key.len() as u32).to_le_bytes());
            ctx.update(key);
            ctx.update(h);
        }
        ctx.sign().as_ref().try_into().expect("32")
    }

    fn encode(&self, s: &State) -> Vec<u8> {
        let mut w = Writer::default();
        w.u64(s.generation);
        for d in &s.digests {
            w.bytes(d);
        }
        w.bytes(&s.audit_head.unwrap_or_default());
        let tag = self.key.sign(&[&w.0]);
        w.bytes(&tag);
        w.0
    }

    fn decode(&self, bytes: &[u8]) -> Result<State> {
        let bad = || {
            Error::Corrupt(
                "the keystore's integrity record does not verify: the file was tampered with; \
                 restore it from a backup"
                    .into(),
            )
        };
        let buckets = match bytes.len() {
            LEN_V1 => BUCKETS_V1,
            LEN_V2 => BUCKETS_V2,
            LEN_V3 => BUCKETS,
            _ => return Err(bad()),
        };
        let (body, tag) = bytes.split_at(bytes.len() - 32);
        if !self.key.verify(body, tag) {
            return Err(bad());
        }
        let mut r = Reader::new(body, "the integrity record");
        let generation = r.u64()?;
        let digests = (0..buckets)
            .map(|_| r.array())
            .collect::<Result<Vec<[u8; 32]>>>()?;
        let audit_head = if buckets != BUCKETS_V1 {
            Some(r.array()?)
        } else {
            None
        };
        Ok(State {
            generation,
            digests,
            audit_head,
            verified: vec![false; BUCKETS],
        })
    }

    fn load<'a>(&self, slot: &'a mut Option<State>, tx: &impl Tables) -> Result<&'a mut State> {
        if slot.is_none() {
            let blob = tx.blob()?.ok_or_else(|| {
                Error::Corrupt(
                    "the keystore has no integrity record; restore it from a backup".into(),
                )
            })?;
            let mut s = self.decode(&blob)?;
            if s.digests.len() == BUCKETS_V1 {
                // Format 1 did not cover the wrapping keys: they are taken as they are now, and
                // covered from the next commit on (docs/FORMAT.md section 11).
                let b = Bucket::WRAPPING_KEYS;
                s.digests.push(self.digest(b, &tx.rows(b)?));
                s.verified[b.0 as usize] = true;
            }
            if s.digests.len() == BUCKETS_V2 {
                // Formats 1 and 2 predate users: their commitment stands for none, so a user or
                // access key added to such a file is refused like any record added.
                s.digests.push(self.digest(Bucket::IAM, &[]));
            }
            *slot = Some(s);
        }
        Ok(slot.as_mut().expect("just loaded"))
    }

    /// The empty commitment of a new keystore.
    pub fn init(&self, tx: &redb::WriteTransaction) -> Result<()> {
        let digests = (0..BUCKETS as u16)
            .map(|b| self.digest(Bucket(b), &[]))
            .collect();
        let s = State {
            generation: 0,
            digests,
            audit_head: Some(tx.audit_head_hash()?),
            verified: vec![true; BUCKETS],
        };
        tx.open_table(META)?
            .insert(INTEGRITY_KEY, self.encode(&s).as_slice())?;
        *self.state.lock() = Some(s);
        Ok(())
    }

    /// The change counter (incremented by every commit).
    pub fn generation(&self, tx: &impl Tables) -> Result<u64> {
        let mut slot = self.state.lock();
        Ok(self.load(&mut slot, tx)?.generation)
    }

    /// Checks, before anything is written at open, that the commitment verifies and that the
    /// audit trail's head is the one it was last committed with; returns the generation.
    pub fn check_at_open(&self, tx: &impl Tables) -> Result<u64> {
        let mut slot = self.state.lock();
        let s = self.load(&mut slot, tx)?;
        if let Some(bound) = s.audit_head
            && bound != tx.audit_head_hash()?
        {
            return Err(Error::Corrupt(
                "the audit trail's head is not the one the keystore last committed: the trail \
                 was rolled back or its end removed; keep this file as evidence and restore the \
                 keystore from a backup"
                    .into(),
            ));
        }
        Ok(s.generation)
    }

    /// Checks bucket `b` against the commitment (once per open, unless it changes).
    pub fn verify(&self, tx: &impl Tables, b: Bucket) -> Result<()> {
        let mut slot = self.state.lock();
        let s = self.load(&mut slot, tx)?;
        if s.verified[b.0 as usize] {
            return Ok(());
        }
        if self.digest(b, &tx.rows(b)?) != s.digests[b.0 as usize] {
            return Err(Error::Corrupt(format!(
                "records of {} do not match the keystore's integrity commitment: a record was \
                 replaced by an older copy, removed or added; restore the keystore from a backup",
                match b.0 {
                    0..256 => "keys",
                    512 => "import wrapping keys",
                    513 => "users and access keys",
                    _ => "aliases",
                }
            )));
        }
        s.verified[b.0 as usize] = true;
        Ok(())
    }

    /// Recomputes the digests of `touched` inside `tx` (after its changes, and after its audit
    /// events: the new audit head is bound; each bucket was verified before the changes) and
    /// stores the new commitment with the next generation. Every commit calls it.
    pub fn update(&self, tx: &redb::WriteTransaction, touched: &[Bucket]) -> Result<()> {
        let mut slot = self.state.lock();
        let s = self.load(&mut slot, tx)?;
        let mut next = State {
            generation: s.generation + 1,
            digests: s.digests.clone(),
            audit_head: Some(tx.audit_head_hash()?),
            verified: s.verified.clone(),
        };
        for &b in touched {
            next.digests[b.0 as usize] = self.digest(b, &tx.rows(b)?);
        }
        tx.open_table(META)?
            .insert(INTEGRITY_KEY, self.encode(&next).as_slice())?;
        *slot = Some(next);
        Ok(())
    }

    /// Forgets the cached commitment (after a failed commit).
    pub fn reset(&self) {
        *self.state.lock() = None;
    }
}
