//! Named secrets (SPEC section 14): AWS Secrets Manager's operations, each audited under its
//! Secrets Manager name with the secret's ARN as the event's context (never a value). A secret's
//! versions are envelope-encrypted under its KMS key through the keystore's own `GenerateDataKey`
//! and `Decrypt` (audited too, as AWS's KMS records Secrets Manager's calls), so the key's state
//! governs the secret: a disabled or pending-deletion key makes it unreadable
//! (`DecryptionFailure`) and unwritable (`EncryptionFailure`). The file side is
//! `keystore/secrets.rs`.

use crate::audit::subject::Subject;
use crate::crypto::random;
use crate::crypto::xaes::{NONCE_LEN, TAG_LEN, XaesKey};
use crate::format::audit_batch::PendingEvent;
use crate::format::records::{AliasRecord, Slot};
use crate::format::secret_records::{SecretVersionRecord, value_aad};
use crate::keystore::handle::Keystore;
use crate::keystore::secrets::{DEFAULT_KEY_MADE, DEFAULT_SECRETS_KEY_ALIAS, SecretChange};
use crate::model::clock::Timestamp;
use crate::model::key::{CreateKey, KeyUsage};
use crate::model::operation::Operation;
use crate::model::secret::{
    AWSCURRENT, AWSPREVIOUS, CreateSecret, DeletedSecret, ListSecrets, PasswordOptions,
    SecretFilterKey, SecretMetadata, SecretRecord, SecretSortBy, SecretValue, SecretValueEntry,
    SecretVersionEntry, SecretVersionRef, SecretVersionsPage, SecretsPage, Tag, UpdateSecret,
    VersionMeta,
};
use crate::model::secret_bytes::SecretBytes;
use crate::rules::secret_bounds::{
    DEFAULT_MAX_SECRETS, MAX_DEPRECATED_VERSIONS, MAX_VERSION_STAGES, check_filters,
    check_secret_description, check_secret_name, check_secret_value, check_stage, check_stages,
    check_tag_count, check_tag_key, check_tags, check_version_id, max_results, password_classes,
    recovery_window,
};
use crate::storage::integrity::Bucket;
use crate::storage::tables::{ALIASES, SECRETS};
use crate::{Error, Result};
use redb::{ReadableTable, ReadableTableMetadata};
use zeroize::Zeroizing;

