//! The cache of secrets: each secret's unsealed record and its versions' records (still
//! envelope-encrypted: a version's value needs its KMS key's `Decrypt` on every read), filled on
//! first read after verifying the secret's bucket, with what every read derives from them (the
//! ARN, the encryption contexts, the value's associated data); and each name's secret id. A
//! committed change to a secret drops its entries (`Keystore::commit_secret`), so reading a value
//! does no file I/O and no formatting after the first time.
//!
//! Filling does not take the change lock: a fill that read the file before a commit dropped the
//! secret must not put the old record back. Every drop moves a generation; a fill names the
//! generation it saw before reading and is discarded if it moved.

use crate::crypto::xaes::{TAG_LEN, XaesKey, open_with, split};
use crate::format::secret_records::SecretVersionRecord;
use crate::model::context::EncryptionContext;
use crate::model::secret::{HeldSecret, SecretRecord};
use crate::rules::policy::Policy;
use aws_lc_rs::constant_time::verify_slices_are_equal;
use parking_lot::RwLock;
use ring::aead::LessSafeKey;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};
use zeroize::Zeroizing;

/// A secret as it is read: its record, its ARN, its encryption context `{"SecretARN"}`
/// encoded for the audit trail, and its resource policy parsed.
#[derive(Debug)]
pub(crate) struct SecretEntry {
    pub rec: SecretRecord,
    pub arn: String,
    pub audit_context: Arc<[u8]>,
    /// The resource policy, parsed once (the server judges every call by it).
    pub resource_policy: Option<crate::Result<Policy>>,
}

impl HeldSecret for SecretEntry {
    fn arn(&self) -> &str {
        &self.arn
    }

    fn record(&self) -> &SecretRecord {
        &self.rec
    }
}

impl Deref for SecretEntry {
    type Target = SecretRecord;
    fn deref(&self) -> &SecretRecord {
        &self.rec
    }
}

/// A version as it is read: its sealed record, the encryption context of its data key
/// (`{"SecretARN", "SecretVersionId"}`) and its value's associated data.
pub(crate) struct VersionEntry {
    pub record: SecretVersionRecord,
    pub context: EncryptionContext,
    pub aad: Vec<u8>,
    /// The value's AES-GCM key (XAES-256-GCM's key for the record's nonce), derived on the first
    /// read from the data key that read decrypted, kept with that data key. A later read, which
    /// decrypts the data key again under the KMS key (audited, state- and policy-checked), uses
    /// it only if its data key is the same bytes: the cache saves the key schedule, never the
    /// KMS key's decision.
    value_key: OnceLock<(Zeroizing<[u8; 32]>, LessSafeKey)>,
}

impl VersionEntry {
    pub fn new(record: SecretVersionRecord, context: EncryptionContext, aad: Vec<u8>) -> Self {
        VersionEntry {
            record,
            context,
            aad,
            value_key: OnceLock::new(),
        }
    }

    /// Opens the value (`ciphertext`, in place, against `tag`) with `data_key`, the version's
    /// data key as this read decrypted it; `false` if it does not authenticate.
    pub fn open_value(
        &self,
        data_key: &[u8; 32],
        ciphertext: &mut [u8],
        tag: &[u8; TAG_LEN],
    ) -> bool {
        let (prefix, nonce) = split(&self.record.nonce);
        let derive = || XaesKey::new(data_key).derive(prefix);
        let cached = self
            .value_key
            .get_or_init(|| (Zeroizing::new(*data_key), derive()));
        if verify_slices_are_equal(&cached.0[..], data_key).is_ok() {
            open_with(&cached.1, nonce, &self.aad, ciphertext, tag)
        } else {
            open_with(&derive(), nonce, &self.aad, ciphertext, tag)
        }
    }
}

/// A map by secret id. Ids are HMAC outputs under a key of the keystore's: uniform, and not
/// chosen by callers, so their low 64 bits serve as the hash (no SipHash per lookup).
type ById<V> = HashMap<u128, V, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, id: u128) {
        self.0 = id as u64;
    }
}

/// Names kept at most (a name's id is an HMAC: cheap to compute again once forgotten).
const MAX_NAMES: usize = 100_000;

#[derive(Default)]
pub(crate) struct SecretCache {
    entries: RwLock<Entries>,
    names: RwLock<HashMap<String, u128>>,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    records: ById<Arc<SecretEntry>>,
    /// A secret's read versions (a few: compared, not hashed).
    versions: ById<Vec<(String, Arc<VersionEntry>)>>,
}

impl SecretCache {
    /// The generation to name when filling from what is read next.
    pub fn generation(&self) -> u64 {
        self.entries.read().generation
    }

    pub fn record(&self, id: u128) -> Option<Arc<SecretEntry>> {
        self.entries.read().records.get(&id).cloned()
    }

