//! Deterministic seeding (`strongroom seed`, `strongroom serve --seed`): keys created with fixed
//! key ids and given material, so test fixtures and CI reproduce the same keys everywhere.

use crate::audit::subject::Subject;
use crate::crypto::secret::Key256;
use crate::format::records::{Material, VersionRecord};
use crate::keystore::handle::Keystore;
use crate::keystore::key_ref::parse_key_id;
use crate::model::key::{CreateKey, KeyMetadata, KeyState, RotationType};
use crate::model::operation::Operation;
use crate::rules::bounds::{KEY_MATERIAL_LEN, MAX_SEED_VERSIONS, rotation_period};
use crate::{Error, Result};
use std::fmt;

/// A symmetric key to create with a fixed key id and, optionally, given material
/// ([`Keystore::seed_key`]). Keys with known material are for tests and fixtures: whoever has
/// the seed file can decrypt everything encrypted under them.
#[derive(Clone, Copy, Default)]
pub struct SeedKey<'a> {
    /// The key id to give the key: a lowercase hyphenated UUID.
    pub key_id: &'a str,
    /// Free text, 0 to 8192 characters.
    pub description: &'a str,
    /// Backing-key versions, oldest first, 32 bytes each; the last one encrypts. Empty: one
    /// fresh random version.
    pub material: &'a [&'a [u8]],
    /// Created `Disabled` instead of `Enabled`.
    pub disabled: bool,
    /// `Some`: automatic rotation on, with this period in days (90 to 2560).
    pub rotation_period_days: Option<u32>,
}

impl fmt::Debug for SeedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeedKey")
            .field("key_id", &self.key_id)
            .field("description", &self.description)
            .field("versions", &self.material.len())
            .field("disabled", &self.disabled)
            .field("rotation_period_days", &self.rotation_period_days)
            .finish()
    }
}

impl Keystore {
    /// Creates the key `seed` describes unless a key with its id exists: then it returns `None`
    /// and changes nothing (seeding is idempotent). A created key is logged as `CreateKey`,
    /// with origin `AWS_KMS`; its versions after the first are listed as automatic rotations.
    ///
    /// ```
    /// # use strongroom::{Keystore, Options, SeedKey};
    /// # let dir = tempfile::tempdir()?;
    /// # let ks = Keystore::create(dir.path().join("ks"), b"pw", &Options::insecure_fast_for_tests())?;
    /// let material = [[7u8; 32]];
    /// let seed = SeedKey {
    ///     key_id: "bc436485-5092-42b8-92a3-0aa8b93536dc",
    ///     material: &[&material[0]],
    ///     ..SeedKey::default()
    /// };
    /// assert!(ks.seed_key(&seed)?.is_some());
    /// assert!(ks.seed_key(&seed)?.is_none()); // already there: untouched
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seed_key(&self, seed: &SeedKey<'_>) -> Result<Option<KeyMetadata>> {
        let id = parse_key_id(seed.key_id).ok_or_else(|| {
            Error::Validation(format!(
                "seed key id {:?} must be a lowercase hyphenated UUID",
                seed.key_id
            ))
        })?;
        self.same_process(true)?;
        match self.key(id) {
            Ok(_) => return Ok(None),
            Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        self.logged(Operation::CreateKey, None, None, |s| {
            self.seed_key_logged(id, seed, s).map(Some)
        })
    }

    fn seed_key_logged(
        &self,
        id: u128,
        seed: &SeedKey<'_>,
        s: &mut Subject,
    ) -> Result<KeyMetadata> {
        if seed.material.len() > MAX_SEED_VERSIONS {
            return Err(Error::Validation(format!(
                "a seeded key takes at most {MAX_SEED_VERSIONS} versions of material, not {}",
                seed.material.len()
            )));
        }
        let req = CreateKey {
            description: seed.description.to_owned(),
            ..CreateKey::default()
        };
        let (mut rec, first) = self.new_key_record(&req)?;
        let now = rec.creation_date;
        let mut versions = Vec::with_capacity(seed.material.len().max(1));
        for (i, m) in seed.material.iter().enumerate() {
            if m.len() != KEY_MATERIAL_LEN {
                return Err(Error::Validation(format!(
                    "seed material {} of key {} is {} bytes; each version is {KEY_MATERIAL_LEN} \
                     bytes (64 hex digits)",
                    i + 1,
                    seed.key_id,
                    m.len()
                )));
            }
            versions.push(VersionRecord {
                created: now,
                rotation_type: if i == 0 {
                    RotationType::Initial
                } else {
                    RotationType::Automatic
                },
                material: Material::Symmetric(Key256::init_with(|k| k.copy_from_slice(m))),
            });
        }
        if versions.is_empty() {
            versions.extend(first);
        }
        rec.current_version = versions.len() as u32;
        if seed.disabled {
            rec.key_state = KeyState::Disabled;
        }
        if let Some(days) = seed.rotation_period_days {
            let period = rotation_period(Some(days))?;
            rec.rotation_period_days = Some(period);
            rec.next_rotation_date = Some(now.plus_days(period));
        }
        self.insert_key(id, rec, versions, None, s)
    }
}