/// Characters of an ARN's random suffix.
const SUFFIX_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Keystore {
    /// The region of the keystore's AWS-form ARNs ([`crate::Options`]'s `aws_region`).
    pub fn aws_region(&self) -> &str {
        self.aws_arn_prefix
            .strip_prefix("arn:aws:kms:")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_default()
    }

    /// Creates a secret, with a first version if a value is given (AWS Secrets Manager
    /// `CreateSecret`). `AlreadyExists` if the name is taken (unless this is a retry: the same
    /// `client_request_token` and value), `InvalidState` if a secret of that name is scheduled
    /// for deletion.
    pub fn create_secret(&self, req: &CreateSecret) -> Result<SecretVersionRef> {
        self.logged(Operation::CreateSecret, None, None, |s| {
            check_secret_name(&req.name)?;
            if let Some(d) = &req.description {
                check_secret_description(d)?;
            }
            if let Some(v) = &req.value {
                check_secret_value(v)?;
            }
            if let Some(t) = &req.client_request_token {
                check_version_id("ClientRequestToken", t)?;
            }
            check_tags(&req.tags)?;
            check_tag_count(req.tags.len())?;
            self.maintain_if_due()?;
            let id = self.secret_id(&req.name);
            if let Some((_, old)) = self.load_secret(id)? {
                self.subject(s, &old);
                return self.existing_secret(id, &old, req);
            }
            let kms_key = match &req.kms_key_id {
                Some(k) => Some(self.secret_key(k)?),
                None => None,
            };
            let now = self.clock.now();
            let mut rec = SecretRecord {
                name: req.name.clone(),
                suffix: arn_suffix()?,
                description: req.description.clone(),
                kms_key,
                created: now,
                last_changed: now,
                last_accessed: None,
                deletion_date: None,
                tags: req.tags.clone(),
                versions: Vec::new(),
                policy: None,
            };
            self.subject(s, &rec);
            let version_id = version_id(req.client_request_token.as_deref());
            let mut put_versions = Vec::new();
            if let Some(value) = &req.value {
                let (key, v) = self.seal_secret_value(&rec, &version_id, value)?;
                rec.versions.push(VersionMeta {
                    id: version_id.clone(),
                    stages: vec![AWSCURRENT.to_owned()],
                    created: now,
                    kms_key: key,
                    last_accessed: None,
                });
                put_versions.push((version_id.clone(), v));
                s.key = Some(key);
            }
            let g = self.lock();
            let event = self.secret_event(Operation::CreateSecret, &rec, s);
            let change = SecretChange {
                id,
                rec: Some(rec.clone()),
                old_due: None,
                put_versions,
                remove_versions: Vec::new(),
                event: Some(event),
            };
            let fresh = |tx: &redb::WriteTransaction| {
                let t = tx.open_table(SECRETS)?;
                if t.get(id)?.is_some() {
                    return Err(Error::AlreadyExists(format!(
                        "a secret named {} already exists",
                        rec.name
                    )));
                }
                let n = t.len()?;
                if n >= DEFAULT_MAX_SECRETS {
                    return Err(Error::LimitExceeded(format!(
                        "the keystore holds {n} secrets, its quota; delete some first"
                    )));
                }
                Ok(())
            };
            self.commit_secret(change, fresh, &g)?;
            s.logged = true;
            Ok(SecretVersionRef {
                arn: self.secret_arn(&rec),
                name: rec.name.clone(),
                version_id: req.value.as_ref().map(|_| version_id),
                version_stages: Vec::new(),
            })
        })
    }

    /// `create_secret` of a name that exists: a retry of the same request is answered again;
    /// anything else is refused.
    fn existing_secret(
        &self,
        id: u128,
        old: &SecretRecord,
        req: &CreateSecret,
    ) -> Result<SecretVersionRef> {
        if let Some(d) = old.deletion_date {
            return Err(Error::InvalidState(format!(
                "a secret named {} is scheduled for deletion on {d}; restore it with {} or \
                 choose another name",
                old.name,
                Operation::RestoreSecret
            )));
        }
        let exists = || {
            Error::AlreadyExists(format!(
                "a secret named {} already exists; change its value with {}",
                old.name,
                Operation::PutSecretValue
            ))
        };
        let (Some(token), Some(value)) = (&req.client_request_token, &req.value) else {
            return Err(exists());
        };
        if old.version(token).is_none() || self.open_secret_value(id, old, token, None)? != *value {
            return Err(exists());
        }
        Ok(SecretVersionRef {
            arn: self.secret_arn(old),
            name: old.name.clone(),
            version_id: Some(token.clone()),
            version_stages: Vec::new(),
        })
    }

    /// The KMS key a request names for a secret, which must exist and be a symmetric encryption
    /// key.
    fn secret_key(&self, key_ref: &str) -> Result<u128> {
        let id = self.resolve(key_ref)?;
        let k = self.key(id)?;
        if k.rec.key_usage != KeyUsage::EncryptDecrypt {
            return Err(Error::Validation(format!(
                "KmsKeyId {key_ref} is a {} key; secrets need an ENCRYPT_DECRYPT key",
                k.rec.key_usage
            )));
        }
        Ok(id)
    }

    /// The audit event of a secret's change, written in its transaction.
    pub(crate) fn secret_event(
        &self,
        op: Operation,
        rec: &SecretRecord,
        s: &Subject,
    ) -> PendingEvent {
        PendingEvent {
            key: s.key.or(rec.kms_key),
            context: Some(self.secret_context(rec, None).encoded_shared()),
            ..PendingEvent::new(self.clock.now(), op)
        }
    }

    /// A secret's value: the version `version_id`, or the one carrying `version_stage`
    /// (`AWSCURRENT` if neither is given) (AWS Secrets Manager `GetSecretValue`).
    /// `InvalidState` while the secret is scheduled for deletion, `DecryptionFailure` if its KMS
    /// key cannot decrypt (disabled, pending deletion).
    pub fn get_secret_value(
        &self,
        secret_id: &str,
        version_id: Option<&str>,
        version_stage: Option<&str>,
    ) -> Result<SecretValueEntry> {
        self.logged(Operation::GetSecretValue, None, None, |s| {
            if let Some(v) = version_id {
                check_version_id("VersionId", v)?;
            }
            if let Some(st) = version_stage {
                check_stage(st)?;
            }
            let now = self.maintain_if_due()?;
            s.now = Some(now);
            let (id, rec) = self.find_secret(secret_id, s)?;
            refuse_deleted(&rec, Operation::GetSecretValue)?;
            let version = pick_version(&rec, version_id, version_stage)?;
            let v = &rec.versions[version];
            s.key = Some(v.kms_key);
            let value = self.open_secret_value(id, &rec, &v.id, Some(now))?;
            self.note_secret_read(id, &rec, &v.id, now)?;
            Ok(SecretValueEntry::new(rec, version, value))
        })
    }

    /// Adds a version (AWS Secrets Manager `PutSecretValue`), with the staging labels
    /// `version_stages` (`AWSCURRENT` if `None`): each label moves to it from the version that
    /// had it, and the version that was `AWSCURRENT` becomes `AWSPREVIOUS`. A retry with the
    /// same `client_request_token` and value changes nothing; the same token with another value
    /// is `AlreadyExists`.
    pub fn put_secret_value(
        &self,
        secret_id: &str,
        client_request_token: Option<&str>,
        value: &SecretValue,
        version_stages: Option<&[String]>,
    ) -> Result<SecretVersionRef> {
        self.logged(Operation::PutSecretValue, None, None, |s| {
            check_secret_value(value)?;
            if let Some(t) = client_request_token {
                check_version_id("ClientRequestToken", t)?;
            }
            let stages = match version_stages {
                Some(st) => {
                    check_stages(st)?;
                    st.to_vec()
                }
                None => vec![AWSCURRENT.to_owned()],
            };
            self.maintain_if_due()?;
            let (id, rec) = self.find_secret(secret_id, s)?;
            refuse_deleted(&rec, Operation::PutSecretValue)?;
            let r = self.add_version(
                id,
                &rec,
                client_request_token,
                value,
                stages,
                Operation::PutSecretValue,
                s,
            )?;
            Ok(r)
        })
    }

    /// Adds version `token` (a new UUID if `None`) with `value` and `stages` to secret `id`
    /// (`rec` as found), in one audited transaction, or answers a retry.
    #[allow(clippy::too_many_arguments)]
    fn add_version(
        &self,
        id: u128,
        rec: &SecretRecord,
        token: Option<&str>,
        value: &SecretValue,
        stages: Vec<String>,
        op: Operation,
        s: &mut Subject,
    ) -> Result<SecretVersionRef> {
        let version_id = version_id(token);
        if let Some(v) = rec.version(&version_id) {
            if self.open_secret_value(id, rec, &version_id, None)? != *value {
                return Err(Error::AlreadyExists(format!(
                    "version {version_id} of secret {} already exists with another value; use \
                     a new ClientRequestToken",
                    rec.name
                )));
            }
            return Ok(SecretVersionRef {
                arn: self.secret_arn(rec),
                name: rec.name.clone(),
                version_id: Some(version_id),
                version_stages: v.stages.clone(),
            });
        }
        let (key, sealed) = self.seal_secret_value(rec, &version_id, value)?;
        s.key = Some(key);
        let g = self.lock();
        let mut rec = self.reload_secret(id, rec, &g)?;
        if rec.version(&version_id).is_some() {
            return Err(Error::AlreadyExists(format!(
                "version {version_id} of secret {} was just made by another call",
                rec.name
            )));
        }
        let now = self.clock.now();
        let old_current = rec.staged(AWSCURRENT).map(|v| v.id.clone());
        for v in &mut rec.versions {
            v.stages.retain(|st| !stages.contains(st));
        }
        if stages.iter().any(|st| st == AWSCURRENT)
            && let Some(old) = old_current
        {
            move_label(&mut rec, AWSPREVIOUS, &old);
        }
        rec.versions.push(VersionMeta {
            id: version_id.clone(),
            stages: stages.clone(),
            created: now,
            kms_key: key,
            last_accessed: None,
        });
        rec.last_changed = now;
        let remove_versions = prune_deprecated(&mut rec);
        let event = self.secret_event(op, &rec, s);
        let change = SecretChange {
            id,
            rec: Some(rec.clone()),
            old_due: rec.deletion_date,
            put_versions: vec![(version_id.clone(), sealed)],
            remove_versions,
            event: Some(event),
        };
        self.commit_secret(change, |_| Ok(()), &g)?;
        drop(g);
        s.logged = true;
        self.scrub_soon();
        Ok(SecretVersionRef {
            arn: self.secret_arn(&rec),
            name: rec.name.clone(),
            version_id: Some(version_id),
            version_stages: stages,
        })
    }

    /// Changes a secret's description, KMS key and/or value (AWS Secrets Manager
    /// `UpdateSecret`). A new value becomes the `AWSCURRENT` version; a new KMS key encrypts new
    /// versions, and the versions with a staging label are encrypted again under it.
    pub fn update_secret(&self, secret_id: &str, req: &UpdateSecret) -> Result<SecretVersionRef> {
        self.logged(Operation::UpdateSecret, None, None, |s| {
            if let Some(d) = &req.description {
                check_secret_description(d)?;
            }
            if let Some(v) = &req.value {
                check_secret_value(v)?;
            }
            if let Some(t) = &req.client_request_token {
                check_version_id("ClientRequestToken", t)?;
            }
            self.maintain_if_due()?;
            let (id, rec) = self.find_secret(secret_id, s)?;
            refuse_deleted(&rec, Operation::UpdateSecret)?;
            let new_key = match &req.kms_key_id {
                Some(k) => Some(self.secret_key(k)?),
                None => None,
            };
            let mut next = rec.rec.clone();
            if let Some(d) = &req.description {
                next.description = Some(d.clone());
            }
            let mut put_versions = Vec::new();
            if new_key.is_some() && new_key != rec.kms_key {
                next.kms_key = new_key;
                // The labelled versions, encrypted again under the new key.
                for i in 0..next.versions.len() {
                    if next.versions[i].stages.is_empty() {
                        continue;
                    }
                    let vid = next.versions[i].id.clone();
                    let value = self.open_secret_value(id, &rec, &vid, None)?;
                    let (key, sealed) = self.seal_secret_value(&next, &vid, &value)?;
                    next.versions[i].kms_key = key;
                    put_versions.push((vid, sealed));
                }
            }
            if next != rec.rec {
                let g = self.lock();
                let current = self.reload_secret(id, &rec, &g)?;
                if current.changed_from(&rec) {
                    return Err(Error::InvalidState(format!(
                        "secret {} changed while it was being updated; try again",
                        rec.name
                    )));
                }
                next.last_changed = self.clock.now();
                self.subject(s, &next);
                let change = SecretChange {
                    id,
                    rec: Some(next.clone()),
                    old_due: None,
                    put_versions,
                    remove_versions: Vec::new(),
                    event: Some(self.secret_event(Operation::UpdateSecret, &next, s)),
                };
                self.commit_secret(change, |_| Ok(()), &g)?;
                s.logged = true;
            }
            match &req.value {
                Some(value) => {
                    let r = self.add_version(
                        id,
                        &next,
                        req.client_request_token.as_deref(),
                        value,
                        vec![AWSCURRENT.to_owned()],
                        Operation::UpdateSecret,
                        s,
                    )?;
                    Ok(SecretVersionRef {
                        version_stages: Vec::new(),
                        ..r
                    })
                }
                None => Ok(SecretVersionRef {
                    arn: self.secret_arn(&next),
                    name: next.name.clone(),
                    version_id: None,
                    version_stages: Vec::new(),
                }),
            }
        })
    }

    /// A secret's metadata, in any state (AWS Secrets Manager `DescribeSecret`).
    pub fn describe_secret(&self, secret_id: &str) -> Result<SecretMetadata> {
        self.logged(Operation::DescribeSecret, None, None, |s| {
            self.maintain_if_due()?;
            let (_, rec) = self.find_secret(secret_id, s)?;
            Ok(self.secret_metadata(&rec))
        })
    }

    fn secret_metadata(&self, rec: &SecretRecord) -> SecretMetadata {
        SecretMetadata {
            arn: self.secret_arn(rec),
            name: rec.name.clone(),
            description: rec.description.clone(),
            kms_key_id: rec.kms_key.map(|k| self.key_arn(k)),
            created_date: rec.created,
            last_changed_date: rec.last_changed,
            last_accessed_date: rec.last_accessed,
            deleted_date: rec.deletion_date,
            tags: rec.tags.clone(),
            version_ids_to_stages: rec
                .versions
                .iter()
                .filter(|v| !v.stages.is_empty())
                .map(|v| (v.id.clone(), v.stages.clone()))
                .collect(),
        }
    }

    /// A page of secrets (AWS Secrets Manager `ListSecrets`): those matching every filter, not
    /// those scheduled for deletion unless asked, by creation date (or `sort_by`), newest first
    /// unless `ascending`.
    pub fn list_secrets(&self, req: &ListSecrets) -> Result<SecretsPage> {
        self.logged(Operation::ListSecrets, None, None, |_| {
            check_filters(&req.filters)?;
            let size = max_results(req.max_results)?;
            let start = page_start(req.next_token.as_deref())?;
            self.maintain_if_due()?;
            let mut all: Vec<SecretRecord> = self
                .all_secrets()?
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r| req.include_planned_deletion || r.deletion_date.is_none())
                .filter(|r| req.filters.iter().all(|f| filter_matches(f, r)))
                .collect();
            let by = req.sort_by.unwrap_or_default();
            all.sort_by(|a, b| {
                let o = match by {
                    SecretSortBy::CreatedDate => a.created.cmp(&b.created),
                    SecretSortBy::LastChangedDate => a.last_changed.cmp(&b.last_changed),
                    SecretSortBy::Name => a.name.cmp(&b.name),
                }
                .then_with(|| a.name.cmp(&b.name));
                if req.ascending { o } else { o.reverse() }
            });
            let (page, next_token) = paginate(all, start, size);
            Ok(SecretsPage {
                secrets: page.iter().map(|r| self.secret_metadata(r)).collect(),
                next_token,
            })
        })
    }

    /// A page of a secret's versions, newest first (AWS Secrets Manager `ListSecretVersionIds`):
    /// those with a staging label, and with `include_deprecated` the others too.
    pub fn list_secret_version_ids(
        &self,
        secret_id: &str,
        max: Option<u32>,
        next_token: Option<&str>,
        include_deprecated: bool,
    ) -> Result<SecretVersionsPage> {
        self.logged(Operation::ListSecretVersionIds, None, None, |s| {
            let size = max_results(max)?;
            let start = page_start(next_token)?;
            self.maintain_if_due()?;
            let (_, rec) = self.find_secret(secret_id, s)?;
            let versions: Vec<&VersionMeta> = rec
                .versions
                .iter()
                .rev()
                .filter(|v| include_deprecated || !v.stages.is_empty())
                .collect();
            let (page, next_token) = paginate(versions, start, size);
            Ok(SecretVersionsPage {
                arn: rec.arn.clone(),
                name: rec.name.clone(),
                versions: page
                    .into_iter()
                    .map(|v| SecretVersionEntry {
                        version_id: v.id.clone(),
                        version_stages: v.stages.clone(),
                        created_date: v.created,
                        last_accessed_date: v.last_accessed,
                        kms_key_ids: vec![self.key_arn(v.kms_key)],
                    })
                    .collect(),
                next_token,
            })
        })
    }

    /// Moves a staging label (AWS Secrets Manager `UpdateSecretVersionStage`): from
    /// `remove_from_version_id` (which must hold it, and must be named if the label is attached
    /// elsewhere than `move_to_version_id`) to `move_to_version_id`. Moving `AWSCURRENT` makes
    /// its former version `AWSPREVIOUS`; `AWSCURRENT` cannot be only removed.
    pub fn update_secret_version_stage(
        &self,
        secret_id: &str,
        version_stage: &str,
        remove_from_version_id: Option<&str>,
        move_to_version_id: Option<&str>,
    ) -> Result<SecretVersionRef> {
        self.logged(Operation::UpdateSecretVersionStage, None, None, |s| {
            check_stage(version_stage)?;
            for v in remove_from_version_id.iter().chain(&move_to_version_id) {
                check_version_id("VersionId", v)?;
            }
            if remove_from_version_id.is_none() && move_to_version_id.is_none() {
                return Err(Error::Validation(
                    "give RemoveFromVersionId, MoveToVersionId or both".into(),
                ));
            }
            self.maintain_if_due()?;
            let (id, found) = self.find_secret(secret_id, s)?;
            refuse_deleted(&found, Operation::UpdateSecretVersionStage)?;
            let g = self.lock();
            let mut rec = self.reload_secret(id, &found, &g)?;
            let holder = rec.staged(version_stage).map(|v| v.id.clone());
            for v in remove_from_version_id.iter().chain(&move_to_version_id) {
                if rec.version(v).is_none() {
                    return Err(Error::NotFound(format!(
                        "secret {} has no version {v}",
                        rec.name
                    )));
                }
            }
            if let Some(from) = remove_from_version_id
                && holder.as_deref() != Some(from)
            {
                return Err(Error::Validation(format!(
                    "version {from} does not have staging label {version_stage}, so it cannot be \
                     removed from it"
                )));
            }
            match move_to_version_id {
                Some(to) => {
                    if let Some(h) = &holder
                        && h != to
                        && remove_from_version_id.is_none()
                    {
                        return Err(Error::Validation(format!(
                            "staging label {version_stage} is attached to version {h}; name that \
                             version in RemoveFromVersionId to move it"
                        )));
                    }
                    let target = rec.version(to).expect("checked above");
                    if !target.stages.iter().any(|st| st == version_stage)
                        && target.stages.len() >= MAX_VERSION_STAGES
                    {
                        return Err(Error::LimitExceeded(format!(
                            "version {to} already has {MAX_VERSION_STAGES} staging labels"
                        )));
                    }
                    move_label(&mut rec, version_stage, to);
                    if version_stage == AWSCURRENT
                        && let Some(h) = holder.filter(|h| h != to)
                    {
                        move_label(&mut rec, AWSPREVIOUS, &h);
                    }
                }
                None => {
                    if version_stage == AWSCURRENT {
                        return Err(Error::Validation(format!(
                            "{AWSCURRENT} cannot only be removed: a secret's current version \
                             moves; name the new one in MoveToVersionId"
                        )));
                    }
                    for v in &mut rec.versions {
                        v.stages.retain(|st| st != version_stage);
                    }
                }
            }
            let remove_versions = prune_deprecated(&mut rec);
            let event = self.secret_event(Operation::UpdateSecretVersionStage, &rec, s);
            let change = SecretChange {
                remove_versions,
                ..SecretChange::record(id, rec.clone(), event)
            };
            self.commit_secret(change, |_| Ok(()), &g)?;
            drop(g);
            s.logged = true;
            self.scrub_soon();
            Ok(SecretVersionRef {
                arn: self.secret_arn(&rec),
                name: rec.name.clone(),
                version_id: None,
                version_stages: Vec::new(),
            })
        })
    }

    /// Schedules a secret's destruction after a recovery window (7 to 30 days, 30 by default),
    /// or destroys it now with `force_delete_without_recovery` (AWS Secrets Manager
    /// `DeleteSecret`). A destroyed secret's records are scrubbed from the file.
    pub fn delete_secret(
        &self,
        secret_id: &str,
        recovery_window_in_days: Option<u32>,
        force_delete_without_recovery: bool,
    ) -> Result<DeletedSecret> {
        self.logged(Operation::DeleteSecret, None, None, |s| {
            let window = recovery_window(recovery_window_in_days, force_delete_without_recovery)?;
            self.maintain_if_due()?;
            let (id, found) = self.find_secret(secret_id, s)?;
            let now = self.clock.now();
            let out = |rec: &SecretRecord, d: Timestamp| DeletedSecret {
                arn: self.secret_arn(rec),
                name: rec.name.clone(),
                deletion_date: Some(d),
            };
            let Some(days) = window else {
                self.destroy_secret_now(id, &found, s)?;
                return Ok(out(&found, now));
            };
            if let Some(d) = found.deletion_date {
                return Err(Error::InvalidState(format!(
                    "secret {} is already scheduled for deletion on {d}; restore it with {} or \
                     delete it now with ForceDeleteWithoutRecovery",
                    found.name,
                    Operation::RestoreSecret
                )));
            }
            let g = self.lock();
            let mut rec = self.reload_secret(id, &found, &g)?;
            let when = now.plus_days(days);
            rec.deletion_date = Some(when);
            let event = self.secret_event(Operation::DeleteSecret, &rec, s);
            let change = SecretChange {
                old_due: None,
                ..SecretChange::record(id, rec.clone(), event)
            };
            self.commit_secret(change, |_| Ok(()), &g)?;
            s.logged = true;
            Ok(out(&rec, when))
        })
    }

    fn destroy_secret_now(&self, id: u128, found: &SecretRecord, s: &mut Subject) -> Result<()> {
        let g = self.lock();
        let rec = self.reload_secret(id, found, &g)?;
        let change = SecretChange {
            id,
            rec: None,
            old_due: rec.deletion_date,
            put_versions: Vec::new(),
            remove_versions: Vec::new(),
            event: Some(self.secret_event(Operation::DeleteSecret, &rec, s)),
        };
        self.commit_secret(change, |_| Ok(()), &g)?;
        drop(g);
        s.logged = true;
        self.scrub_soon();
        Ok(())
    }

    /// Cancels a secret's scheduled deletion (AWS Secrets Manager `RestoreSecret`); a secret not
    /// scheduled for deletion is left as it is.
    pub fn restore_secret(&self, secret_id: &str) -> Result<DeletedSecret> {
        self.logged(Operation::RestoreSecret, None, None, |s| {
            self.maintain_if_due()?;
            let (id, found) = self.find_secret(secret_id, s)?;
            if found.deletion_date.is_some() {
                let g = self.lock();
                let mut rec = self.reload_secret(id, &found, &g)?;
                let old_due = rec.deletion_date.take();
                let event = self.secret_event(Operation::RestoreSecret, &rec, s);
                let change = SecretChange {
                    old_due,
                    ..SecretChange::record(id, rec, event)
                };
                self.commit_secret(change, |_| Ok(()), &g)?;
                s.logged = true;
            }
            Ok(DeletedSecret {
                arn: found.arn.clone(),
                name: found.name.clone(),
                deletion_date: None,
            })
        })
    }

    /// Adds tags to a secret, replacing the values of keys it has (AWS Secrets Manager
    /// `TagResource`); at most 50 in all (`LimitExceeded`).
    pub fn tag_secret(&self, secret_id: &str, tags: &[Tag]) -> Result<()> {
        self.logged(Operation::TagResource, None, None, |s| {
            check_tags(tags)?;
            self.change_tags(secret_id, Operation::TagResource, s, |rec| {
                for t in tags {
                    match rec.tags.iter_mut().find(|o| o.key == t.key) {
                        Some(o) => o.value = t.value.clone(),
                        None => rec.tags.push(t.clone()),
                    }
                }
                check_tag_count(rec.tags.len())
            })
        })
    }

    /// Removes tags from a secret by key (AWS Secrets Manager `UntagResource`); keys it does
    /// not have are ignored.
    pub fn untag_secret(&self, secret_id: &str, tag_keys: &[String]) -> Result<()> {
        self.logged(Operation::UntagResource, None, None, |s| {
            for k in tag_keys {
                check_tag_key(k)?;
            }
            self.change_tags(secret_id, Operation::UntagResource, s, |rec| {
                rec.tags.retain(|t| !tag_keys.contains(&t.key));
                Ok(())
            })
        })
    }

    fn change_tags(
        &self,
        secret_id: &str,
        op: Operation,
        s: &mut Subject,
        change: impl FnOnce(&mut SecretRecord) -> Result<()>,
    ) -> Result<()> {
        self.maintain_if_due()?;
        let (id, found) = self.find_secret(secret_id, s)?;
        refuse_deleted(&found, op)?;
        let g = self.lock();
        let mut rec = self.reload_secret(id, &found, &g)?;
        change(&mut rec)?;
        rec.last_changed = self.clock.now();
        let event = self.secret_event(op, &rec, s);
        let change = SecretChange::record(id, rec, event);
        self.commit_secret(change, |_| Ok(()), &g)?;
        s.logged = true;
        Ok(())
    }

    /// A random password from the OS CSPRNG (AWS Secrets Manager `GetRandomPassword`): each
    /// character drawn uniformly (rejection sampling, no modulo bias) from the included types,
    /// one of each type placed first when `require_each_included_type`, then shuffled
    /// (Fisher-Yates, drawn the same way). Zeroized on drop.
    pub fn get_random_password(&self, options: &PasswordOptions) -> Result<Zeroizing<String>> {
        self.logged(Operation::GetRandomPassword, None, None, |_| {
            let classes = password_classes(options)?;
            let alphabet: Vec<char> = classes.iter().flatten().copied().collect();
            let n = options.password_length as usize;
            let mut draw = Draw::default();
            let mut chars: Zeroizing<Vec<char>> = Zeroizing::new(Vec::with_capacity(n));
            if options.require_each_included_type {
                for c in &classes {
                    chars.push(c[draw.below(c.len())?]);
                }
            }
            while chars.len() < n {
                chars.push(alphabet[draw.below(alphabet.len())?]);
            }
            for i in (1..chars.len()).rev() {
                let j = draw.below(i + 1)?;
                chars.swap(i, j);
            }
            let mut out = Zeroizing::new(String::with_capacity(n));
            out.extend(chars.iter());
            Ok(out)
        })
    }

    /// The key id of the default secrets key ([`DEFAULT_SECRETS_KEY_ALIAS`]), made (with its
    /// alias, both audited) on first use.
    pub(crate) fn default_secrets_key(&self) -> Result<String> {
        if let Some(a) = self.alias(DEFAULT_SECRETS_KEY_ALIAS)? {
            return Ok(uuid::Uuid::from_u128(a.target).to_string());
        }
        let _made = DEFAULT_KEY_MADE.lock();
        if let Some(a) = self.alias(DEFAULT_SECRETS_KEY_ALIAS)? {
            return Ok(uuid::Uuid::from_u128(a.target).to_string());
        }
        let key = self.create_key(&CreateKey {
            description: format!(
                "Default key that protects secrets when no other key is defined \
                 ({DEFAULT_SECRETS_KEY_ALIAS})"
            ),
            ..Default::default()
        })?;
        let target = crate::keystore::key_ref::parse_key_id(&key.key_id)
            .ok_or_else(|| Error::Corrupt("a new key's id is not a UUID".into()))?;
        let now = self.clock.now();
        let rec = AliasRecord {
            target,
            creation_date: now,
            last_updated_date: now,
        };
        let sealed = self
            .sealer
            .seal(&Slot::alias(DEFAULT_SECRETS_KEY_ALIAS), &rec.encode())?;
        let _g = self.lock();
        let event = PendingEvent {
            key: Some(target),
            ..PendingEvent::new(now, Operation::CreateAlias)
        };
        self.write(
            &[Bucket::alias(DEFAULT_SECRETS_KEY_ALIAS)],
            &[event],
            |tx| {
                tx.open_table(ALIASES)?
                    .insert(DEFAULT_SECRETS_KEY_ALIAS, sealed.as_slice())?;
                Ok(())
            },
        )?;
        self.aliases
            .write()
            .insert(DEFAULT_SECRETS_KEY_ALIAS.to_owned(), rec);
        Ok(key.key_id)
    }

    /// Encrypts `value` as version `version_id` of the secret `rec`: a fresh data key from the
    /// KMS key (`GenerateDataKey`, audited, with the context `SecretARN`, `SecretVersionId`),
    /// the value sealed under it. Returns the KMS key's id with the record. A KMS key that
    /// cannot encrypt (disabled, pending deletion, ...) is `EncryptionFailure` saying why.
    pub(crate) fn seal_secret_value(
        &self,
        rec: &SecretRecord,
        version_id: &str,
        value: &SecretValue,
    ) -> Result<(u128, SecretVersionRecord)> {
        let key_ref = match rec.kms_key {
            Some(k) => uuid::Uuid::from_u128(k).to_string(),
            None => self.default_secrets_key()?,
        };
        let ctx = self.secret_context(rec, Some(version_id));
        let dk = self
            .generate_data_key(&key_ref, None, None, Some(&ctx))
            .map_err(|e| match e {
                Error::Disabled(m)
                | Error::InvalidState(m)
                | Error::InvalidKeyUsage(m)
                | Error::UnsupportedOperation(m) => Error::EncryptionFailure(format!(
                    "the secret's KMS key cannot encrypt its new value: {m}"
                )),
                e => e,
            })?;
        let kms_key = self.lookup(&dk.key_id)?;
        let nonce: [u8; NONCE_LEN] = random::array()?;
        let key = XaesKey::new(
            dk.plaintext
                .as_bytes()
                .try_into()
                .map_err(|_| Error::Corrupt("a data key is not 32 bytes".into()))?,
        );
        let bytes = value.as_bytes();
        let mut buf = Zeroizing::new(Vec::with_capacity(bytes.len() + 16));
        buf.extend_from_slice(bytes);
        let aad = value_aad(&self.secret_arn(rec), version_id, value.is_binary());
        let tag = key.seal(&nonce, &aad, &mut buf);
        let mut ciphertext = buf.to_vec();
        ciphertext.extend_from_slice(tag.as_ref());
        Ok((
            kms_key,
            SecretVersionRecord {
                binary: value.is_binary(),
                wrapped_key: dk.ciphertext_blob,
                nonce,
                ciphertext,
            },
        ))
    }

    /// The value of version `version_id` of secret `id` (`rec`): its data key decrypted by the
    /// KMS key (`Decrypt`, audited, with the context `SecretARN`, `SecretVersionId`), its value
    /// opened. A KMS key that cannot decrypt (disabled, pending deletion, destroyed) is
    /// `DecryptionFailure` saying why. `now`: the time of a call that already ran the due work.
    pub(crate) fn open_secret_value(
        &self,
        id: u128,
        rec: &SecretRecord,
        version_id: &str,
        now: Option<Timestamp>,
    ) -> Result<SecretValue> {
        let v = self.load_version(id, rec, version_id)?;
        let mut data_key = Zeroizing::new([0u8; 32]);
        if v.record.wrapped_key.len() != data_key.len() + crate::BLOB_OVERHEAD {
            return Err(Error::Corrupt("a secret's data key is not 32 bytes".into()));
        }
        self.decrypt_into_at(
            &v.record.wrapped_key,
            Some(&v.context),
            None,
            &mut data_key[..],
            now,
        )
        .map_err(|e| match e {
            Error::Disabled(m)
            | Error::InvalidState(m)
            | Error::NotFound(m)
            | Error::InvalidCiphertext(m)
            | Error::InvalidKeyUsage(m) => Error::DecryptionFailure(format!(
                "the secret's KMS key cannot decrypt its value: {m}"
            )),
            e => e,
        })?;
        let tampered = || {
            Error::Corrupt(format!(
                "the value of version {version_id} of secret {} does not authenticate: the \
                 keystore file was tampered with; restore it from a backup",
                rec.name
            ))
        };
        // Opened in place in the buffer handed out (zeroized on drop, word by word).
        let sealed = &v.record.ciphertext;
        let at = sealed.len().checked_sub(TAG_LEN).ok_or_else(tampered)?;
        let (ciphertext, tag) = sealed.split_at(at);
        let tag: &[u8; TAG_LEN] = tag.try_into().expect("16");
        let mut out = SecretBytes::init_with(at, |b| b.copy_from_slice(ciphertext));
        if !v.open_value(&data_key, out.as_mut_bytes(), tag) {
            return Err(tampered());
        }
        if v.record.binary {
            Ok(SecretValue::Binary(out))
        } else if std::str::from_utf8(out.as_bytes()).is_ok() {
            Ok(SecretValue::String(out))
        } else {
            Err(tampered())
        }
    }
}

