//! What the cryptographic operations return (SPEC section 4).

use crate::model::algorithms::EncryptionAlgorithm;
use crate::model::key_material::KeyMaterialId;
use crate::model::secret_bytes::SecretBytes;

/// What `decrypt` returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct Decrypted {
    /// The plaintext, zeroized on drop.
    pub plaintext: SecretBytes,
    /// ARN of the key that decrypted it.
    pub key_id: String,
    /// The backing-key version that decrypted it (for RSA-OAEP, the RSA key's only version: AWS
    /// reports `KeyMaterialId` for symmetric keys only, so the server leaves it out there).
    pub key_material_id: KeyMaterialId,
}

/// What `re_encrypt` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReEncrypted {
    /// The new blob, under the destination key.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the key that decrypted the source blob.
    pub source_key_id: String,
    /// ARN of the destination key.
    pub key_id: String,
    /// The source key's backing-key version that decrypted the source blob (for RSA-OAEP, the RSA
    /// key's only version: AWS reports `SourceKeyMaterialId` for symmetric keys only).
    pub source_key_material_id: KeyMaterialId,
    /// The destination key's backing-key version that made the new blob (for RSA-OAEP, the RSA
    /// key's only version: AWS reports `DestinationKeyMaterialId` for symmetric keys only).
    pub destination_key_material_id: KeyMaterialId,
    /// The algorithm that decrypted the source ciphertext.
    pub source_encryption_algorithm: EncryptionAlgorithm,
    /// The algorithm that made the new ciphertext.
    pub destination_encryption_algorithm: EncryptionAlgorithm,
}

/// What `generate_data_key` returns.
#[derive(Debug)]
#[non_exhaustive]
pub struct DataKey {
    /// The data key, zeroized on drop. Use it, then drop it; keep only the blob.
    pub plaintext: SecretBytes,
    /// The data key encrypted under the KMS key.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the KMS key.
    pub key_id: String,
    /// The KMS key's backing-key version that encrypted the data key.
    pub key_material_id: KeyMaterialId,
}

/// What `generate_data_key_without_plaintext` returns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DataKeyWithoutPlaintext {
    /// The data key encrypted under the KMS key.
    pub ciphertext_blob: Vec<u8>,
    /// ARN of the KMS key.
    pub key_id: String,
    /// The KMS key's backing-key version that encrypted the data key.
    pub key_material_id: KeyMaterialId,
}
