//! Keys (SPEC section 3): create, describe, list, enable, disable; naming a key by reference.

use crate::audit::subject::Subject;
use crate::crypto::asymmetric;
use crate::crypto::secret::Key256;
use crate::format::audit_batch::PendingEvent;
use crate::format::records::{Material, VersionRecord};
use crate::keystore::commit::KeyChange;
use crate::keystore::handle::Keystore;
use crate::keystore::unsealed::UnsealedKey;
use crate::model::key::{
    CreateKey, KeyManager, KeyMetadata, KeyRecord, KeySpec, KeyState, Origin, RotationType,
};
use crate::model::key_material::KeyMaterialId;
use crate::model::operation::Operation;
use crate::model::page::{Page, PageRequest};
use crate::rules::bounds::{check_description, check_key_quota};
use crate::rules::key_specs::{self, Family};
use crate::rules::paging::{self, LIST_KEYS_LIMIT};
use crate::rules::state::{self, Action};
use crate::rules::tags::{apply_tags, check_tags};
use crate::storage::integrity::Bucket;
use crate::storage::tables::{KEY_POLICIES, KEYS};
use crate::{Error, Result};
use redb::{ReadableTable, ReadableTableMetadata};
use zeroize::Zeroizing;

impl Keystore {
    /// Creates a key and its first backing-key version (AWS KMS `CreateKey`).
    pub fn create_key(&self, req: &CreateKey) -> Result<KeyMetadata> {
        self.logged(Operation::CreateKey, None, None, |s| {
            self.create_key_logged(req, s)
        })
    }

    fn create_key_logged(&self, req: &CreateKey, s: &mut Subject) -> Result<KeyMetadata> {
        let (rec, first) = self.new_key_record(req)?;
        let id = uuid::Uuid::new_v4().as_u128();
        let policy = self.new_key_policy(
            id,
            req.policy.as_deref(),
            req.bypass_policy_lockout_safety_check,
        )?;
        self.insert_key(id, rec, first.into_iter().collect(), policy, s)
    }

    /// The record of a key `req` asks for, with its first version (`None` for `EXTERNAL`).
    pub(crate) fn new_key_record(
        &self,
        req: &CreateKey,
    ) -> Result<(KeyRecord, Option<VersionRecord>)> {
        check_description(&req.description)?;
        let key_spec = req.key_spec.unwrap_or(KeySpec::SymmetricDefault);
        let origin = req.origin.unwrap_or(Origin::AwsKms);
        let key_usage = key_specs::check_create(key_spec, req.key_usage, origin)?;
        check_tags(&req.tags)?;
        let mut tags = Default::default();
        apply_tags(&mut tags, &req.tags)?;
        let now = self.clock.now();
        let internal = origin == Origin::AwsKms;
        let rec = KeyRecord {
            description: req.description.clone(),
            key_spec,
            key_usage,
            origin,
            key_state: state::initial_state(origin),
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
            tags,
            material_description: None,
        };
        // Generated before the change lock (`insert_key` takes it): an RSA-4096 key takes about
        // a second.
        let first = if internal {
            Some(VersionRecord {
                created: now,
                rotation_type: RotationType::Initial,
                material: new_material(key_spec)?,
            })
        } else {
            None
        };
        Ok((rec, first))
    }

    /// Writes a new key `id` (which must not exist) with its versions and its sealed policy
    /// record (`None`: the default policy), under the key quota, with a `CreateKey` event.
    pub(crate) fn insert_key(
        &self,
        id: u128,
        rec: KeyRecord,
        versions: Vec<VersionRecord>,
        policy: Option<Vec<u8>>,
        s: &mut Subject,
    ) -> Result<KeyMetadata> {
        let now = rec.creation_date;
        let g = self.lock();
        s.key = Some(id);
        let change = KeyChange {
            old: None,
            id,
            rec,
            added: versions,
            remove_versions: false,
            event: PendingEvent {
                key: Some(id),
                ..PendingEvent::new(now, Operation::CreateKey)
            },
        };
        let fresh = |tx: &redb::WriteTransaction| {
            let keys = tx.open_table(KEYS)?;
            if keys.get(id)?.is_some() {
                return Err(Error::AlreadyExists(format!(
                    "key {} already exists",
                    uuid::Uuid::from_u128(id)
                )));
            }
            check_key_quota(keys.len()?, self.max_keys)?;
            if let Some(p) = &policy {
                tx.open_table(KEY_POLICIES)?.insert(id, p.as_slice())?;
            }
            Ok(())
        };
        let k = self.commit_key_change(change, false, &[], fresh, &g)?;
        s.logged = true;
        Ok(self.metadata(&k))
    }

