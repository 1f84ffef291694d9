//! The key model: specs, usages, origins, states, the metadata every surface returns, and the
//! record the keystore keeps about each key (its bytes: `format::records`).

use crate::model::algorithms::{
    EncryptionAlgorithm, KeyAgreementAlgorithm, MacAlgorithm, SigningAlgorithm,
};
use crate::model::clock::Timestamp;
use crate::model::import::ExpirationModel;
use crate::model::key_material::KeyMaterialId;
use crate::model::names::names;
use crate::model::tag::Tag;
use std::collections::BTreeMap;
use std::fmt;

names! {
    /// What kind of key material a key holds (SPEC sections 3 and 11). The codes are stored in
    /// the key record; `rules::key_specs` is the table of what each spec allows.
    KeySpec {
        /// AES-256-GCM (XAES-256-GCM blobs).
        SymmetricDefault = 1, "SYMMETRIC_DEFAULT";
        /// HMAC with SHA-256, a 256-bit key.
        Hmac256 = 2, "HMAC_256";
        /// HMAC with SHA-384, a 384-bit key.
        Hmac384 = 3, "HMAC_384";
        /// HMAC with SHA-512, a 512-bit key.
        Hmac512 = 4, "HMAC_512";
        /// NIST P-256 (secp256r1): ECDSA or ECDH.
        EccNistP256 = 5, "ECC_NIST_P256";
        /// NIST P-384 (secp384r1): ECDSA or ECDH.
        EccNistP384 = 6, "ECC_NIST_P384";
        /// Ed25519 (EdDSA on edwards25519).
        EccNistEdwards25519 = 7, "ECC_NIST_EDWARDS25519";
        /// HMAC with SHA-224, a 224-bit key.
        Hmac224 = 8, "HMAC_224";
        /// NIST P-521 (secp521r1): ECDSA or ECDH.
        EccNistP521 = 9, "ECC_NIST_P521";
        /// secp256k1: ECDSA.
        EccSecgP256k1 = 10, "ECC_SECG_P256K1";
        /// RSA with a 2048-bit modulus.
        Rsa2048 = 11, "RSA_2048";
        /// RSA with a 3072-bit modulus.
        Rsa3072 = 12, "RSA_3072";
        /// RSA with a 4096-bit modulus.
        Rsa4096 = 13, "RSA_4096";
        /// ML-DSA-44 (FIPS 204).
        MlDsa44 = 14, "ML_DSA_44";
        /// ML-DSA-65 (FIPS 204).
        MlDsa65 = 15, "ML_DSA_65";
        /// ML-DSA-87 (FIPS 204).
        MlDsa87 = 16, "ML_DSA_87";
    }
}

names! {
    /// What a key may be used for.
    KeyUsage {
        /// Encrypt, decrypt, re-encrypt, data keys.
        EncryptDecrypt = 1, "ENCRYPT_DECRYPT";
        /// MAC generation and verification.
        GenerateVerifyMac = 2, "GENERATE_VERIFY_MAC";
        /// Signing and verification.
        SignVerify = 3, "SIGN_VERIFY";
        /// Deriving shared secrets (ECDH).
        KeyAgreement = 4, "KEY_AGREEMENT";
    }
}

names! {
    /// Where a key's material came from.
    Origin {
        /// Generated inside the keystore (AWS's word; `STRONGROOM`, the earlier name, is
        /// accepted on input as the same).
        AwsKms = 1, "AWS_KMS" | "STRONGROOM";
        /// Imported by the caller (BYOK).
        External = 2, "EXTERNAL";
    }
}

names! {
    /// Who manages a key (AWS KMS `KeyManager`): every strongroom key is the customer's.
    KeyManager {
        /// Created and managed by the keystore's owner.
        Customer, "CUSTOMER";
    }
}

names! {
    /// A key's lifecycle state (SPEC section 3).
    KeyState {
        /// Usable for cryptographic operations.
        Enabled = 1, "Enabled";
        /// Refuses cryptographic operations until enabled.
        Disabled = 2, "Disabled";
        /// Waiting out its deletion window; refuses use.
        PendingDeletion = 3, "PendingDeletion";
        /// An `EXTERNAL` key without material yet.
        PendingImport = 4, "PendingImport";
    }
}

names! {
    /// Why a backing-key version exists.
    RotationType {
        /// The key's first material.
        Initial = 0, "INITIAL";
        /// Added by automatic rotation.
        Automatic = 1, "AUTOMATIC";
        /// Added by `rotate_key_on_demand`.
        OnDemand = 2, "ON_DEMAND";
    }
}

names! {
    /// Data key sizes for `generate_data_key`.
    DataKeySpec {
        /// 32 bytes.
        Aes256 = 1, "AES_256";
        /// 16 bytes.
        Aes128 = 2, "AES_128";
    }
}

impl DataKeySpec {
    /// Length of the key in bytes.
    pub fn key_len(self) -> usize {
        match self {
            DataKeySpec::Aes256 => 32,
            DataKeySpec::Aes128 => 16,
        }
    }
}

