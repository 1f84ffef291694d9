//! Creating, describing, listing, enabling and disabling keys.

use crate::audit::{Pending, Subject};
use crate::integrity::Bucket;
use crate::keystore::{KeyData, Keystore, Version};
use crate::lifecycle::{due, set_due};
use crate::model::check_description;
use crate::model::{KeyMetadata, KeyRecord, KeySpec, KeyState, KeyUsage, Origin, RotationType};
use crate::record::{Slot, VersionRecord};
use crate::secret::Key256;
use crate::store::{KEYS, VERSIONS};
use crate::{Error, Result};
use redb::{ReadableTable, ReadableTableMetadata};
use std::sync::Arc;

/// Arguments of [`Keystore::create_key`] (AWS KMS `CreateKey`).
#[derive(Clone, Debug, Default)]
pub struct CreateKey {
    /// Free text, 0 to 8192 characters.
    pub description: String,
    /// Default `SYMMETRIC_DEFAULT`.
    pub key_spec: Option<KeySpec>,
    /// Default: the only usage the spec allows (`ENCRYPT_DECRYPT` for symmetric keys).
    pub key_usage: Option<KeyUsage>,
    /// Default `STRONGROOM`; `EXTERNAL` makes a key that waits in `PendingImport` for material.
    pub origin: Option<Origin>,
}

impl Keystore {
    /// Creates a key and its first backing-key version (AWS KMS `CreateKey`).
    pub fn create_key(&self, req: &CreateKey) -> Result<KeyMetadata> {
        self.logged("CreateKey", None, None, |s| self.create_key_logged(req, s))
    }

    fn create_key_logged(&self, req: &CreateKey, s: &mut Subject) -> Result<KeyMetadata> {
        check_description(&req.description)?;
        let key_spec = req.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        if key_spec != KeySpec::SymmetricDefault {
            return Err(Error::UnsupportedOperation(format!(
                "key spec {key_spec} is not supported yet; use SYMMETRIC_DEFAULT"
            )));
        }
        let key_usage = req.key_usage.unwrap_or(KeyUsage::EncryptDecrypt);
        if key_usage != KeyUsage::EncryptDecrypt {
            return Err(Error::Validation(format!(
                "key usage {key_usage} is not valid for key spec {key_spec}; use ENCRYPT_DECRYPT"
            )));
        }
        let origin = req.origin.unwrap_or(Origin::Strongroom);
        let now = self.clock.now();
        let internal = origin == Origin::Strongroom;
        let rec = KeyRecord {
            description: req.description.clone(),
            key_spec,
            key_usage,
            origin,
            key_state: if internal {
                KeyState::Enabled
            } else {
                KeyState::PendingImport
            },
            creation_date: now,
            current_version: internal as u32,
            deletion_date: None,
            pending_window_days: None,
            rotation_period_days: None,
            next_rotation_date: None,
            on_demand_rotations: 0,
            valid_to: None,
            expiration_model: None,
            material_commitment: None,
        };
        let id = uuid::Uuid::new_v4().as_u128();
        let first = if internal {
            Some(VersionRecord {
                created: now,
                rotation_type: RotationType::Initial,
                material: Key256::random()?,
            })
        } else {
            None
        };
        let sealed_rec = self.sealer.seal(&Slot::key(id), &rec.encode())?;
        let sealed_version = match &first {
            Some(v) => Some(self.sealer.seal(&Slot::version(id, 1), &v.encode())?),
            None => None,
        };
        let _g = self.lock();
        s.key = Some(id);
        let event = Pending {
            key: Some(id),
            ..Pending::new(now, "CreateKey")
        };
        self.write(&[Bucket::key(id)], &[event], |tx| {
            let mut keys = tx.open_table(KEYS)?;
            let count = keys.len()?;
            if count >= self.max_keys {
                return Err(Error::LimitExceeded(format!(
                    "the keystore holds {count} keys, its quota (max_keys = {}); delete keys or \
                     open it with a higher max_keys",
                    self.max_keys
                )));
            }
            keys.insert(id, sealed_rec.as_slice())?;
            if let Some(v) = &sealed_version {
                tx.open_table(VERSIONS)?.insert((id, 1), v.as_slice())?;
            }
            Ok(())
        })?;
        s.logged = true;
        let versions = first
            .map(|v| Arc::new(Version::new(1, v)))
            .into_iter()
            .collect();
        let k = self.cache_key(KeyData::new(id, rec, versions));
        Ok(self.metadata(&k))
    }