    /// A key's metadata, in any state (AWS KMS `DescribeKey`).
    pub fn describe_key(&self, key_id: &str) -> Result<KeyMetadata> {
        self.logged(Operation::DescribeKey, Some(key_id), None, |s| {
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            Ok(self.metadata(&*self.key(id)?))
        })
    }

    /// Every key's metadata, ordered by key id (AWS KMS `ListKeys`, with metadata).
    pub fn list_keys(&self) -> Result<Vec<KeyMetadata>> {
        self.logged(Operation::ListKeys, None, None, |_| {
            self.list_keys_unlogged()
        })
    }

    /// One page of [`Keystore::list_keys`] (AWS KMS `ListKeys`: `limit` 1 to 1000, default 100).
    pub fn list_keys_page(&self, page: &PageRequest) -> Result<Page<KeyMetadata>> {
        self.logged(Operation::ListKeys, None, None, |_| {
            paging::check(page, LIST_KEYS_LIMIT)?;
            let keys = self.list_keys_unlogged()?;
            paging::page(keys, |k| k.key_id.clone(), page, LIST_KEYS_LIMIT)
        })
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
        self.logged(Operation::EnableKey, Some(key_id), None, |s| {
            self.set_enabled(key_id, true, s)
        })
    }

    /// Disables a key (AWS KMS `DisableKey`): it refuses every cryptographic use until enabled.
    pub fn disable_key(&self, key_id: &str) -> Result<()> {
        self.logged(Operation::DisableKey, Some(key_id), None, |s| {
            self.set_enabled(key_id, false, s)
        })
    }

    /// Replaces a key's description (AWS KMS `UpdateKeyDescription`): 0 to
    /// [`crate::MAX_DESCRIPTION_CHARS`] characters, as `create_key`'s. Allowed in every state but
    /// `PendingDeletion` (`InvalidState`), as in AWS KMS's key-states table.
    pub fn update_key_description(&self, key_id: &str, description: &str) -> Result<()> {
        self.logged(Operation::UpdateKeyDescription, Some(key_id), None, |s| {
            check_description(description)?;
            let id = self.resolve(key_id)?;
            s.key = Some(id);
            self.update_key(id, Operation::UpdateKeyDescription, s, |rec| {
                state::check(Action::EditMetadata, id, rec, self.clock.now())?;
                rec.description = description.to_owned();
                Ok(Vec::new())
            })
            .map(drop)
        })
    }

    fn set_enabled(&self, key_id: &str, enable: bool, s: &mut Subject) -> Result<()> {
        let id = self.resolve(key_id)?;
        s.key = Some(id);
        let (op, action) = if enable {
            (Operation::EnableKey, Action::Enable)
        } else {
            (Operation::DisableKey, Action::Disable)
        };
        self.update_key(id, op, s, |rec| {
            state::check(action, id, rec, self.clock.now())?;
            if enable && rec.key_state == KeyState::Disabled {
                // Rotation skipped while disabled happens at once on re-enabling.
                let now = self.clock.now();
                rec.next_rotation_date = rec.next_rotation_date.map(|d| d.max(now));
            }
            rec.key_state = state::next_state(action, rec);
            Ok(Vec::new())
        })?;
        self.maintain_if_due().map(drop)
    }

