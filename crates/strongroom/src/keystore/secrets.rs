//! Named secrets in the file (SPEC section 14): finding a secret by name or ARN, loading its
//! sealed record after verifying its bucket, committing a change with its audit event, the
//! envelope encryption of a version's value under the secret's KMS key, destruction (with a
//! scrub of the file) and the due work of recovery windows. The operations are in
//! `ops/secrets.rs`.

use crate::audit::subject::Subject;
use crate::crypto::subkey::{SECRET_NAME_INFO, hmac_key};
use crate::format::audit_batch::PendingEvent;
use crate::format::records::Slot;
use crate::format::secret_records::{SecretVersionRecord, value_aad};
use crate::keystore::handle::Keystore;
use crate::keystore::secret_cache::{SecretEntry, VersionEntry};
use crate::model::clock::Timestamp;
use crate::model::context::EncryptionContext;
use crate::model::operation::Operation;
use crate::model::secret::SecretRecord;
use crate::rules::policy::Policy;
use crate::rules::secret_bounds::check_secret_id;
use crate::storage::integrity::Bucket;
use crate::storage::tables::{SECRET_DUE, SECRET_VERSIONS, SECRETS};
use crate::{Error, Result};
use parking_lot::{Mutex, MutexGuard};
use redb::ReadableTable;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The alias of the key that encrypts secrets which name none, made on first use (AWS's
/// `aws/secretsmanager`; `alias/aws/` is reserved, so strongroom's own reserved prefix).
pub const DEFAULT_SECRETS_KEY_ALIAS: &str = "alias/strongroom/secretsmanager";

/// Serialises the first use's creation of the default secrets key.
pub(crate) static DEFAULT_KEY_MADE: Mutex<()> = Mutex::new(());

/// A change to one secret, for [`Keystore::commit_secret`].
pub(crate) struct SecretChange {
    pub id: u128,
    /// The record after the change; `None` destroys the secret.
    pub rec: Option<SecretRecord>,
    /// The deletion date before the change (for the due index).
    pub old_due: Option<Timestamp>,
    /// Version records to write (new, or encrypted again).
    pub put_versions: Vec<(String, SecretVersionRecord)>,
    /// Version records to remove (their records are scrubbed from the file).
    pub remove_versions: Vec<String>,
    /// The call's audit event (`None` for the note of a read, whose call records its own).
    pub event: Option<PendingEvent>,
}

impl SecretChange {
    /// A change of `rec` alone: no version written or removed, its deletion date unchanged.
    pub fn record(id: u128, rec: SecretRecord, event: PendingEvent) -> Self {
        SecretChange {
            id,
            old_due: rec.deletion_date,
            rec: Some(rec),
            put_versions: Vec::new(),
            remove_versions: Vec::new(),
            event: Some(event),
        }
    }
}

impl Keystore {
    /// The id of the secret named `name`: the first 16 bytes of an HMAC of the name under a
    /// sub-key of the root key, so a name is found without an index and reveals nothing.
    pub(crate) fn secret_id(&self, name: &str) -> u128 {
        self.secret_cache.name_id(name, || {
            let mac = hmac_key(&self.root, self.id, SECRET_NAME_INFO).sign(&[name.as_bytes()]);
            u128::from_be_bytes(mac[..16].try_into().expect("16"))
        })
    }

    /// A secret's ARN.
    pub(crate) fn secret_arn(&self, rec: &SecretRecord) -> String {
        format!("{}{}-{}", self.secret_arn_prefix, rec.name, rec.suffix)
    }

    /// The secret a `SecretId` names (its name, its ARN, or its ARN without the six-character
    /// suffix), with its id. `NotFound` if there is none; a secret whose recovery window ended
    /// is destroyed now and not found.
    pub(crate) fn find_secret(
        &self,
        secret_id: &str,
        s: &mut Subject,
    ) -> Result<(u128, Arc<SecretEntry>)> {
        let found = self.find_secret_entry(secret_id, s);
        if found.is_err() && s.context.is_none() {
            // A call refused before its secret was found is recorded under the id it was given.
            s.context = EncryptionContext::from_pairs([("SecretId", secret_id)])
                .ok()
                .map(|c| c.encoded_shared());
        }
        found
    }

    fn find_secret_entry(
        &self,
        secret_id: &str,
        s: &mut Subject,
    ) -> Result<(u128, Arc<SecretEntry>)> {
        check_secret_id(secret_id)?;
        let not_found = || {
            Error::NotFound(format!(
                "secret {secret_id} does not exist (or was deleted); list secrets with {}",
                Operation::ListSecrets
            ))
        };
        let resource = secret_id.strip_prefix(self.secret_arn_prefix.as_str());
        if resource.is_none() && secret_id.starts_with("arn:") {
            return Err(Error::NotFound(format!(
                "{secret_id} is not a secret ARN of this keystore (arn:aws:secretsmanager:\
                 REGION:ACCOUNT:secret:NAME-XXXXXX, with this keystore's region and account)"
            )));
        }
        // A full ARN ends in `-` and six characters; without them it is a partial ARN.
        let (name, suffix) = match resource {
            Some(r) => match r.len().checked_sub(7) {
                Some(cut) if r.as_bytes()[cut] == b'-' && r.is_char_boundary(cut) => {
                    (&r[..cut], Some(&r[cut + 1..]))
                }
                _ => (r, None),
            },
            None => (secret_id, None),
        };
        let found = match self.load_secret(self.secret_id(name))? {
            Some((id, rec)) if suffix.is_none_or(|x| x == rec.suffix) => Some((id, rec)),
            // A partial ARN of a name that itself ends in a hyphen and six characters.
            _ => match (resource, suffix) {
                (Some(r), Some(_)) => self.load_secret(self.secret_id(r))?,
                _ => None,
            },
        };
        let (id, rec) = found.ok_or_else(not_found)?;
        s.key = subject_key(&rec);
        s.context = Some(rec.audit_context.clone());
        let now = s.now.unwrap_or_else(|| self.clock.now());
        if rec.deletion_date.is_some_and(|d| d <= now) {
            let _ = self.destroy_secret(id, Operation::DestroySecret);
            self.scrub_soon();
            return Err(not_found());
        }
        Ok((id, rec))
    }

    /// Records secret `rec` as the call's subject: its KMS key and its ARN as the context.
    pub(crate) fn subject(&self, s: &mut Subject, rec: &SecretRecord) {
        s.key = subject_key(rec);
        s.context = Some(self.secret_context(rec, None).encoded_shared());
    }

    /// The encryption context of a secret (and version): `SecretARN` (and `SecretVersionId`),
    /// as AWS Secrets Manager uses it with KMS.
    pub(crate) fn secret_context(
        &self,
        rec: &SecretRecord,
        version_id: Option<&str>,
    ) -> EncryptionContext {
        let arn = self.secret_arn(rec);
        let mut pairs = vec![("SecretARN", arn.as_str())];
        pairs.extend(version_id.map(|v| ("SecretVersionId", v)));
        EncryptionContext::from_pairs(pairs).expect("an ARN and a version id fit a context")
    }

    /// Secret `id`'s record, if it exists: from the cache, or from the file after verifying its
    /// bucket.
    pub(crate) fn load_secret(&self, id: u128) -> Result<Option<(u128, Arc<SecretEntry>)>> {
        if let Some(rec) = self.secret_cache.record(id) {
            return Ok(Some((id, rec)));
        }
        let seen = self.secret_cache.generation();
        let sealed = self.read(|tx| {
            let t = match tx.open_table(SECRETS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            self.integrity.verify(tx, Bucket::secret(id))?;
            Ok(t.get(id)?.map(|v| v.value().to_vec()))
        })?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        let plain = self.sealer.open(&Slot::secret(id), &sealed)?;
        let rec = SecretRecord::decode(&plain)?;
        let entry = Arc::new(SecretEntry {
            arn: self.secret_arn(&rec),
            audit_context: self.secret_context(&rec, None).encoded_shared(),
            resource_policy: rec
                .policy
                .as_deref()
                .map(|text| Policy::parse_document(text, &self.aws_account_id)),
            rec,
        });
        self.secret_cache.fill_record(seen, id, entry.clone());
        Ok(Some((id, entry)))
    }

    /// Secret `id`'s record under the change lock (`_proof`), to change: it must still be the
    /// secret `seen` (not destroyed and made again meanwhile).
    pub(crate) fn reload_secret(
        &self,
        id: u128,
        seen: &SecretRecord,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<SecretRecord> {
        match self.load_secret(id)? {
            Some((_, found)) if found.suffix == seen.suffix => Ok(found.rec.clone()),
            _ => Err(Error::NotFound(format!(
                "secret {} was deleted meanwhile",
                seen.name
            ))),
        }
    }

    /// Every secret, in id order (for `list_secrets` and the due index).
    pub(crate) fn all_secrets(&self) -> Result<Vec<(u128, SecretRecord)>> {
        let rows = self.read(|tx| {
            let t = match tx.open_table(SECRETS) {
                Ok(t) => t,
                Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
                Err(e) => return Err(e.into()),
            };
            let mut rows = Vec::new();
            let mut verified = std::collections::HashSet::new();
            for row in t.iter()? {
                let (k, v) = row?;
                let b = Bucket::secret(k.value());
                if verified.insert(b) {
                    self.integrity.verify(tx, b)?;
                }
                rows.push((k.value(), v.value().to_vec()));
            }
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(id, sealed)| {
                let plain = self.sealer.open(&Slot::secret(id), &sealed)?;
                Ok((id, SecretRecord::decode(&plain)?))
            })
            .collect()
    }

    /// Version `version_id` of secret `id` (`rec`), sealed, with its data key's encryption context
    /// and its value's associated data: from the cache, or from the file after verifying the
    /// secret's bucket.
    pub(crate) fn load_version(
        &self,
        id: u128,
        rec: &SecretRecord,
        version_id: &str,
    ) -> Result<Arc<VersionEntry>> {
        if let Some(v) = self.secret_cache.version(id, version_id) {
            return Ok(v);
        }
        let seen = self.secret_cache.generation();
        let sealed = self.read(|tx| {
            self.integrity.verify(tx, Bucket::secret(id))?;
            Ok(tx
                .open_table(SECRET_VERSIONS)?
                .get((id, version_id))?
                .map(|v| v.value().to_vec()))
        })?;
        let sealed = sealed.ok_or_else(|| {
            Error::Corrupt(format!(
                "the value of version {version_id} of a secret is missing from the keystore \
                 file; restore it from a backup"
            ))
        })?;
        let plain = self
            .sealer
            .open(&Slot::secret_version(id, version_id), &sealed)?;
        let record = SecretVersionRecord::decode(&plain)?;
        let aad = value_aad(&self.secret_arn(rec), version_id, record.binary);
        let context = self.secret_context(rec, Some(version_id));
        let entry = Arc::new(VersionEntry::new(record, context, aad));
        self.secret_cache
            .fill_version(seen, id, version_id, entry.clone());
        Ok(entry)
    }

    /// Commits `change` (the caller holds the change lock, `_proof`) with its audit event, in one
    /// transaction; moves the secret in the due index; marks the file for a scrub when records
    /// are removed (the caller calls [`Keystore::scrub_soon`] once it released the lock).
    pub(crate) fn commit_secret(
        &self,
        change: SecretChange,
        also: impl FnOnce(&redb::WriteTransaction) -> Result<()>,
        _proof: &MutexGuard<'_, ()>,
    ) -> Result<()> {
        let SecretChange {
            id,
            rec,
            old_due,
            put_versions,
            remove_versions,
            event,
        } = change;
        let sealed = rec
            .as_ref()
            .map(|r| self.sealer.seal(&Slot::secret(id), &r.encode()))
            .transpose()?;
        let mut versions = Vec::with_capacity(put_versions.len());
        for (vid, v) in &put_versions {
            let slot = Slot::secret_version(id, vid);
            versions.push((vid.as_str(), self.sealer.seal(&slot, &v.encode())?));
        }
        let new_due = rec.as_ref().and_then(|r| r.deletion_date);
        let scrub = rec.is_none() || !remove_versions.is_empty();
        let written = self.write(&[Bucket::secret(id)], event.as_slice(), |tx| {
            also(tx)?;
            if scrub {
                self.mark_scrub(tx)?;
            }
            let mut t = tx.open_table(SECRETS)?;
            match &sealed {
                Some(sealed) => t.insert(id, sealed.as_slice())?,
                None => t.remove(id)?,
            };
            drop(t);
            let mut t = tx.open_table(SECRET_VERSIONS)?;
            if rec.is_none() {
                // Every version row of the secret, whatever its record listed.
                let mut doomed = Vec::new();
                for row in t.range((id, "")..)? {
                    let (k, _) = row?;
                    let (i, v) = k.value();
                    if i != id {
                        break;
                    }
                    doomed.push(v.to_owned());
                }
                for v in &doomed {
                    t.remove((id, v.as_str()))?;
                }
            }
            for v in &remove_versions {
                t.remove((id, v.as_str()))?;
            }
            for (vid, sealed) in &versions {
                t.insert((id, *vid), sealed.as_slice())?;
            }
            drop(t);
            if old_due != new_due {
                let mut due = tx.open_table(SECRET_DUE)?;
                if let Some(o) = old_due {
                    due.remove((o.unix_millis(), id))?;
                }
                if let Some(n) = new_due {
                    due.insert((n.unix_millis(), id), ())?;
                }
            }
            Ok(())
        });
        // Dropped whether or not the write committed: the next read sees the file.
        self.secret_cache.forget(id);
        written?;
        if let Some(d) = new_due {
            self.next_due.fetch_min(d.unix_millis(), Ordering::Relaxed);
        }
        Ok(())
    }

    /// Destroys secret `id` (every version's record, its record, its due row) with an
    /// `operation` event, and marks the file for a scrub. Nothing if it no longer exists.
    pub(crate) fn destroy_secret(&self, id: u128, operation: Operation) -> Result<()> {
        let g = self.lock();
        let Some((_, rec)) = self.load_secret(id)? else {
            return Ok(());
        };
        let event = PendingEvent {
            key: rec.kms_key,
            context: Some(self.secret_context(&rec, None).encoded_shared()),
            ..PendingEvent::new(self.clock.now(), operation)
        };
        let change = SecretChange {
            id,
            rec: None,
            old_due: rec.deletion_date,
            put_versions: Vec::new(),
            remove_versions: Vec::new(),
            event: Some(event),
        };
        self.commit_secret(change, |_| Ok(()), &g)
    }

    /// Notes that version `version_id` of secret `id` (`rec`, as found) was read at `now`: the
    /// secret's and the version's last-accessed day (AWS Secrets Manager's `LastAccessedDate`, a
    /// date). Writes at most once a day per version; nothing in a dry run.
    pub(crate) fn note_secret_read(
        &self,
        id: u128,
        rec: &SecretRecord,
        version_id: &str,
        now: Timestamp,
    ) -> Result<()> {
        let today = Some(now.start_of_day());
        let noted = |r: &SecretRecord| {
            r.last_accessed >= today
                && r.version(version_id)
                    .is_none_or(|v| v.last_accessed >= today)
        };
        if noted(rec) || self.in_dry_run() {
            return Ok(());
        }
        let g = self.lock();
        let Ok(mut rec) = self.reload_secret(id, rec, &g) else {
            return Ok(()); // destroyed meanwhile: nothing to note
        };
        if noted(&rec) {
            return Ok(());
        }
        rec.last_accessed = rec.last_accessed.max(today);
        if let Some(v) = rec.versions.iter_mut().find(|v| v.id == version_id) {
            v.last_accessed = v.last_accessed.max(today);
        }
        let change = SecretChange {
            id,
            old_due: rec.deletion_date,
            rec: Some(rec),
            put_versions: Vec::new(),
            remove_versions: Vec::new(),
            event: None,
        };
        self.commit_secret(change, |_| Ok(()), &g)
    }

    /// Due work of secrets: destroys every secret whose recovery window ended by `now`; with
    /// `rebuild`, first makes the due index match the sealed records. Returns when work is next
    /// due (`i64::MAX` if never).
    pub(crate) fn maintain_secrets(&self, rebuild: bool, now: Timestamp) -> Result<i64> {
        let rows = |tx: &redb::ReadTransaction| -> Result<BTreeSet<(i64, u128)>> {
            match tx.open_table(SECRET_DUE) {
                Ok(t) => t.iter()?.map(|r| Ok(r?.0.value())).collect(),
                Err(redb::TableError::TableDoesNotExist(_)) => Ok(BTreeSet::new()),
                Err(e) => Err(e.into()),
            }
        };
        if rebuild {
            let _g = self.lock();
            let want: BTreeSet<(i64, u128)> = self
                .all_secrets()?
                .into_iter()
                .filter_map(|(id, r)| r.deletion_date.map(|d| (d.unix_millis(), id)))
                .collect();
            let have = self.read(rows)?;
            if want != have {
                self.write(&[], &[], |tx| {
                    let mut t = tx.open_table(SECRET_DUE)?;
                    for row in have.difference(&want) {
                        t.remove(*row)?;
                    }
                    for row in want.difference(&have) {
                        t.insert(*row, ())?;
                    }
                    Ok(())
                })?;
            }
        }
        let mut next = i64::MAX;
        for (when, id) in self.read(rows)? {
            let Some((_, rec)) = self.load_secret(id)? else {
                continue;
            };
            match rec.deletion_date {
                Some(d) if d <= now => self.destroy_secret(id, Operation::DestroySecret)?,
                Some(d) if d.unix_millis() == when => next = next.min(when),
                _ => {}
            }
        }
        Ok(next)
    }
}

/// The key a call on secret `rec` is recorded under: its KMS key (its newest version's, for the
/// default secrets key).
fn subject_key(rec: &SecretRecord) -> Option<u128> {
    rec.kms_key
        .or_else(|| rec.versions.last().map(|v| v.kms_key))
}

impl EncryptionContext {
    /// The canonical encoding, shared, for an audit event.
    pub(crate) fn encoded_shared(&self) -> Arc<[u8]> {
        EncryptionContext::shared(Some(self)).unwrap_or_else(|| Arc::from(&[0u8, 0, 0, 0][..]))
    }
}
