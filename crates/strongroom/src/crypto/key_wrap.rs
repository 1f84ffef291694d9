//! Unwrapping imported key material (SPEC section 7, docs/FORMAT.md section 10) with AWS-LC's
//! constant-time RSA-OAEP and AES key wrap with padding, generating the RSA wrapping key, and the
//! keyed commitment that ties a key to its material for life.

use crate::crypto::secret::Key256;
use crate::crypto::subkey::HmacKey;
use crate::model::import::{WrappingAlgorithm, WrappingKeySpec};
use crate::model::key::MaterialCommitment;
use crate::model::operation::Operation;
use crate::rules::bounds::KEY_MATERIAL_LEN;
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

/// 32 bytes of material, copied into their final home, or `None` for any other length.
fn material(bytes: &[u8]) -> Option<Key256> {
    (bytes.len() == KEY_MATERIAL_LEN).then(|| Key256::init_with(|k| k.copy_from_slice(bytes)))
}

fn oaep(algorithm: WrappingAlgorithm) -> &'static OaepAlgorithm {
    match algorithm {
        WrappingAlgorithm::RsaesOaepSha1 => &OAEP_SHA1_MGF1SHA1,
        WrappingAlgorithm::RsaesOaepSha256 | WrappingAlgorithm::RsaAesKeyWrapSha256 => {
            &OAEP_SHA256_MGF1SHA256
        }
    }
}

/// Unwraps the material under the wrapping key. Every failure (a ciphertext of the wrong length,
/// bad padding, a wrong AES key-wrap check, material that is not 32 bytes) is the same
/// `InvalidCiphertext`, so the answer tells nothing about where decryption failed.
pub(crate) fn unwrap_material(
    alg: WrappingAlgorithm,
    spec: WrappingKeySpec,
    private_key_der: &[u8],
    encrypted: &[u8],
) -> Result<Key256> {
    let failed = || {
        Error::InvalidCiphertext(format!(
            "the encrypted key material does not unwrap to {KEY_MATERIAL_LEN} bytes of key material \
             under this import token's wrapping key with {alg}; wrap exactly {KEY_MATERIAL_LEN} \
             bytes with {alg} and the public key returned with this token. The token is now used \
             up: call {} again",
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
    match alg {
        WrappingAlgorithm::RsaesOaepSha256 | WrappingAlgorithm::RsaesOaepSha1 => {
            if encrypted.len() != k {
                return Err(failed());
            }
            let plain = key
                .decrypt(oaep(alg), encrypted, &mut buf, None)
                .map_err(|_| failed())?;
            material(plain).ok_or_else(failed)
        }
        WrappingAlgorithm::RsaAesKeyWrapSha256 => {
            if encrypted.len() <= k {
                return Err(failed());
            }
            let (wrapped_aes_key, wrapped_material) = encrypted.split_at(k);
            let aes_key = key
                .decrypt(oaep(alg), wrapped_aes_key, &mut buf, None)
                .map_err(|_| failed())?;
            if aes_key.len() != 32 {
                return Err(failed());
            }
            // The KEK copies the key into a box it zeroizes on drop; `buf` is zeroized too.
            let kek = AesKek::new(&AES_256, aes_key).map_err(|_| failed())?;
            let mut out = Zeroizing::new(vec![0u8; wrapped_material.len()]);
            let plain = kek
                .unwrap_with_padding(wrapped_material, &mut out)
                .map_err(|_| failed())?;
            material(plain).ok_or_else(failed)
        }
    }
}

/// The commitment to `material` as key `key_id`'s: HMAC-SHA-256 under the commitment sub-key
/// `mac` of `key id || material`.
pub(crate) fn commit_material(
    mac: &HmacKey,
    key_id: u128,
    material: &Key256,
) -> MaterialCommitment {
    MaterialCommitment::from_bytes(mac.sign(&[&commitment_input(key_id, material)]))
}

/// Whether `material` is the material `commitment` was made to, for key `key_id`.
pub(crate) fn is_committed_material(
    mac: &HmacKey,
    key_id: u128,
    material: &Key256,
    commitment: &MaterialCommitment,
) -> bool {
    mac.verify(&commitment_input(key_id, material), commitment.bytes())
}

fn commitment_input(key_id: u128, material: &Key256) -> Zeroizing<Vec<u8>> {
    let mut input = Zeroizing::new(Vec::with_capacity(16 + KEY_MATERIAL_LEN));
    input.extend_from_slice(&key_id.to_be_bytes());
    input.extend_from_slice(material.bytes());
    input
}
