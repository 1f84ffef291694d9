//! The commit of a key change: seal the record and any new versions, write them with the
//! change's audit event in one transaction, move the key in the due-work index, note a pending
//! scrub in the same transaction when secret records were removed, and replace the cached key. Every change of a key
//! goes through [`Keystore::commit_key_change`], except its destruction ([`Keystore::destroy_key`]).

use crate::Result;
use crate::audit::subject::Subject;
use crate::crypto::secret::Key256;
use crate::format::audit_batch::PendingEvent;
use crate::format::records::{Material, Slot, VersionRecord};
use crate::keystore::access::remove_access;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::{BackingKeyVersion, UnsealedKey};
use crate::model::clock::Timestamp;
use crate::model::key::{KeyRecord, RotationType};
use crate::model::operation::Operation;
use crate::rules::state::{self, Action, next_due};
use crate::storage::due::set_due;
use crate::storage::integrity::Bucket;
use crate::storage::tables::{ALIASES, DESTROYED_KEYS, KEYS, LAST_USE, VERSIONS};
use parking_lot::MutexGuard;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// A change to one key, for [`Keystore::commit_key_change`].
pub(crate) struct KeyChange<'a> {
    /// The key as cached before the change; `None` for a new key.
    pub old: Option<&'a UnsealedKey>,
    /// The key's id.
    pub id: u128,
    /// The key's record after the change.
    pub rec: KeyRecord,
    /// New backing-key versions, numbered after the versions the key keeps.
    pub added: Vec<VersionRecord>,
    /// Whether every existing version is removed (the key's material is deleted).
    pub remove_versions: bool,
    /// The change's audit event, written in its transaction.
    pub event: PendingEvent,
}

/// A fresh backing-key version made at `created`.
pub(crate) fn new_version(
    created: Timestamp,
    rotation_type: RotationType,
) -> Result<VersionRecord> {
    Ok(VersionRecord {
        created,
        rotation_type,
        material: Material::Symmetric(Key256::random()?),
    })
}

