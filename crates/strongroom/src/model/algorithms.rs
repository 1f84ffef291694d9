//! The algorithm names of asymmetric and HMAC keys (SPEC section 11), with AWS KMS's spellings:
//! which of them a key allows is `rules::key_specs`' table.

use crate::model::names::names;

names! {
    /// An encryption algorithm (AWS KMS `EncryptionAlgorithmSpec`).
    EncryptionAlgorithm {
        /// XAES-256-GCM blobs under a symmetric key.
        SymmetricDefault, "SYMMETRIC_DEFAULT";
        /// RSA-OAEP with SHA-1 and MGF1-SHA-1.
        RsaesOaepSha1, "RSAES_OAEP_SHA_1";
        /// RSA-OAEP with SHA-256 and MGF1-SHA-256.
        RsaesOaepSha256, "RSAES_OAEP_SHA_256";
    }
}

/// The two algorithms of [`crate::Keystore::re_encrypt_with_algorithms`] (AWS KMS `ReEncrypt`'s
/// `SourceEncryptionAlgorithm` and `DestinationEncryptionAlgorithm`); both `SYMMETRIC_DEFAULT` by
/// default. Which keys allow which is `rules::key_specs`' table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReEncryptAlgorithms {
    /// The algorithm the source ciphertext was made with: `SYMMETRIC_DEFAULT` for a blob, an
    /// `RSAES_OAEP_*` for raw OAEP ciphertext (which then needs `source_key_id`).
    pub source: EncryptionAlgorithm,
    /// The algorithm to encrypt under the destination key with.
    pub destination: EncryptionAlgorithm,
}

impl Default for ReEncryptAlgorithms {
    fn default() -> Self {
        Self {
            source: EncryptionAlgorithm::SymmetricDefault,
            destination: EncryptionAlgorithm::SymmetricDefault,
        }
    }
}

names! {
    /// A signing algorithm (AWS KMS `SigningAlgorithmSpec`).
    SigningAlgorithm {
        /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
        RsassaPssSha256, "RSASSA_PSS_SHA_256";
        /// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
        RsassaPssSha384, "RSASSA_PSS_SHA_384";
        /// RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt.
        RsassaPssSha512, "RSASSA_PSS_SHA_512";
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        RsassaPkcs1V15Sha256, "RSASSA_PKCS1_V1_5_SHA_256";
        /// RSASSA-PKCS1-v1_5 with SHA-384.
        RsassaPkcs1V15Sha384, "RSASSA_PKCS1_V1_5_SHA_384";
        /// RSASSA-PKCS1-v1_5 with SHA-512.
        RsassaPkcs1V15Sha512, "RSASSA_PKCS1_V1_5_SHA_512";
        /// ECDSA with SHA-256 (P-256, secp256k1).
        EcdsaSha256, "ECDSA_SHA_256";
        /// ECDSA with SHA-384 (P-384).
        EcdsaSha384, "ECDSA_SHA_384";
        /// ECDSA with SHA-512 (P-521).
        EcdsaSha512, "ECDSA_SHA_512";
        /// PureEdDSA (Ed25519) over a RAW message.
        Ed25519Sha512, "ED25519_SHA_512";
        /// HashEdDSA (Ed25519ph) over a SHA-512 DIGEST. Refused: no vetted implementation is
        /// available to strongroom (`UnsupportedOperation`).
        Ed25519PhSha512, "ED25519_PH_SHA_512";
        /// ML-DSA (FIPS 204), pure mode with an empty context, over a RAW message.
        MlDsaShake256, "ML_DSA_SHAKE_256";
    }
}

names! {
    /// A MAC algorithm (AWS KMS `MacAlgorithmSpec`).
    MacAlgorithm {
        /// HMAC-SHA-224.
        HmacSha224, "HMAC_SHA_224";
        /// HMAC-SHA-256.
        HmacSha256, "HMAC_SHA_256";
        /// HMAC-SHA-384.
        HmacSha384, "HMAC_SHA_384";
        /// HMAC-SHA-512.
        HmacSha512, "HMAC_SHA_512";
    }
}

names! {
    /// A key agreement algorithm (AWS KMS `KeyAgreementAlgorithmSpec`).
    KeyAgreementAlgorithm {
        /// Elliptic-curve Diffie-Hellman.
        Ecdh, "ECDH";
    }
}

names! {
    /// What `Sign`'s and `Verify`'s message is (AWS KMS `MessageType`).
    MessageType {
        /// The message itself, up to 4096 bytes; the algorithm hashes it.
        Raw, "RAW";
        /// The message's digest, exactly the algorithm's hash length.
        Digest, "DIGEST";
        /// ML-DSA's external mu. Refused: the crypto library does not expose it
        /// (`UnsupportedOperation`).
        ExternalMu, "EXTERNAL_MU";
    }
}

names! {
    /// A data key pair's spec (AWS KMS `DataKeyPairSpec`).
    DataKeyPairSpec {
        /// RSA, 2048-bit modulus.
        Rsa2048, "RSA_2048";
        /// RSA, 3072-bit modulus.
        Rsa3072, "RSA_3072";
        /// RSA, 4096-bit modulus.
        Rsa4096, "RSA_4096";
        /// NIST P-256.
        EccNistP256, "ECC_NIST_P256";
        /// NIST P-384.
        EccNistP384, "ECC_NIST_P384";
        /// NIST P-521.
        EccNistP521, "ECC_NIST_P521";
        /// secp256k1.
        EccSecgP256k1, "ECC_SECG_P256K1";
    }
}

impl MacAlgorithm {
    /// The MAC's length in bytes.
    pub const fn mac_len(self) -> usize {
        match self {
            MacAlgorithm::HmacSha224 => 28,
            MacAlgorithm::HmacSha256 => 32,
            MacAlgorithm::HmacSha384 => 48,
            MacAlgorithm::HmacSha512 => 64,
        }
    }
}
