//! The cache of secrets: each secret's unsealed record and its versions' records (still
//! envelope-encrypted: a version's value needs its KMS key's `Decrypt` on every read), filled on
//! first read after verifying the secret's bucket, and each name's secret id. A committed change
//! to a secret drops its entries (`Keystore::commit_secret`), so reading a value does no file
//! I/O after the first time.
//!
//! Filling does not take the change lock: a fill that read the file before a commit dropped the
//! secret must not put the old record back. Every drop moves a generation; a fill names the
//! generation it saw before reading and is discarded if it moved.

use crate::format::secret_records::SecretVersionRecord;
use crate::model::secret::SecretRecord;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::sync::Arc;

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
    records: HashMap<u128, Arc<SecretRecord>>,
    versions: HashMap<u128, HashMap<String, Arc<SecretVersionRecord>>>,
}

impl SecretCache {
    /// The generation to name when filling from what is read next.
    pub fn generation(&self) -> u64 {
        self.entries.read().generation
    }

    pub fn record(&self, id: u128) -> Option<Arc<SecretRecord>> {
        self.entries.read().records.get(&id).cloned()
    }

    pub fn version(&self, id: u128, version_id: &str) -> Option<Arc<SecretVersionRecord>> {
        let e = self.entries.read();
        e.versions.get(&id)?.get(version_id).cloned()
    }

    /// Keeps `rec`, read from the file after [`Self::generation`] returned `seen`.
    pub fn fill_record(&self, seen: u64, id: u128, rec: Arc<SecretRecord>) {
        let mut e = self.entries.write();
        if e.generation == seen {
            e.records.insert(id, rec);
        }
    }

    /// Keeps version `version_id` of secret `id`, read after [`Self::generation`] returned
    /// `seen`.
    pub fn fill_version(&self, seen: u64, id: u128, version_id: &str, v: Arc<SecretVersionRecord>) {
        let mut e = self.entries.write();
        if e.generation == seen {
            e.versions
                .entry(id)
                .or_default()
                .insert(version_id.to_owned(), v);
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

    fn rec(name: &str) -> Arc<SecretRecord> {
        Arc::new(SecretRecord {
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
        let v = Arc::new(SecretVersionRecord {
            binary: false,
            wrapped_key: vec![1],
            nonce: [0; 24],
            ciphertext: vec![2],
        });
        c.fill_version(c.generation(), 1, "v1", v.clone());
        c.fill_version(c.generation(), 2, "v1", v);
        c.forget(1);
        assert!(c.version(1, "v1").is_none());
        assert!(c.version(2, "v1").is_some());
    }

    #[test]
    fn a_name_is_derived_once() {
        let c = SecretCache::default();
        assert_eq!(c.name_id("prod/db", || 5), 5);
        assert_eq!(c.name_id("prod/db", || unreachable!()), 5);
    }
}
