//! What the operations on asymmetric and HMAC keys return (SPEC section 11), with AWS KMS's
//! member names.

use crate::model::algorithms::{
    DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm, MacAlgorithm, SigningAlgorithm,
};
use crate::model::key::{KeySpec, KeyUsage, Origin};
use crate::model::key_material::KeyMaterialId;
use crate::model::secret_bytes::SecretBytes;

/// What `get_public_key` returns (AWS KMS `GetPublicKey`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PublicKey {
    /// ARN of the key.
    pub key_id: String,
    /// The public key, DER SubjectPublicKeyInfo (RFC 5280).
    pub public_key: Vec<u8>,
    /// The deprecated `CustomerMasterKeySpec` (`None` for Ed25519 and ML-DSA keys).
    pub customer_master_key_spec: Option<KeySpec>,
    /// The key's spec.
    pub key_spec: KeySpec,
    /// The key's usage.
    pub key_usage: KeyUsage,
    /// Encryption algorithms the key allows (RSA `ENCRYPT_DECRYPT` keys).
    pub encryption_algorithms: Vec<EncryptionAlgorithm>,
    /// Signing algorithms the key allows (`SIGN_VERIFY` keys).
    pub signing_algorithms: Vec<SigningAlgorithm>,
    /// Key agreement algorithms the key allows (`KEY_AGREEMENT` keys).
    pub key_agreement_algorithms: Vec<KeyAgreementAlgorithm>,
}

/// What `sign` returns (AWS KMS `Sign`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signed {
    /// ARN of the key.
    pub key_id: String,
    /// The signature: DER for ECDSA, raw for RSA, Ed25519 and ML-DSA.
    pub signature: Vec<u8>,
    /// The algorithm used.
    pub signing_algorithm: SigningAlgorithm,
}

/// What a successful `verify` returns (AWS KMS `Verify`; an invalid signature is the error
/// `KMSInvalidSignature`, never `signature_valid == false`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// ARN of the key.
    pub key_id: String,
    /// Always true.
    pub signature_valid: bool,
    /// The algorithm used.
    pub signing_algorithm: SigningAlgorithm,
}

/// What `generate_mac` returns (AWS KMS `GenerateMac`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mac {
    /// ARN of the key.
    pub key_id: String,
    /// The MAC.
    pub mac: Vec<u8>,
    /// The algorithm used.
    pub mac_algorithm: MacAlgorithm,
}

/// What a successful `verify_mac` returns (AWS KMS `VerifyMac`; an invalid MAC is the error
/// `KMSInvalidMac`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MacVerified {
    /// ARN of the key.
    pub key_id: String,
    /// Always true.
    pub mac_valid: bool,
    /// The algorithm used.
    pub mac_algorithm: MacAlgorithm,
}

/// What `encrypt_with_algorithm` returns (AWS KMS `Encrypt`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Encrypted {
    /// The ciphertext: a strongroom blob (`SYMMETRIC_DEFAULT`) or raw RSA-OAEP ciphertext.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the key.
    pub key_id: String,
    /// The algorithm used.
    pub encryption_algorithm: EncryptionAlgorithm,
}

/// What `derive_shared_secret` returns (AWS KMS `DeriveSharedSecret`).
#[derive(Debug)]
#[non_exhaustive]
pub struct SharedSecret {
    /// ARN of the key.
    pub key_id: String,
    /// The raw ECDH shared secret (the x coordinate of the shared point), zeroized on drop.
    pub shared_secret: SecretBytes,
    /// Always `ECDH`.
    pub key_agreement_algorithm: KeyAgreementAlgorithm,
    /// The key's origin.
    pub key_origin: Origin,
}

/// What `generate_data_key_pair` returns (AWS KMS `GenerateDataKeyPair`).
#[derive(Debug)]
#[non_exhaustive]
pub struct DataKeyPair {
    /// The PKCS#8 DER private key encrypted under the KMS key: an ordinary blob `decrypt` opens.
    pub private_key_ciphertext_blob: Vec<u8>,
    /// The PKCS#8 DER private key, zeroized on drop.
    pub private_key_plaintext: SecretBytes,
    /// The public key, DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
    /// ARN of the KMS key.
    pub key_id: String,
    /// The pair's spec.
    pub key_pair_spec: DataKeyPairSpec,
    /// The id of the KMS key's material that encrypted the private key (AWS KMS
    /// `KeyMaterialId`).
    pub key_material_id: KeyMaterialId,
}

/// What `generate_data_key_pair_without_plaintext` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataKeyPairWithoutPlaintext {
    /// The PKCS#8 DER private key encrypted under the KMS key.
    pub private_key_ciphertext_blob: Vec<u8>,
    /// The public key, DER SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
    /// ARN of the KMS key.
    pub key_id: String,
    /// The pair's spec.
    pub key_pair_spec: DataKeyPairSpec,
    /// The id of the KMS key's material that encrypted the private key (AWS KMS
    /// `KeyMaterialId`).
    pub key_material_id: KeyMaterialId,
}