    /// The metadata of key `k` as every surface returns it.
    fn metadata(&self, k: &UnsealedKey) -> KeyMetadata {
        let r = &k.rec;
        KeyMetadata {
            aws_account_id: self.aws_account_id.clone(),
            key_id: uuid::Uuid::from_u128(k.id).to_string(),
            arn: k.arn.clone(),
            description: r.description.clone(),
            key_spec: r.key_spec,
            key_usage: r.key_usage,
            origin: r.origin,
            key_state: r.key_state,
            enabled: r.key_state == KeyState::Enabled,
            creation_date: r.creation_date,
            deletion_date: r.deletion_date,
            pending_deletion_window_in_days: r.pending_window_days,
            valid_to: r.valid_to,
            expiration_model: r.expiration_model,
            customer_master_key_spec: key_specs::customer_master_key_spec(r.key_spec),
            encryption_algorithms: key_specs::encryption_algorithms(r.key_spec, r.key_usage)
                .to_vec(),
            signing_algorithms: key_specs::signing_algorithms(r.key_spec, r.key_usage).to_vec(),
            mac_algorithms: key_specs::mac_algorithms(r.key_spec, r.key_usage).to_vec(),
            key_agreement_algorithms: key_specs::key_agreement_algorithms(r.key_spec, r.key_usage)
                .to_vec(),
            key_manager: KeyManager::Customer,
            multi_region: false,
            current_key_material_id: self.current_material_id(k),
        }
    }

    /// The id of the material `k` encrypts under; for an `EXTERNAL` key whose material was
    /// deleted, of the material it is tied to (version 1); `None` before its first import, and
    /// for asymmetric and HMAC keys (AWS shows `CurrentKeyMaterialId` for symmetric keys only).
    pub(crate) fn current_material_id(&self, k: &UnsealedKey) -> Option<KeyMaterialId> {
        if key_specs::family(k.rec.key_spec) != Family::Symmetric {
            return None;
        }
        match k.version(k.rec.current_version) {
            Some(v) => Some(v.material_id),
            None => k
                .rec
                .material_commitment
                .is_some()
                .then(|| self.material_id(k.id, 1)),
        }
    }

    /// The ARN of the key that `key_ref` (key id, key ARN, alias name or alias ARN) names: a
    /// lookup of the name only. It neither reads the key nor checks that it exists, and is not
    /// an operation on a key, so it is not audited; a surface uses it to report the ARN of the
    /// key an operation it just made acted on, as AWS KMS's responses do.
    ///
    /// ```
    /// # use strongroom::{CreateKey, Keystore, Options};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let key = ks.create_key(&CreateKey::default())?;
    /// ks.create_alias("alias/app", &key.key_id)?;
    /// assert_eq!(ks.key_arn_of("alias/app")?, key.arn);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_arn_of(&self, key_ref: &str) -> Result<String> {
        self.same_process(true)?;
        Ok(self.key_arn(self.lookup(key_ref)?))
    }

    /// The key id of the key that `key_ref` (key id, key ARN, alias name or alias ARN) names: a
    /// lookup of the name only, like [`Keystore::key_arn_of`] (not audited, the key is not read).
    ///
    /// ```
    /// # use strongroom::{CreateKey, Keystore, Options};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let key = ks.create_key(&CreateKey::default())?;
    /// ks.create_alias("alias/app", &key.key_id)?;
    /// assert_eq!(ks.key_id_of("alias/app")?, key.key_id);
    /// assert_eq!(ks.key_id_of(&key.arn)?, key.key_id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_id_of(&self, key_ref: &str) -> Result<String> {
        self.same_process(true)?;
        Ok(uuid::Uuid::from_u128(self.lookup(key_ref)?).to_string())
    }
}

/// Fresh material for a new key of `spec`: 32 random bytes for a symmetric key, a key of the
/// spec's size for HMAC, a PKCS#8 private key otherwise.
fn new_material(spec: KeySpec) -> Result<Material> {
    Ok(match key_specs::family(spec) {
        Family::Symmetric => Material::Symmetric(Key256::random()?),
        Family::Hmac(alg) => Material::Bytes(random_bytes(key_specs::hmac_key_len(alg))?),
        _ => Material::Bytes(asymmetric::generate(spec)?),
    })
}

fn random_bytes(n: usize) -> Result<Zeroizing<Vec<u8>>> {
    let mut b = Zeroizing::new(vec![0u8; n]);
    crate::crypto::random::fill(&mut b)?;
    Ok(b)
}
