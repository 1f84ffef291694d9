//! The cache of unsealed keys and aliases: filled from the file on first use (after verifying
//! the records' bucket against the keystore-wide commitment), replaced after each committed
//! change, so the encrypt path does no file I/O.

use crate::format::records::{AliasRecord, Slot, VersionRecord};
use crate::keystore::handle::{KEY_CACHE_SHARDS, Keystore};
use crate::keystore::unsealed::{BackingKeyVersion, UnsealedKey};
use crate::model::key::KeyRecord;
use crate::storage::integrity::Bucket;
use crate::storage::tables::{ALIASES, KEYS, VERSIONS};
use crate::{Error, Result};
use parking_lot::{MutexGuard, RwLock};
use redb::ReadableTable;
use std::collections::HashMap;
use std::sync::Arc;

impl Keystore {
    fn shard(&self, id: u128) -> &RwLock<HashMap<u128, Arc<UnsealedKey>>> {
        &self.key_cache[(id as usize) % KEY_CACHE_SHARDS]
    }

    /// The unsealed key `id`, from the cache or the file. `NotFound` if there is no such key.
    pub(crate) fn key(&self, id: u128) -> Result<Arc<UnsealedKey>> {
        if let Some(k) = self.shard(id).read().get(&id) {
            return Ok(k.clone());
        }
        let guard = self.lock();
        self.key_locked(id, &guard)
    }

    /// As [`Self::key`], for a caller already holding the change lock.
    pub(crate) fn key_locked(
        &self,
        id: u128,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<Arc<UnsealedKey>> {
        if let Some(k) = self.shard(id).read().get(&id) {
            return Ok(k.clone());
        }
        let k = Arc::new(self.load_key(id)?);
        self.shard(id).write().insert(id, k.clone());
        Ok(k)
    }

    fn load_key(&self, id: u128) -> Result<UnsealedKey> {
        let (rec, versions) = self.read(|tx| {
            self.integrity.verify(tx, Bucket::key(id)).map_err(|e| {
                Error::Corrupt(format!(
                    "key {}: {}",
                    uuid::Uuid::from_u128(id),
                    e.message()
                ))
            })?;
            let Some(rec) = tx.open_table(KEYS)?.get(id)?.map(|v| v.value().to_vec()) else {
                return Ok((None, Vec::new()));
            };
            let t = tx.open_table(VERSIONS)?;
            let mut versions = Vec::new();
            for row in t.range((id, 0)..=(id, u32::MAX))? {
                let (k, v) = row?;
                versions.push((k.value().1, v.value().to_vec()));
            }
            Ok((Some(rec), versions))
        })?;
        let Some(rec) = rec else {
            return Err(Error::NotFound(format!(
                "key {} does not exist (it may have been deleted)",
                uuid::Uuid::from_u128(id)
            )));
        };
        let rec = KeyRecord::decode(&self.sealer.open(&Slot::key(id), &rec)?)?;
        let mut list = Vec::with_capacity(versions.len());
        for (i, (n, sealed)) in versions.into_iter().enumerate() {
            if n as usize != i + 1 {
                return Err(Error::Corrupt(format!(
                    "key {} is missing backing-key version {}; restore the keystore from a backup",
                    uuid::Uuid::from_u128(id),
                    i + 1
                )));
            }
            let plain = self.sealer.open(&Slot::version(id, n), &sealed)?;
            list.push(Arc::new(BackingKeyVersion::new(
                n,
                VersionRecord::decode(&plain)?,
                rec.key_spec,
                rec.key_usage,
                self.material_id(id, n),
            )?));
        }
        if list.len() != rec.current_version as usize {
            return Err(Error::Corrupt(format!(
                "key {} should have {} backing-key versions but has {}; restore the keystore from a backup",
                uuid::Uuid::from_u128(id),
                rec.current_version,
                list.len()
            )));
        }
        Ok(UnsealedKey::new(id, self.key_arn(id), rec, list))
    }

    /// Replaces the cached key after its change was committed.
    pub(crate) fn cache_key(&self, mut k: UnsealedKey) -> Arc<UnsealedKey> {
        let mut shard = self.shard(k.id).write();
        if let Some(old) = shard.get(&k.id) {
            k.usage = old.usage.clone();
        }
        let k = Arc::new(k);
        shard.insert(k.id, k.clone());
        self.thread_keys.invalidate();
        k
    }

    /// Drops a destroyed key from the cache.
    pub(crate) fn forget_key(&self, id: u128) {
        self.shard(id).write().remove(&id);
        self.thread_keys.invalidate();
    }

    /// Replaces the cached alias `name` after its change was committed (`None`: it was
    /// deleted). Every thread's handles go stale, since some were reached by the alias.
    pub(crate) fn cache_alias(&self, name: &str, rec: Option<AliasRecord>) {
        let mut cache = self.aliases.write();
        match rec {
            Some(rec) => cache.insert(name.to_owned(), rec),
            None => cache.remove(name),
        };
        drop(cache);
        self.thread_keys.invalidate();
    }

    /// Looks up an alias (cached after the first read).
    pub(crate) fn alias(&self, name: &str) -> Result<Option<AliasRecord>> {
        if let Some(a) = self.aliases.read().get(name) {
            return Ok(Some(a.clone()));
        }
        let _g = self.lock();
        self.alias_locked(name)
    }

    pub(crate) fn alias_locked(&self, name: &str) -> Result<Option<AliasRecord>> {
        if let Some(a) = self.aliases.read().get(name) {
            return Ok(Some(a.clone()));
        }
        let found = self.read(|tx| {
            self.integrity
                .verify(tx, Bucket::alias(name))
                .map_err(|e| Error::Corrupt(format!("alias {name}: {}", e.message())))?;
            let t = tx.open_table(ALIASES)?;
            Ok(t.get(name)?.map(|v| v.value().to_vec()))
        })?;
        let Some(sealed) = found else { return Ok(None) };
        let rec = AliasRecord::decode(&self.sealer.open(&Slot::alias(name), &sealed)?)?;
        self.aliases.write().insert(name.to_owned(), rec.clone());
        Ok(Some(rec))
    }

    /// Every alias, unsealed, ordered by name (after verifying every alias bucket).
    pub(crate) fn all_aliases(&self) -> Result<Vec<(String, AliasRecord)>> {
        let rows = self.read(|tx| {
            for c in 0..=u8::MAX {
                let name = [b"alias/".as_slice(), &[c]].concat();
                self.integrity
                    .verify(tx, Bucket::alias(&String::from_utf8_lossy(&name)))?;
            }
            let mut rows = Vec::new();
            for row in tx.open_table(ALIASES)?.iter()? {
                let (k, v) = row?;
                rows.push((k.value().to_string(), v.value().to_vec()));
            }
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(name, sealed)| {
                let rec = AliasRecord::decode(&self.sealer.open(&Slot::alias(&name), &sealed)?)?;
                Ok((name, rec))
            })
            .collect()
    }
}
