//! Keys as the cache holds them: the record and every backing-key version, unsealed.

use crate::audit::log::Usage;
use crate::crypto::asymmetric::AsymmetricKey;
use crate::crypto::hmac::HmacKey;
use crate::crypto::xaes::XaesKey;
use crate::format::records::{Material, VersionRecord};
use crate::model::clock::Timestamp;
use crate::model::key::{KeyRecord, KeySpec, KeyUsage, RotationType};
use crate::model::key_material::KeyMaterialId;
use crate::rules::key_specs::{Family, family};
use crate::rules::state;
use crate::{Error, Result};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A version's material made ready for use, by the key's spec (`rules::key_specs`). The
/// symmetric key stays inline (the encrypt path reads it without another indirection).
#[allow(clippy::large_enum_variant)]
pub(crate) enum VersionKey {
    /// `SYMMETRIC_DEFAULT`: the XAES-256-GCM key.
    Xaes(XaesKey),
    /// RSA, ECC, Ed25519, ML-DSA: the private key loaded for the key's usage.
    Asymmetric(Box<AsymmetricKey>),
    /// `HMAC_*`.
    Hmac(HmacKey),
}

/// One unsealed backing-key version: the key made from its material.
pub(crate) struct BackingKeyVersion {
    pub number: u32,
    /// Process-unique id, naming this version's nonce sessions.
    pub uid: u64,
    pub created: Timestamp,
    pub rotation_type: RotationType,
    /// This version's `KeyMaterialId`, computed once when it is unsealed (for every kind of
    /// key; only symmetric keys report it).
    pub material_id: KeyMaterialId,
    pub key: VersionKey,
    #[cfg(feature = "insecure-test-hooks")]
    pub material: Material,
}

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

impl BackingKeyVersion {
    /// Version `number` of a key of `spec` and `usage` from its record, with its material id.
    /// `Corrupt` if the material is not of the spec's kind.
    pub fn new(
        number: u32,
        rec: VersionRecord,
        spec: KeySpec,
        usage: KeyUsage,
        material_id: KeyMaterialId,
    ) -> Result<Self> {
        let key = match (family(spec), &rec.material) {
            (Family::Symmetric, Material::Symmetric(k)) => {
                VersionKey::Xaes(XaesKey::new(k.bytes()))
            }
            (Family::Hmac(alg), Material::Bytes(b)) => VersionKey::Hmac(HmacKey::new(alg, b)),
            (Family::Symmetric | Family::Hmac(_), _) | (_, Material::Symmetric(_)) => {
                return Err(Error::Corrupt(format!(
                    "version {number} of a {spec} key holds material of another kind; restore the \
                     keystore from a backup"
                )));
            }
            (_, Material::Bytes(der)) => {
                VersionKey::Asymmetric(Box::new(AsymmetricKey::load(spec, usage, der)?))
            }
        };
        Ok(BackingKeyVersion {
            number,
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            created: rec.created,
            rotation_type: rec.rotation_type,
            material_id,
            key,
            #[cfg(feature = "insecure-test-hooks")]
            material: rec.material,
        })
    }

    /// The XAES-256-GCM key of a symmetric version (`None` for other kinds; callers checked the
    /// key's spec first through `rules::key_specs`).
    #[inline]
    pub fn xaes(&self) -> Option<&XaesKey> {
        match &self.key {
            VersionKey::Xaes(k) => Some(k),
            _ => None,
        }
    }
}

/// An unsealed key: its record and every version of its material. A clone shares the versions
/// and the usage counters.
#[derive(Clone)]
pub(crate) struct UnsealedKey {
    pub id: u128,
    pub rec: KeyRecord,
    /// `rules::state::deadline(&rec)`, computed once: the crypto path compares the time of the
    /// call against it.
    pub deadline: Timestamp,
    /// `versions[n - 1]` is version `n`.
    pub versions: Vec<Arc<BackingKeyVersion>>,
    /// Calls counted for the audit trail's `Summary` level (kept across changes of the key).
    pub usage: Arc<Usage>,
    /// The key's ARN (`Keystore::key_arn`), formatted once: most responses name it.
    pub arn: String,
}

impl UnsealedKey {
    pub fn new(
        id: u128,
        arn: String,
        rec: KeyRecord,
        versions: Vec<Arc<BackingKeyVersion>>,
    ) -> Self {
        UnsealedKey {
            id,
            arn,
            deadline: state::deadline(&rec),
            rec,
            versions,
            usage: Arc::default(),
        }
    }

    pub fn version(&self, n: u32) -> Option<&Arc<BackingKeyVersion>> {
        n.checked_sub(1).and_then(|i| self.versions.get(i as usize))
    }
}