/// A key's metadata, as `describe_key` returns it (AWS KMS's `KeyMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyMetadata {
    /// The 12-digit account of the keystore's AWS-form ARNs ([`crate::Options::aws_account_id`]).
    pub aws_account_id: String,
    /// Lowercase hyphenated UUID.
    pub key_id: String,
    /// `arn:strongroom:kms:local:<keystore id>:key/<key_id>`.
    pub arn: String,
    /// Free text, 0 to 8192 characters.
    pub description: String,
    /// Kind of material.
    pub key_spec: KeySpec,
    /// Permitted operations.
    pub key_usage: KeyUsage,
    /// Where the material came from.
    pub origin: Origin,
    /// Lifecycle state.
    pub key_state: KeyState,
    /// True exactly when `key_state` is `Enabled`.
    pub enabled: bool,
    /// When the key was created.
    pub creation_date: Timestamp,
    /// When the key will be destroyed, while `PendingDeletion`.
    pub deletion_date: Option<Timestamp>,
    /// The deletion window, while `PendingDeletion`. AWS's `KeyMetadata` has this member only
    /// for multi-Region keys (`PendingReplicaDeletion`), so the server and the CLI leave it out.
    pub pending_deletion_window_in_days: Option<u32>,
    /// When imported material expires, if it does.
    pub valid_to: Option<Timestamp>,
    /// Whether imported material expires: `Some` only for `EXTERNAL` keys with material, the
    /// only keys AWS shows it for.
    pub expiration_model: Option<ExpirationModel>,
    /// Always `CUSTOMER`.
    pub key_manager: KeyManager,
    /// The deprecated `CustomerMasterKeySpec`: the key spec, where that enumeration has it
    /// (`None` for Ed25519 and ML-DSA keys).
    pub customer_master_key_spec: Option<KeySpec>,
    /// The encryption algorithms the key allows (empty unless its usage is `ENCRYPT_DECRYPT`).
    pub encryption_algorithms: Vec<EncryptionAlgorithm>,
    /// The signing algorithms the key allows (empty unless its usage is `SIGN_VERIFY`).
    pub signing_algorithms: Vec<SigningAlgorithm>,
    /// The MAC algorithms the key allows (empty unless its usage is `GENERATE_VERIFY_MAC`).
    pub mac_algorithms: Vec<MacAlgorithm>,
    /// The key agreement algorithms the key allows (empty unless its usage is `KEY_AGREEMENT`).
    pub key_agreement_algorithms: Vec<KeyAgreementAlgorithm>,
    /// Always false: strongroom keys are single-Region.
    pub multi_region: bool,
    /// The id of the material new blobs are made under; for an `EXTERNAL` key whose material
    /// was deleted or expired, of the material it waits for; `None` before the first import and
    /// for asymmetric and HMAC keys (AWS shows it for symmetric keys only).
    pub current_key_material_id: Option<KeyMaterialId>,
}

/// Everything the keystore keeps about a key besides its material (the sealed key record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyRecord {
    pub description: String,
    pub key_spec: KeySpec,
    pub key_usage: KeyUsage,
    pub origin: Origin,
    pub key_state: KeyState,
    pub creation_date: Timestamp,
    /// Newest backing-key version (0: none yet, for a key pending import).
    pub current_version: u32,
    pub deletion_date: Option<Timestamp>,
    pub pending_window_days: Option<u32>,
    pub rotation_period_days: Option<u32>,
    pub next_rotation_date: Option<Timestamp>,
    pub on_demand_rotations: u32,
    pub valid_to: Option<Timestamp>,
    /// Whether the imported material expires, while the key has imported material.
    pub expiration_model: Option<ExpirationModel>,
    /// Keyed commitment to the material first imported into an `EXTERNAL` key, kept for life.
    pub material_commitment: Option<MaterialCommitment>,
    /// The description of an `EXTERNAL` key's material (AWS KMS `KeyMaterialDescription`), from
    /// the last import that gave one; kept through deletion and re-import of that material.
    pub material_description: Option<String>,
    /// The key's tags, by tag key (`rules::tags`).
    pub tags: BTreeMap<String, String>,
}

/// A keyed commitment to a key's imported material: HMAC-SHA-256 under the commitment sub-key of
/// `key id || material` (docs/FORMAT.md section 10). Lives only inside the sealed key record.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct MaterialCommitment([u8; 32]);

impl MaterialCommitment {
    pub fn from_bytes(b: [u8; 32]) -> Self {
        MaterialCommitment(b)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for MaterialCommitment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MaterialCommitment(redacted)")
    }
}

/// Arguments of [`crate::Keystore::create_key`] (AWS KMS `CreateKey`).
#[derive(Clone, Debug, Default)]
pub struct CreateKey {
    /// Free text, 0 to 8192 characters.
    pub description: String,
    /// Default `SYMMETRIC_DEFAULT`; every spec of SPEC sections 3 and 11.
    pub key_spec: Option<KeySpec>,
    /// Default: `ENCRYPT_DECRYPT` where the spec allows it, else the spec's only usage (ECC NIST
    /// keys, which allow two, need it given).
    pub key_usage: Option<KeyUsage>,
    /// Default `AWS_KMS`; `EXTERNAL` makes a key that waits in `PendingImport` for material.
    pub origin: Option<Origin>,
    /// Tags the key is created with (AWS KMS `Tags`; the bounds of `tag_resource`).
    pub tags: Vec<Tag>,
    /// The key policy (AWS's JSON policy document, docs/policies.md); default AWS's default key
    /// policy, which gives the account root full access.
    pub policy: Option<String>,
    /// Skips the check that the policy lets some principal change it later.
    pub bypass_policy_lockout_safety_check: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(
            "ENCRYPT_DECRYPT".parse::<KeyUsage>().unwrap(),
            KeyUsage::EncryptDecrypt
        );
        assert!("encrypt_decrypt".parse::<KeyUsage>().is_err());
        assert_eq!(KeyState::PendingImport.as_str(), "PendingImport");
    }
}