    /// A key's metadata, in any state (AWS KMS `DescribeKey`).
    pub fn describe_key(&self, key_id: &str) -> Result<KeyMetadata> {
        self.logged("DescribeKey", Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            Ok(self.metadata(&*self.key(id)?))
        })
    }

    /// Every key's metadata, ordered by key id (AWS KMS `ListKeys`, with metadata).
    pub fn list_keys(&self) -> Result<Vec<KeyMetadata>> {
        self.logged("ListKeys", None, None, |_| self.list_keys_unlogged())
    }

    fn list_keys_unlogged(&self) -> Result<Vec<KeyMetadata>> {
        self.maintain_if_due()?;
        let ids = self.read(|tx| {
            for b in 0..=u8::MAX {
                self.integrity
                    .verify(tx, Bucket::key(u128::from(b) << 120))?;
            }
            let t = tx.open_table(KEYS)?;
            let mut ids = Vec::new();
            for row in t.iter()? {
                ids.push(row?.0.value());
            }
            Ok(ids)
        })?;
        ids.into_iter()
            .map(|id| Ok(self.metadata(&*self.key(id)?)))
            .collect()
    }

    /// Enables a key (AWS KMS `EnableKey`). `InvalidState` while pending deletion or import.
    pub fn enable_key(&self, key_id: &str) -> Result<()> {
        self.logged("EnableKey", Some(key_id), None, |s| {
            self.set_enabled(key_id, true, s)
        })
    }

    /// Disables a key (AWS KMS `DisableKey`): it refuses every cryptographic use until enabled.
    pub fn disable_key(&self, key_id: &str) -> Result<()> {
        self.logged("DisableKey", Some(key_id), None, |s| {
            self.set_enabled(key_id, false, s)
        })
    }

    fn set_enabled(&self, key_id: &str, enable: bool, s: &mut Subject) -> Result<()> {
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let op = if enable { "EnableKey" } else { "DisableKey" };
        self.update_key(id, op, s, |rec| {
            match rec.key_state {
                KeyState::Enabled | KeyState::Disabled => {}
                s => {
                    return Err(Error::InvalidState(format!(
                        "key {} is {s}; it cannot be {}",
                        uuid::Uuid::from_u128(id),
                        if enable { "enabled" } else { "disabled" }
                    )));
                }
            }
            if enable && rec.key_state == KeyState::Disabled {
                // Rotation skipped while disabled happens at once on re-enabling.
                let now = self.clock.now();
                rec.next_rotation_date = rec.next_rotation_date.map(|d| d.max(now));
            }
            rec.key_state = if enable {
                KeyState::Enabled
            } else {
                KeyState::Disabled
            };
            Ok(Vec::new())
        })?;
        self.maintain_if_due().map(drop)
    }

    /// Applies `change` to key `id`'s record (and appends the versions it returns) in one
    /// transaction; the due-work index and the cache follow.
    /// The change is logged as `operation` in the same transaction, and `s` is marked logged.
    pub(crate) fn update_key(
        &self,
        id: u128,
        operation: &'static str,
        s: &mut Subject,
        change: impl FnOnce(&mut KeyRecord) -> Result<Vec<VersionRecord>>,
    ) -> Result<Arc<KeyData>> {
        let g = self.lock();
        let old = self.key_locked(id, &g)?;
        let mut rec = old.rec.clone();
        let added = change(&mut rec)?;
        let event = Pending {
            key: Some(id),
            ..Pending::new(self.clock.now(), operation)
        };
        if rec == old.rec && added.is_empty() {
            self.write(&[], &[event], |_| Ok(()))?;
            s.logged = true;
            return Ok(old);
        }
        let first_new = old.versions.len() as u32 + 1;
        let mut sealed_versions = Vec::with_capacity(added.len());
        for (i, v) in added.iter().enumerate() {
            let n = first_new + i as u32;
            sealed_versions.push((n, self.sealer.seal(&Slot::version(id, n), &v.encode())?));
        }
        let sealed = self.sealer.seal(&Slot::key(id), &rec.encode())?;
        let (old_due, new_due) = (due(&old.rec), due(&rec));
        self.write(&[Bucket::key(id)], &[event], |tx| {
            tx.open_table(KEYS)?.insert(id, sealed.as_slice())?;
            let mut t = tx.open_table(VERSIONS)?;
            for (n, v) in &sealed_versions {
                t.insert((id, *n), v.as_slice())?;
            }
            set_due(tx, id, old_due, new_due)
        })?;
        s.logged = true;
        if let Some(d) = new_due {
            self.next_due
                .fetch_min(d.unix_millis(), std::sync::atomic::Ordering::Relaxed);
        }
        let mut versions = old.versions.clone();
        for (i, v) in added.into_iter().enumerate() {
            versions.push(Arc::new(Version::new(first_new + i as u32, v)));
        }
        Ok(self.cache_key(KeyData::new(id, rec, versions)))
    }
}
