//! Unwrapping imported key material (SPEC section 7, docs/FORMAT.md section 10) with AWS-LC's
//! constant-time RSA-OAEP and AES key wrap with padding, generating the RSA wrapping key, and the
//! keyed commitment that ties a key to its material for life.

use crate::crypto::subkey::HmacKey;
use crate::model::import::{WrappingAlgorithm, WrappingKeySpec};
use crate::model::key::MaterialCommitment;
use crate::model::operation::Operation;
use crate::{Error, Result};
use aws_lc_rs::key_wrap::{AES_256, AesKek, KeyWrapPadded};
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    PrivateDecryptingKey,
};
use zeroize::Zeroizing;

/// A fresh RSA wrapping key pair of size `spec`.
pub(crate) fn generate_wrapping_key(
    spec: WrappingKeySpec,
) -> std::result::Result<PrivateDecryptingKey, aws_lc_rs::error::Unspecified> {
    PrivateDecryptingKey::generate(match spec {
        WrappingKeySpec::Rsa2048 => KeySize::Rsa2048,
        WrappingKeySpec::Rsa3072 => KeySize::Rsa3072,
        WrappingKeySpec::Rsa4096 => KeySize::Rsa4096,
    })
}

fn oaep(algorithm: WrappingAlgorithm) -> &'static OaepAlgorithm {
    match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 | WrappingAlgorithm::RsaAesKeyWrapSha1 => {
            &OAEP_SHA1_MGF1SHA1
        }
        WrappingAlgorithm::RsaesOaepSha256 | WrappingAlgorithm::RsaAesKeyWrapSha256 => {
            &OAEP_SHA256_MGF1SHA256
        }
    }
}

/// The length of an AES-256 key (the ephemeral key of `RSA_AES_KEY_WRAP_*`).
const AES_KEY_LEN: usize = 32;

/// Unwraps the material under the wrapping key, whatever its length (what it must be for the key's
/// spec is checked after, by the caller). Every failure (a ciphertext of the wrong length, bad
/// padding, an ephemeral key that is not 32 bytes, a wrong AES key-wrap check) is the same
/// `InvalidCiphertext`, so the answer tells nothing about where decryption failed.
pub(crate) fn unwrap_material(
    alg: WrappingAlgorithm,
    spec: WrappingKeySpec,
    private_key_der: &[u8],
    encrypted: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let failed = || {
        Error::InvalidCiphertext(format!(
            "the encrypted key material does not decrypt under this import token's wrapping key \
             with {alg}; wrap the material with {alg} and the public key returned with this \
             token. The token is now used up: call {} again",
            Operation::GetParametersForImport
        ))
    };
    let corrupt = || {
        Error::Corrupt(format!(
            "a stored import wrapping key is malformed; call {} again",
            Operation::GetParametersForImport
        ))
    };
    let private = PrivateDecryptingKey::from_pkcs8(private_key_der).map_err(|_| corrupt())?;
    let k = private.key_size_bytes();
    if k != spec.modulus_len() {
        return Err(corrupt());
    }
    let key = OaepPrivateDecryptingKey::new(private).map_err(|_| corrupt())?;
    let mut buf = Zeroizing::new(vec![0u8; k]);
    if !alg.wraps_with_aes() {
        if encrypted.len() != k {
            return Err(failed());
        }
        let plain = key
            .decrypt(oaep(alg), encrypted, &mut buf, None)
            .map_err(|_| failed())?;
        return Ok(Zeroizing::new(plain.to_vec()));
    }
    // An AES key-wrapped block is at least 16 bytes (RFC 5649).
    if encrypted.len() < k + 16 {
        return Err(failed());
    }
    let (wrapped_aes_key, wrapped_material) = encrypted.split_at(k);
    let aes_key = key
        .decrypt(oaep(alg), wrapped_aes_key, &mut buf, None)
        .map_err(|_| failed())?;
    if aes_key.len() != AES_KEY_LEN {
        return Err(failed());
    }
    // The KEK copies the key into a box it zeroizes on drop; `buf` is zeroized too.
    let kek = AesKek::new(&AES_256, aes_key).map_err(|_| failed())?;
    let mut out = Zeroizing::new(vec![0u8; wrapped_material.len()]);
    let n = kek
        .unwrap_with_padding(wrapped_material, &mut out)
        .map_err(|_| failed())?
        .len();
    out.truncate(n);
    Ok(out)
}

/// The commitment to `material` as key `key_id`'s: HMAC-SHA-256 under the commitment sub-key
/// `mac` of `key id || material` (the key id has a fixed length, so the input is unambiguous for
/// material of any length: 32 bytes, an HMAC key, or a private key's canonical PKCS#8).
pub(crate) fn commit_material(mac: &HmacKey, key_id: u128, material: &[u8]) -> MaterialCommitment {
    MaterialCommitment::from_bytes(mac.sign(&[&commitment_input(key_id, material)]))
}

/// Whether `material` is the material `commitment` was made to, for key `key_id`.
pub(crate) fn is_committed_material(
    mac: &HmacKey,
    key_id: u128,
    material: &[u8],
    commitment: &MaterialCommitment,
) -> bool {
    mac.verify(&commitment_input(key_id, material), commitment.bytes())
}

fn commitment_input(key_id: u128, material: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut input = Zeroizing::new(Vec::with_capacity(16 + material.len()));
    input.extend_from_slice(&key_id.to_be_bytes());
    input.extend_from_slice(material);
    input
}