    pub fn version(&self, id: u128, version_id: &str) -> Option<Arc<VersionEntry>> {
        let e = self.entries.read();
        let read = e.versions.get(&id)?;
        read.iter()
            .find(|(v, _)| v == version_id)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `rec`, read from the file after [`Self::generation`] returned `seen`.
    pub fn fill_record(&self, seen: u64, id: u128, rec: Arc<SecretEntry>) {
        let mut e = self.entries.write();
        if e.generation == seen {
            e.records.insert(id, rec);
        }
    }

    /// Keeps version `version_id` of secret `id`, read after [`Self::generation`] returned
    /// `seen`.
    pub fn fill_version(&self, seen: u64, id: u128, version_id: &str, v: Arc<VersionEntry>) {
        let mut e = self.entries.write();
        if e.generation == seen {
            let read = e.versions.entry(id).or_default();
            if !read.iter().any(|(known, _)| known == version_id) {
                read.push((version_id.to_owned(), v));
            }
        }
    }

    /// Drops secret `id` (its change is committed, or failed and left the file as it was).
    pub fn forget(&self, id: u128) {
        let mut e = self.entries.write();
        e.generation += 1;
        e.records.remove(&id);
        e.versions.remove(&id);
    }

    /// The secret id of `name`, computed by `derive` the first time.
    pub fn name_id(&self, name: &str, derive: impl FnOnce() -> u128) -> u128 {
        if let Some(id) = self.names.read().get(name) {
            return *id;
        }
        let id = derive();
        let mut names = self.names.write();
        if names.len() >= MAX_NAMES {
            names.clear();
        }
        names.insert(name.to_owned(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::Timestamp;

    fn rec(name: &str) -> Arc<SecretEntry> {
        let rec = SecretRecord {
            name: name.into(),
            suffix: "abcdef".into(),
            description: None,
            kms_key: None,
            created: Timestamp::from_unix_millis(0),
            last_changed: Timestamp::from_unix_millis(0),
            last_accessed: None,
            deletion_date: None,
            tags: Vec::new(),
            versions: Vec::new(),
            policy: None,
        };
        Arc::new(SecretEntry {
            rec,
            arn: String::new(),
            audit_context: Arc::from(&[][..]),
            resource_policy: None,
        })
    }

    #[test]
    fn a_fill_that_read_before_a_drop_is_discarded() {
        let c = SecretCache::default();
        let seen = c.generation();
        c.forget(7); // a commit to secret 7 after the fill read the file
        c.fill_record(seen, 7, rec("old"));
        assert!(c.record(7).is_none());
        let seen = c.generation();
        c.fill_record(seen, 7, rec("new"));
        assert_eq!(c.record(7).unwrap().name, "new");
        c.forget(7);
        assert!(c.record(7).is_none());
    }

    #[test]
    fn versions_are_dropped_with_their_secret() {
        let c = SecretCache::default();
        let v = Arc::new(VersionEntry::new(
            SecretVersionRecord {
                binary: false,
                wrapped_key: vec![1],
                nonce: [0; 24],
                ciphertext: vec![2],
            },
            EncryptionContext::default(),
            Vec::new(),
        ));
        c.fill_version(c.generation(), 1, "v1", v.clone());
        c.fill_version(c.generation(), 2, "v1", v);
        c.forget(1);
        assert!(c.version(1, "v1").is_none());
        assert!(c.version(2, "v1").is_some());
    }

    #[test]
    fn a_cached_value_key_serves_only_its_own_data_key() {
        let (key, other) = ([1u8; 32], [2u8; 32]);
        let nonce = [9u8; 24];
        let seal = |data_key: &[u8; 32]| {
            let mut buf = b"value".to_vec();
            let tag = XaesKey::new(data_key).seal(&nonce, b"aad", &mut buf);
            (buf, <[u8; TAG_LEN]>::try_from(tag.as_ref()).unwrap())
        };
        let v = VersionEntry::new(
            SecretVersionRecord {
                binary: false,
                wrapped_key: Vec::new(),
                nonce,
                ciphertext: Vec::new(),
            },
            EncryptionContext::default(),
            b"aad".to_vec(),
        );
        for _ in 0..2 {
            let (mut ct, tag) = seal(&key);
            assert!(v.open_value(&key, &mut ct, &tag));
            assert_eq!(ct, b"value");
        }
        // Another data key is not served by the cached one, in either direction.
        let (mut ct, tag) = seal(&key);
        assert!(!v.open_value(&other, &mut ct, &tag));
        let (mut ct, tag) = seal(&other);
        assert!(v.open_value(&other, &mut ct, &tag));
    }

    #[test]
    fn a_name_is_derived_once() {
        let c = SecretCache::default();
        assert_eq!(c.name_id("prod/db", || 5), 5);
        assert_eq!(c.name_id("prod/db", || unreachable!()), 5);
    }
}