impl Keystore {
    /// Commits `change` (the caller holds the change lock, `_proof`). `also` runs in the same
    /// transaction before the key's records are written (a quota check, a used wrapping key's
    /// removal), and changes records of the buckets `also_touches` (besides the key's); `scrub`
    /// notes that it removed secret records, so the file is rewritten (the caller calls
    /// [`Keystore::scrub_soon`] once it released the change lock).
    pub(crate) fn commit_key_change(
        &self,
        change: KeyChange<'_>,
        scrub: bool,
        also_touches: &[Bucket],
        also: impl FnOnce(&redb::WriteTransaction) -> Result<()>,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<Arc<UnsealedKey>> {
        let KeyChange {
            old,
            id,
            rec,
            added,
            remove_versions,
            event,
        } = change;
        let existing = old.map_or(0, |k| k.versions.len() as u32);
        let kept: &[Arc<BackingKeyVersion>] = match old {
            Some(k) if !remove_versions => &k.versions,
            _ => &[],
        };
        let first_new = kept.len() as u32 + 1;
        let mut sealed_versions = Vec::with_capacity(added.len());
        for (i, v) in added.iter().enumerate() {
            let n = first_new + i as u32;
            sealed_versions.push((n, self.sealer.seal(&Slot::version(id, n), &v.encode())?));
        }
        // Made ready before anything is written: material that does not load changes nothing.
        let mut versions = kept.to_vec();
        for (i, v) in added.into_iter().enumerate() {
            let n = first_new + i as u32;
            versions.push(Arc::new(BackingKeyVersion::new(
                n,
                v,
                rec.key_spec,
                rec.key_usage,
                self.material_id(id, n),
            )?));
        }
        let sealed = self.sealer.seal(&Slot::key(id), &rec.encode())?;
        let (old_due, new_due) = (old.and_then(|k| next_due(&k.rec)), next_due(&rec));
        let mut touched = vec![Bucket::key(id)];
        touched.extend_from_slice(also_touches);
        self.write(&touched, &[event], |tx| {
            also(tx)?;
            if scrub || remove_versions {
                self.mark_scrub(tx)?;
            }
            tx.open_table(KEYS)?.insert(id, sealed.as_slice())?;
            let mut t = tx.open_table(VERSIONS)?;
            if remove_versions {
                for n in 1..=existing {
                    t.remove((id, n))?;
                }
            }
            for (n, v) in &sealed_versions {
                t.insert((id, *n), v.as_slice())?;
            }
            drop(t);
            set_due(tx, id, old_due, new_due)
        })?;
        if let Some(d) = new_due {
            self.next_due.fetch_min(d.unix_millis(), Ordering::Relaxed);
        }
        Ok(self.cache_key(UnsealedKey::new(id, self.key_arn(id), rec, versions)))
    }

    /// Applies `change` to key `id`'s record (and appends the versions it returns) in one
    /// transaction, logged as `operation`; `s` is marked logged. A change that changes nothing
    /// writes only its event.
    pub(crate) fn update_key(
        &self,
        id: u128,
        operation: Operation,
        s: &mut Subject,
        change: impl FnOnce(&mut KeyRecord) -> Result<Vec<VersionRecord>>,
    ) -> Result<Arc<UnsealedKey>> {
        let g = self.lock();
        let old = self.key_locked(id, &g)?;
        let mut rec = old.rec.clone();
        let added = change(&mut rec)?;
        let event = PendingEvent {
            key: Some(id),
            ..PendingEvent::new(self.clock.now(), operation)
        };
        if rec == old.rec && added.is_empty() {
            self.write(&[], &[event], |_| Ok(()))?;
            s.logged = true;
            return Ok(old);
        }
        let change = KeyChange {
            old: Some(&old),
            id,
            rec,
            added,
            remove_versions: false,
            event,
        };
        let k = self.commit_key_change(change, false, &[], |_| Ok(()), &g)?;
        s.logged = true;
        Ok(k)
    }

    /// Removes every version of `k`'s material, logged as `operation`; the key waits in
    /// `PendingImport`, keeping its material commitment. The caller scrubs the file once it
    /// released the change lock ([`Keystore::scrub_soon`]).
    pub(crate) fn remove_material(
        &self,
        k: &UnsealedKey,
        operation: Operation,
        proof: &MutexGuard<'_, ()>,
    ) -> Result<()> {
        let mut rec = k.rec.clone();
        rec.key_state = state::next_state(Action::DeleteImportedMaterial, &rec);
        rec.current_version = 0;
        rec.valid_to = None;
        rec.expiration_model = None;
        let change = KeyChange {
            old: Some(k),
            id: k.id,
            rec,
            added: Vec::new(),
            remove_versions: true,
            event: PendingEvent {
                key: Some(k.id),
                ..PendingEvent::new(self.clock.now(), operation)
            },
        };
        self.commit_key_change(change, true, &[], |_| Ok(()), proof)
            .map(drop)
    }

    /// Destroys key `id`: every version of its material, its record (with its tags), its aliases,
    /// its last use, its policy and its grants. The file
    /// is scrubbed at the end of the maintenance that called it.
    pub(crate) fn destroy_key(&self, id: u128) -> Result<()> {
        let g = self.lock();
        let k = self.key_locked(id, &g)?;
        let doomed: Vec<String> = self
            .all_aliases()?
            .into_iter()
            .filter(|(_, rec)| rec.target == id)
            .map(|(name, _)| name)
            .collect();
        let now = self.clock.now();
        let event = PendingEvent {
            key: Some(id),
            ..PendingEvent::new(now, Operation::DeleteKey)
        };
        let mut touched = vec![Bucket::key(id)];
        touched.extend(doomed.iter().map(|n| Bucket::alias(n)));
        self.write(&touched, &[event], |tx| {
            tx.open_table(KEYS)?.remove(id)?;
            let mut v = tx.open_table(VERSIONS)?;
            for n in 1..=k.versions.len() as u32 {
                v.remove((id, n))?;
            }
            let mut a = tx.open_table(ALIASES)?;
            for name in &doomed {
                a.remove(name.as_str())?;
            }
            drop((v, a));
            remove_access(tx, id)?;
            tx.open_table(DESTROYED_KEYS)?
                .insert(id, now.unix_millis())?;
            tx.open_table(LAST_USE)?.remove(id)?;
            self.mark_scrub(tx)?;
            set_due(tx, id, next_due(&k.rec), None)
        })?;
        self.forget_key(id);
        self.forget_access(id);
        for name in &doomed {
            self.cache_alias(name, None);
        }
        Ok(())
    }
}