/// Uniform draws below a bound from the OS generator, 64 bytes fetched at a time.
struct Draw {
    buf: Zeroizing<[u8; 64]>,
    at: usize,
}

impl Default for Draw {
    fn default() -> Self {
        Draw {
            buf: Zeroizing::new([0; 64]),
            at: 0,
        }
    }
}

impl Draw {
    fn u32(&mut self) -> Result<u32> {
        if self.at == 0 || self.at >= self.buf.len() {
            random::fill(&mut self.buf[..])?;
            self.at = 0;
        }
        let v = u32::from_le_bytes(self.buf[self.at..self.at + 4].try_into().expect("4"));
        self.at += 4;
        Ok(v)
    }

    /// A uniform draw in `0..n` (`n` ≥ 1): values past the largest multiple of `n` are drawn
    /// again.
    fn below(&mut self, n: usize) -> Result<usize> {
        let n = n as u64;
        let zone = (1u64 << 32) - (1u64 << 32) % n;
        loop {
            let v = u64::from(self.u32()?);
            if v < zone {
                return Ok((v % n) as usize);
            }
        }
    }
}

/// Six random characters of an ARN's suffix, as AWS's.
fn arn_suffix() -> Result<String> {
    let mut d = Draw::default();
    (0..6)
        .map(|_| Ok(char::from(SUFFIX_CHARS[d.below(SUFFIX_CHARS.len())?])))
        .collect()
}

