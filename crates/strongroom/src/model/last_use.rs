//! When and by which cryptographic operation a key was last used (AWS KMS `GetKeyLastUsage`).

use crate::model::clock::Timestamp;
use crate::model::operation::Operation;

/// The last successful cryptographic use of a key (AWS KMS `KeyLastUsageData`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LastUse {
    /// The operation: `Encrypt`, `Decrypt`, `ReEncrypt` (for its source and its destination
    /// key), `GenerateDataKey`, `GenerateDataKeyWithoutPlaintext`, `Sign`, `Verify`,
    /// `GenerateMac`, `VerifyMac`, `DeriveSharedSecret`, `GenerateDataKeyPair` or
    /// `GenerateDataKeyPairWithoutPlaintext` (AWS KMS's cryptographic operations; not
    /// `GetPublicKey`).
    pub operation: Operation,
    /// When (to the millisecond).
    pub timestamp: Timestamp,
}

/// What [`crate::Keystore::get_key_last_usage`] answers (AWS KMS `GetKeyLastUsageResponse`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyLastUsage {
    /// The key's id.
    pub key_id: String,
    /// The last successful cryptographic use since `tracking_start_date`; `None` if none.
    pub key_last_usage: Option<LastUse>,
    /// Since when uses of this key are tracked: the later of the key's creation and the moment
    /// this keystore began tracking (the first audited session of a version that tracks).
    /// `None` if the keystore has never tracked (every session so far had audit level `OFF`).
    pub tracking_start_date: Option<Timestamp>,
    /// When the key was created.
    pub key_creation_date: Timestamp,
}
