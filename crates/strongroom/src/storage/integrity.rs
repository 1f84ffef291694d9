//! The keystore-wide commitment: detects a sealed record replaced by an older copy of itself,
//! which per-record associated data cannot (the old record is authentic, only stale).
//!
//! Records are grouped in 770 buckets: 256 by the top byte of the key id (key records,
//! backing-key versions, key policies and grants), 256 by the first byte of an alias name after
//! `alias/`, one for the import wrapping keys, one for the users and access keys
//! (`strongroom iam`), and 256 by the top byte of the secret id (secret records and their
//! versions). Each bucket's digest is an HMAC over every record in it (table, key,
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
    ALIASES, AUDIT_HEAD_KEY, GRANTS, IAM_ACCESS_KEYS, IAM_USERS, INTEGRITY_KEY, KEY_POLICIES, KEYS,
    META, SECRET_VERSIONS, SECRETS, VERSIONS, WRAPPING_KEYS,
};
use crate::{Error, Result};
use parking_lot::Mutex;
use redb::ReadableTable;
use ring::digest;

/// Buckets of format 4: 512 of keys and aliases, the wrapping keys, the users and access keys,
/// 256 of secrets.
const BUCKETS: usize = 770;
/// Buckets of format 3 (files written before secrets).
const BUCKETS_V3: usize = 514;
/// Buckets of format 2 (files written before users existed).
const BUCKETS_V2: usize = 513;
/// Buckets of format 1 (files written before wrapping keys and the audit head were covered).
const BUCKETS_V1: usize = 512;
/// `generation || digests || tag` of format 1.
const LEN_V1: usize = 8 + BUCKETS_V1 * 32 + 32;
/// `generation || digests || audit head hash || tag` of format 2.
const LEN_V2: usize = 8 + BUCKETS_V2 * 32 + 32 + 32;
/// `generation || digests || audit head hash || tag` of format 3.
const LEN_V3: usize = 8 + BUCKETS_V3 * 32 + 32 + 32;
/// `generation || digests || audit head hash || tag` of format 4.
const LEN_V4: usize = 8 + BUCKETS * 32 + 32 + 32;
/// The first bucket of secrets.
const FIRST_SECRET_BUCKET: u16 = 514;

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

    /// The bucket of a secret's record and versions.
    pub fn secret(id: u128) -> Self {
        Bucket(FIRST_SECRET_BUCKET + (id >> 120) as u16)
    }
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
                if b.0 >= FIRST_SECRET_BUCKET {
                    let lo = u128::from(b.0 - FIRST_SECRET_BUCKET) << 120;
                    let hi = lo | ((1u128 << 120) - 1);
                    match self.open_table(SECRETS) {
                        Ok(t) => {
                            for row in t.range(lo..=hi)? {
                                let (k, v) = row?;
                                out.push((7, k.value().to_be_bytes().to_vec(), hash(v.value())));
                            }
                        }
                        // A file from before secrets: none.
                        Err(redb::TableError::TableDoesNotExist(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                    match self.open_table(SECRET_VERSIONS) {
                        Ok(t) => {
                            for row in t.range((lo, "")..)? {
                                let (k, v) = row?;
                                let (id, version) = k.value();
                                if id > hi {
                                    break;
                                }
                                let mut key = id.to_be_bytes().to_vec();
                                key.extend_from_slice(version.as_bytes());
                                out.push((8, key, hash(v.value())));
                            }
                        }
                        Err(redb::TableError::TableDoesNotExist(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                } else if b == Bucket::IAM {
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
                    // Policies and grants (tags 9 and 10; 7 and 8 are the secrets'): absent from
                    // files that predate them, so those files' digests are unchanged.
                    match self.open_table(KEY_POLICIES) {
                        Ok(t) => {
                            for row in t.range(lo..=hi)? {
                                let (k, v) = row?;
                                out.push((9, k.value().to_be_bytes().to_vec(), hash(v.value())));
                            }
                        }
                        Err(redb::TableError::TableDoesNotExist(_)) => {}
                        Err(e) => return Err(e.into()),
                    }
                    match self.open_table(GRANTS) {
                        Ok(t) => {
                            for row in t.range((lo, "")..)? {
                                let (k, v) = row?;
                                let (id, grant) = k.value();
                                if id > hi {
                                    break;
                                }
                                let mut key = id.to_be_bytes().to_vec();
                                key.extend_from_slice(grant.as_bytes());
                                out.push((10, key, hash(v.value())));
                            }
                        }
                        Err(redb::TableError::TableDoesNotExist(_)) => {}
                        Err(e) => return Err(e.into()),
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
            LEN_V3 => BUCKETS_V3,
            LEN_V4 => BUCKETS,
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
            // Formats 1 to 3 did not cover the secrets: those buckets are taken as they are now,
            // and covered from the next commit on (docs/FORMAT.md section 11).
            for b in s.digests.len()..BUCKETS {
                let b = Bucket(b as u16);
                s.digests.push(self.digest(b, &tx.rows(b)?));
                s.verified[b.0 as usize] = true;
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
                    FIRST_SECRET_BUCKET.. => "secrets",
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixed rows per bucket, and a stored commitment blob.
    struct Fake {
        rows: std::collections::HashMap<u16, Vec<Row>>,
        blob: Vec<u8>,
    }

    impl Tables for Fake {
        fn rows(&self, b: Bucket) -> Result<Vec<Row>> {
            Ok(self.rows.get(&b.0).cloned().unwrap_or_default())
        }
        fn blob(&self) -> Result<Option<Vec<u8>>> {
            Ok(Some(self.blob.clone()))
        }
        fn audit_head_hash(&self) -> Result<[u8; 32]> {
            Ok([0; 32])
        }
    }

    fn integrity() -> Integrity {
        Integrity::new(&Key256::init_with(|k| k.fill(7)), 1)
    }

    /// A commitment of `buckets` digests over `rows`, encoded as that format wrote it.
    fn fake(i: &Integrity, buckets: usize, rows: &[(u16, Row)]) -> Fake {
        let mut by_bucket: std::collections::HashMap<u16, Vec<Row>> = Default::default();
        for (b, r) in rows {
            by_bucket.entry(*b).or_default().push(r.clone());
        }
        let digests = (0..buckets as u16)
            .map(|b| i.digest(Bucket(b), by_bucket.get(&b).map_or(&[][..], |r| r)))
            .collect();
        let s = State {
            generation: 5,
            digests,
            audit_head: Some([0; 32]),
            verified: Vec::new(),
        };
        let blob = if buckets == BUCKETS_V1 {
            // Format 1 had no audit head hash.
            let mut w = Writer::default();
            w.u64(s.generation);
            for d in &s.digests {
                w.bytes(d);
            }
            let tag = i.key.sign(&[&w.0]);
            w.bytes(&tag);
            w.0
        } else {
            i.encode(&s)
        };
        Fake {
            blob,
            rows: by_bucket,
        }
    }

    fn user_row() -> Row {
        (5, b"alice".to_vec(), hash(b"sealed user"))
    }

    fn secret_row() -> Row {
        (7, 9u128.to_be_bytes().to_vec(), hash(b"sealed secret"))
    }

    #[test]
    fn format_4_has_770_buckets_iam_at_513_and_secrets_from_514() {
        assert_eq!(BUCKETS, 770);
        assert_eq!(LEN_V4, 24_712);
        assert_eq!(LEN_V3, 16_520);
        assert_eq!(Bucket::IAM, Bucket(513));
        assert_eq!(Bucket::secret(0), Bucket(514));
        assert_eq!(Bucket::secret(u128::MAX), Bucket(769));
        let i = integrity();
        let secret = Bucket::secret(9);
        let t = fake(&i, BUCKETS, &[(513, user_row()), (secret.0, secret_row())]);
        assert_eq!(t.blob.len(), LEN_V4);
        assert_eq!(i.check_at_open(&t).unwrap(), 5);
        i.verify(&t, Bucket::IAM).unwrap();
        i.verify(&t, secret).unwrap();
        // A secret row added behind the commitment's back is refused, naming the secrets.
        let i = integrity();
        let mut t = fake(&i, BUCKETS, &[(secret.0, secret_row())]);
        t.rows.get_mut(&secret.0).unwrap().push(secret_row());
        let e = i.verify(&t, secret).unwrap_err();
        assert!(
            matches!(&e, Error::Corrupt(m) if m.contains("secrets")),
            "{e}"
        );
    }

    #[test]
    fn format_3_file_is_read_with_its_iam_bucket_and_secrets_taken_as_they_are() {
        let i = integrity();
        let mut t = fake(&i, BUCKETS_V3, &[(513, user_row())]);
        assert_eq!(t.blob.len(), LEN_V3);
        // Secrets found in a format-3 file are taken as they are (covered from the next commit).
        let secret = Bucket::secret(9);
        t.rows.insert(secret.0, vec![secret_row()]);
        assert_eq!(i.check_at_open(&t).unwrap(), 5);
        i.verify(&t, Bucket::IAM).unwrap();
        i.verify(&t, secret).unwrap();
        // Its IAM bucket is still checked: a changed user is refused.
        let i = integrity();
        let mut t = fake(&i, BUCKETS_V3, &[(513, user_row())]);
        t.rows.get_mut(&513).unwrap()[0].2 = hash(b"older user");
        let e = i.verify(&t, Bucket::IAM).unwrap_err();
        assert!(
            matches!(&e, Error::Corrupt(m) if m.contains("users and access keys")),
            "{e}"
        );
    }

    #[test]
    fn format_2_and_1_files_stand_for_no_users() {
        for buckets in [BUCKETS_V2, BUCKETS_V1] {
            let i = integrity();
            let mut t = fake(&i, buckets, &[]);
            assert_eq!(
                t.blob.len(),
                [LEN_V2, LEN_V1][usize::from(buckets == BUCKETS_V1)]
            );
            i.verify(&t, Bucket::IAM).unwrap();
            let i = integrity();
            t.rows.insert(513, vec![user_row()]);
            assert!(matches!(i.verify(&t, Bucket::IAM), Err(Error::Corrupt(_))));
        }
    }

    #[test]
    fn every_table_has_its_own_row_tag() {
        // docs/FORMAT.md section 11: keys 1, versions 2, aliases 3, wrapping keys 4, users 5,
        // access keys 6, secrets 7, secret versions 8, key policies 9, grants 10.
        let db = redb::Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .unwrap();
        let id = 9u128 << 120 | 1;
        let tx = db.begin_write().unwrap();
        tx.open_table(KEYS).unwrap().insert(id, &b"k"[..]).unwrap();
        tx.open_table(VERSIONS)
            .unwrap()
            .insert((id, 1), &b"v"[..])
            .unwrap();
        tx.open_table(KEY_POLICIES)
            .unwrap()
            .insert(id, &b"p"[..])
            .unwrap();
        tx.open_table(GRANTS)
            .unwrap()
            .insert((id, "g"), &b"g"[..])
            .unwrap();
        tx.open_table(SECRETS)
            .unwrap()
            .insert(id, &b"s"[..])
            .unwrap();
        tx.open_table(SECRET_VERSIONS)
            .unwrap()
            .insert((id, "v"), &b"s"[..])
            .unwrap();
        let tags = |b| {
            let mut t: Vec<u8> = tx.rows(b).unwrap().iter().map(|r| r.0).collect();
            t.sort_unstable();
            t
        };
        assert_eq!(tags(Bucket::key(id)), [1, 2, 9, 10]);
        assert_eq!(tags(Bucket::secret(id)), [7, 8]);
    }

    #[test]
    fn a_commitment_of_another_length_is_corrupt() {
        // 769 digests: the layout of a development build that never shipped.
        let i = integrity();
        let t = fake(&i, 769, &[]);
        assert!(matches!(i.check_at_open(&t), Err(Error::Corrupt(_))));
    }
}