/// The version id a request gives, or a fresh UUID.
fn version_id(token: Option<&str>) -> String {
    token.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// `InvalidState` while a secret is scheduled for deletion (AWS's `InvalidRequestException`).
pub(crate) fn refuse_deleted(rec: &SecretRecord, op: Operation) -> Result<()> {
    match rec.deletion_date {
        Some(d) => Err(Error::InvalidState(format!(
            "{op} cannot be used on secret {}: it is scheduled for deletion on {d}; restore it \
             with {} first",
            rec.name,
            Operation::RestoreSecret
        ))),
        None => Ok(()),
    }
}

/// The version a read names (its index in `rec.versions`): by id, by staging label, or
/// `AWSCURRENT`.
pub(crate) fn pick_version(
    rec: &SecretRecord,
    version_id: Option<&str>,
    stage: Option<&str>,
) -> Result<usize> {
    let has = |i: &usize, st: &str| rec.versions[*i].stages.iter().any(|x| x == st);
    match (version_id, stage) {
        (Some(id), st) => {
            let i = rec
                .versions
                .iter()
                .position(|v| v.id == id)
                .ok_or_else(|| {
                    Error::NotFound(format!("secret {} has no version {id}", rec.name))
                })?;
            if let Some(st) = st
                && !has(&i, st)
            {
                return Err(Error::Validation(format!(
                    "version {id} of secret {} does not have staging label {st}; VersionId and \
                     VersionStage must name the same version",
                    rec.name
                )));
            }
            Ok(i)
        }
        (None, st) => {
            let st = st.unwrap_or(AWSCURRENT);
            (0..rec.versions.len()).find(|i| has(i, st)).ok_or_else(|| {
                Error::NotFound(format!(
                    "secret {} has no version with staging label {st}",
                    rec.name
                ))
            })
        }
    }
}

/// Attaches `label` to version `to` only.
fn move_label(rec: &mut SecretRecord, label: &str, to: &str) {
    for v in &mut rec.versions {
        if v.id == to {
            if !v.stages.iter().any(|s| s == label) {
                v.stages.push(label.to_owned());
            }
        } else {
            v.stages.retain(|s| s != label);
        }
    }
}

/// Removes the oldest versions without a staging label beyond [`MAX_DEPRECATED_VERSIONS`];
/// returns their ids.
fn prune_deprecated(rec: &mut SecretRecord) -> Vec<String> {
    let deprecated = rec.versions.iter().filter(|v| v.stages.is_empty()).count();
    let mut excess = deprecated.saturating_sub(MAX_DEPRECATED_VERSIONS);
    let mut removed = Vec::new();
    rec.versions.retain(|v| {
        if excess > 0 && v.stages.is_empty() {
            excess -= 1;
            removed.push(v.id.clone());
            false
        } else {
            true
        }
    });
    removed
}

/// Whether `rec` matches filter `f`: any value is a case-insensitive prefix of the field (or,
/// starting `!`, is not).
fn filter_matches(f: &crate::model::secret::SecretFilter, rec: &SecretRecord) -> bool {
    let fields: Vec<&str> = match f.key {
        SecretFilterKey::Name => vec![&rec.name],
        SecretFilterKey::Description => rec.description.iter().map(String::as_str).collect(),
        SecretFilterKey::TagKey => rec.tags.iter().map(|t| t.key.as_str()).collect(),
        SecretFilterKey::TagValue => rec.tags.iter().map(|t| t.value.as_str()).collect(),
        SecretFilterKey::All => std::iter::once(rec.name.as_str())
            .chain(rec.description.as_deref())
            .chain(
                rec.tags
                    .iter()
                    .flat_map(|t| [t.key.as_str(), t.value.as_str()]),
            )
            .collect(),
    };
    let prefix = |field: &str, p: &str| {
        field.len() >= p.len()
            && field.is_char_boundary(p.len())
            && field[..p.len()].eq_ignore_ascii_case(p)
    };
    f.values.iter().any(|v| match v.strip_prefix('!') {
        Some(p) => !fields.iter().any(|x| prefix(x, p)),
        None => fields.iter().any(|x| prefix(x, v)),
    })
}

/// The prefix of a strongroom page token.
const TOKEN_PREFIX: &str = "strongroom-page-";

/// Where the page a `NextToken` names starts.
fn page_start(token: Option<&str>) -> Result<usize> {
    match token {
        None => Ok(0),
        Some(t) => t
            .strip_prefix(TOKEN_PREFIX)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                Error::Validation(format!(
                    "NextToken {t:?} is not a token a previous page returned"
                ))
            }),
    }
}

/// The page of `items` from `start`, at most `size` long, and the next page's token.
fn paginate<T>(items: Vec<T>, start: usize, size: usize) -> (Vec<T>, Option<String>) {
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(size).collect();
    let end = start + page.len();
    let next = (end < total).then(|| format!("{TOKEN_PREFIX}{end}"));
    (page, next)
}
