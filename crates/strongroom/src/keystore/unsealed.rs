//! Keys as the cache holds them: the record and every backing-key version, unsealed.

use crate::audit::log::Usage;
use crate::crypto::xaes::XaesKey;
use crate::format::records::VersionRecord;
use crate::model::clock::Timestamp;
use crate::model::key::{KeyRecord, RotationType};
use crate::model::key_material::KeyMaterialId;
use crate::rules::state;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "insecure-test-hooks")]
use crate::crypto::secret::Key256;

/// One unsealed backing-key version: the XAES-256-GCM key made from its material.
pub(crate) struct BackingKeyVersion {
    pub number: u32,
    /// Process-unique id, naming this version's nonce sessions.
    pub uid: u64,
    pub created: Timestamp,
    pub rotation_type: RotationType,
    /// This version's `KeyMaterialId`, computed once when it is unsealed.
    pub material_id: KeyMaterialId,
    pub key: XaesKey,
    #[cfg(feature = "insecure-test-hooks")]
    pub material: Key256,
}

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

impl BackingKeyVersion {
    pub fn new(number: u32, rec: VersionRecord, material_id: KeyMaterialId) -> Self {
        BackingKeyVersion {
            number,
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            created: rec.created,
            rotation_type: rec.rotation_type,
            material_id,
            key: XaesKey::new(rec.material.bytes()),
            #[cfg(feature = "insecure-test-hooks")]
            material: rec.material,
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
}

impl UnsealedKey {
    pub fn new(id: u128, rec: KeyRecord, versions: Vec<Arc<BackingKeyVersion>>) -> Self {
        UnsealedKey {
            id,
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
