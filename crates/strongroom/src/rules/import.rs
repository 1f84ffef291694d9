//! SPEC section 7's rules of importing key material by key spec, once (AWS KMS's "Requirements
//! for imported key material" and "Select a wrapping algorithm"; docs/import.md has the table):
//! which wrapping algorithm and wrapping key spec can carry each spec's material, and how long raw
//! (symmetric and HMAC) material may be. Which specs take imported material at all is
//! `key_specs::check_importable` (the `CreateKey` rule); whether asymmetric material is a valid
//! private key of the spec is decided by parsing it (`crypto::asymmetric::import_private_key`).
//!
//! | key spec | material | wrapping algorithms | wrapping key specs |
//! |---|---|---|---|
//! | `SYMMETRIC_DEFAULT` | 32 bytes | all four | all three |
//! | `HMAC_224/256/384/512` | 28/32/48/64 to 128 bytes | all four | all three |
//! | `RSA_2048/3072/4096` | PKCS#8 DER private key | `RSA_AES_KEY_WRAP_SHA_256/_1` | all three |
//! | `ECC_NIST_P256/P384`, `ECC_SECG_P256K1` | PKCS#8 DER private key | all four | all three |
//! | `ECC_NIST_P521` | PKCS#8 DER private key | all four | all three, except `RSA_2048` with `RSAES_OAEP_*` |
//! | `ECC_NIST_EDWARDS25519`, `ML_DSA_*` | not importable (`key_specs::check_importable`) | | |

use crate::model::import::{WrappingAlgorithm, WrappingKeySpec};
use crate::model::key::KeySpec;
use crate::rules::bounds::KEY_MATERIAL_LEN;
use crate::rules::key_specs::{Curve, Family, family, hmac_key_len};
use crate::{Error, Result};

/// Longest HMAC key material an import takes, in bytes (AWS KMS: 1024 bits for every HMAC spec;
/// longer keys are hashed with the spec's hash first, as RFC 2104 does, and the hash imported).
pub const MAX_HMAC_IMPORT_LEN: usize = 128;

/// Checks that material of a key of `spec` can be wrapped with `algorithm` under an RSA wrapping
/// key of `wrapping` (`GetParametersForImport`, `UnsupportedOperation` otherwise): an RSA private
/// key is longer than RSA-OAEP can carry, so it needs an `RSA_AES_KEY_WRAP_*` algorithm; an
/// `ECC_NIST_P521` private key (about 240 bytes of PKCS#8) is longer than RSA-OAEP carries under
/// an `RSA_2048` key (at most 214 bytes with SHA-1, 190 with SHA-256).
pub(crate) fn check_wrapping(
    spec: KeySpec,
    algorithm: WrappingAlgorithm,
    wrapping: WrappingKeySpec,
) -> Result<()> {
    if algorithm.wraps_with_aes() {
        return Ok(());
    }
    match family(spec) {
        Family::Rsa(_) => Err(Error::UnsupportedOperation(format!(
            "{algorithm} cannot wrap a {spec} private key (RSA-OAEP carries at most a few hundred \
             bytes); use RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1"
        ))),
        Family::Ecc(Curve::P521) if wrapping == WrappingKeySpec::Rsa2048 => {
            Err(Error::UnsupportedOperation(format!(
                "{algorithm} under an {wrapping} wrapping key cannot carry an {spec} private key; \
                 use an RSA_3072 or RSA_4096 wrapping key, or RSA_AES_KEY_WRAP_SHA_256"
            )))
        }
        _ => Ok(()),
    }
}

/// The lengths raw material of a key of `spec` may have: exactly 32 bytes for
/// `SYMMETRIC_DEFAULT`, the spec's size to [`MAX_HMAC_IMPORT_LEN`] for HMAC, `None` for
/// asymmetric specs (a PKCS#8 private key).
pub(crate) fn raw_material_len(spec: KeySpec) -> Option<std::ops::RangeInclusive<usize>> {
    match family(spec) {
        Family::Symmetric => Some(KEY_MATERIAL_LEN..=KEY_MATERIAL_LEN),
        Family::Hmac(alg) => Some(hmac_key_len(alg)..=MAX_HMAC_IMPORT_LEN),
        _ => None,
    }
}

/// What material of a key of `spec` must be, for the message of `IncorrectKeyMaterial`.
pub(crate) fn material_wanted(spec: KeySpec) -> String {
    match raw_material_len(spec) {
        Some(r) if r.start() == r.end() => format!("exactly {} bytes", r.start()),
        Some(r) => format!("{} to {} bytes", r.start(), r.end()),
        None => match family(spec) {
            Family::Rsa(bits) => format!(
                "an RSA private key with a {bits}-bit modulus and two primes, as PKCS#8 DER"
            ),
            _ => format!("a {spec} private key on its named curve, as PKCS#8 DER"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeySpec::*;
    use WrappingAlgorithm as W;
    use WrappingKeySpec as WK;

    const ALGS: [W; 4] = [
        W::RsaesOaepSha256,
        W::RsaesOaepSha1,
        W::RsaAesKeyWrapSha256,
        W::RsaAesKeyWrapSha1,
    ];
    const WRAPPING: [WK; 3] = [WK::Rsa2048, WK::Rsa3072, WK::Rsa4096];

    #[test]
    fn wrapping_table() {
        for alg in ALGS {
            for w in WRAPPING {
                for spec in [SymmetricDefault, Hmac512, EccNistP256, EccSecgP256k1] {
                    assert_eq!(check_wrapping(spec, alg, w), Ok(()), "{spec} {alg} {w}");
                }
                for spec in [Rsa2048, Rsa3072, Rsa4096] {
                    let r = check_wrapping(spec, alg, w);
                    if alg.wraps_with_aes() {
                        assert_eq!(r, Ok(()), "{spec} {alg} {w}");
                    } else {
                        assert!(matches!(r, Err(Error::UnsupportedOperation(_))));
                    }
                }
                let r = check_wrapping(EccNistP521, alg, w);
                if w == WK::Rsa2048 && !alg.wraps_with_aes() {
                    assert!(matches!(r, Err(Error::UnsupportedOperation(_))), "{alg}");
                } else {
                    assert_eq!(r, Ok(()), "{alg} {w}");
                }
            }
        }
    }

    #[test]
    fn raw_material_lengths() {
        assert_eq!(raw_material_len(SymmetricDefault), Some(32..=32));
        assert_eq!(raw_material_len(Hmac224), Some(28..=128));
        assert_eq!(raw_material_len(Hmac256), Some(32..=128));
        assert_eq!(raw_material_len(Hmac384), Some(48..=128));
        assert_eq!(raw_material_len(Hmac512), Some(64..=128));
        assert_eq!(raw_material_len(Rsa2048), None);
        assert_eq!(raw_material_len(EccNistP256), None);
        assert_eq!(material_wanted(SymmetricDefault), "exactly 32 bytes");
        assert_eq!(material_wanted(Hmac384), "48 to 128 bytes");
        assert!(material_wanted(Rsa3072).contains("3072-bit"));
    }
}
