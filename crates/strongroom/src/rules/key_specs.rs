//! SPEC sections 3 and 11's table of key specs, once: for each `KeySpec`, its family, the usages
//! it allows, and for each usage the algorithms a key of that spec and usage allows. Key creation,
//! every cryptographic operation, `DescribeKey` (`EncryptionAlgorithms`, `SigningAlgorithms`,
//! `MacAlgorithms`, `KeyAgreementAlgorithms`, `CustomerMasterKeySpec`) and `GetPublicKey` read
//! it; no other file decides which spec, usage and algorithm go together.
//!
//! | spec | usages | algorithms |
//! |---|---|---|
//! | `SYMMETRIC_DEFAULT` | `ENCRYPT_DECRYPT` | `SYMMETRIC_DEFAULT` |
//! | `RSA_2048/3072/4096` | `ENCRYPT_DECRYPT` | `RSAES_OAEP_SHA_1`, `RSAES_OAEP_SHA_256` |
//! | | `SIGN_VERIFY` | `RSASSA_PSS_SHA_256/384/512`, `RSASSA_PKCS1_V1_5_SHA_256/384/512` |
//! | `ECC_NIST_P256` | `SIGN_VERIFY`, `KEY_AGREEMENT` | `ECDSA_SHA_256`; `ECDH` |
//! | `ECC_NIST_P384` | `SIGN_VERIFY`, `KEY_AGREEMENT` | `ECDSA_SHA_384`; `ECDH` |
//! | `ECC_NIST_P521` | `SIGN_VERIFY`, `KEY_AGREEMENT` | `ECDSA_SHA_512`; `ECDH` |
//! | `ECC_SECG_P256K1` | `SIGN_VERIFY` | `ECDSA_SHA_256` |
//! | `ECC_NIST_EDWARDS25519` | `SIGN_VERIFY` | `ED25519_SHA_512` (`ED25519_PH_SHA_512`: `UnsupportedOperation`) |
//! | `ML_DSA_44/65/87` | `SIGN_VERIFY` | `ML_DSA_SHAKE_256` |
//! | `HMAC_224/256/384/512` | `GENERATE_VERIFY_MAC` | `HMAC_SHA_224/256/384/512` (the same size) |

use crate::model::algorithms::{
    DataKeyPairSpec, EncryptionAlgorithm, KeyAgreementAlgorithm, MacAlgorithm, MessageType,
    SigningAlgorithm,
};
use crate::model::key::{KeySpec, KeyUsage, Origin};
use crate::rules::bounds::check_len;
use crate::{Error, Result};

/// Largest `Sign`/`Verify` RAW message and `GenerateMac`/`VerifyMac` message, in bytes (AWS KMS).
pub const MAX_MESSAGE: usize = 4096;
/// Largest signature `Verify` and MAC `VerifyMac` accept, in bytes (AWS KMS).
pub const MAX_SIGNATURE: usize = 6144;
/// Largest peer public key `DeriveSharedSecret` accepts, in bytes (AWS KMS).
pub const MAX_PUBLIC_KEY: usize = 8192;

/// A hash function of a signing algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The digest's length in bytes.
    pub const fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

/// An elliptic curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

/// What kind of material a spec holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    Symmetric,
    /// RSA with a modulus of this many bits.
    Rsa(usize),
    Ecc(Curve),
    Ed25519,
    /// ML-DSA at this parameter set (44, 65 or 87).
    MlDsa(u8),
    Hmac(MacAlgorithm),
}

use EncryptionAlgorithm as E;
use SigningAlgorithm as S;

const RSA_SIGNING: &[S] = &[
    S::RsassaPssSha256,
    S::RsassaPssSha384,
    S::RsassaPssSha512,
    S::RsassaPkcs1V15Sha256,
    S::RsassaPkcs1V15Sha384,
    S::RsassaPkcs1V15Sha512,
];

/// The family of `spec`.
pub(crate) const fn family(spec: KeySpec) -> Family {
    match spec {
        KeySpec::SymmetricDefault => Family::Symmetric,
        KeySpec::Rsa2048 => Family::Rsa(2048),
        KeySpec::Rsa3072 => Family::Rsa(3072),
        KeySpec::Rsa4096 => Family::Rsa(4096),
        KeySpec::EccNistP256 => Family::Ecc(Curve::P256),
        KeySpec::EccNistP384 => Family::Ecc(Curve::P384),
        KeySpec::EccNistP521 => Family::Ecc(Curve::P521),
        KeySpec::EccSecgP256k1 => Family::Ecc(Curve::Secp256k1),
        KeySpec::EccNistEdwards25519 => Family::Ed25519,
        KeySpec::MlDsa44 => Family::MlDsa(44),
        KeySpec::MlDsa65 => Family::MlDsa(65),
        KeySpec::MlDsa87 => Family::MlDsa(87),
        KeySpec::Hmac224 => Family::Hmac(MacAlgorithm::HmacSha224),
        KeySpec::Hmac256 => Family::Hmac(MacAlgorithm::HmacSha256),
        KeySpec::Hmac384 => Family::Hmac(MacAlgorithm::HmacSha384),
        KeySpec::Hmac512 => Family::Hmac(MacAlgorithm::HmacSha512),
    }
}

/// The usages a key of `spec` may have.
pub fn usages(spec: KeySpec) -> &'static [KeyUsage] {
    use KeyUsage::*;
    match family(spec) {
        Family::Symmetric => &[EncryptDecrypt],
        Family::Rsa(_) => &[EncryptDecrypt, SignVerify],
        Family::Ecc(Curve::Secp256k1) | Family::Ed25519 | Family::MlDsa(_) => &[SignVerify],
        Family::Ecc(_) => &[SignVerify, KeyAgreement],
        Family::Hmac(_) => &[GenerateVerifyMac],
    }
}

/// The encryption algorithms a key of `spec` and `usage` allows (`DescribeKey`'s
/// `EncryptionAlgorithms`; empty for keys that do not encrypt).
pub fn encryption_algorithms(spec: KeySpec, usage: KeyUsage) -> &'static [EncryptionAlgorithm] {
    match (family(spec), usage) {
        (Family::Symmetric, KeyUsage::EncryptDecrypt) => &[E::SymmetricDefault],
        (Family::Rsa(_), KeyUsage::EncryptDecrypt) => &[E::RsaesOaepSha1, E::RsaesOaepSha256],
        _ => &[],
    }
}

/// The signing algorithms a key of `spec` and `usage` allows (`DescribeKey`'s
/// `SigningAlgorithms`). Ed25519 keys list only `ED25519_SHA_512`: strongroom has no vetted
/// Ed25519ph implementation (`ED25519_PH_SHA_512` is `UnsupportedOperation`).
pub fn signing_algorithms(spec: KeySpec, usage: KeyUsage) -> &'static [SigningAlgorithm] {
    if usage != KeyUsage::SignVerify {
        return &[];
    }
    match family(spec) {
        Family::Rsa(_) => RSA_SIGNING,
        Family::Ecc(Curve::P256 | Curve::Secp256k1) => &[S::EcdsaSha256],
        Family::Ecc(Curve::P384) => &[S::EcdsaSha384],
        Family::Ecc(Curve::P521) => &[S::EcdsaSha512],
        Family::Ed25519 => &[S::Ed25519Sha512],
        Family::MlDsa(_) => &[S::MlDsaShake256],
        Family::Symmetric | Family::Hmac(_) => &[],
    }
}

/// The MAC algorithms a key of `spec` and `usage` allows (`DescribeKey`'s `MacAlgorithms`).
pub fn mac_algorithms(spec: KeySpec, usage: KeyUsage) -> &'static [MacAlgorithm] {
    match (family(spec), usage) {
        (Family::Hmac(MacAlgorithm::HmacSha224), KeyUsage::GenerateVerifyMac) => {
            &[MacAlgorithm::HmacSha224]
        }
        (Family::Hmac(MacAlgorithm::HmacSha256), KeyUsage::GenerateVerifyMac) => {
            &[MacAlgorithm::HmacSha256]
        }
        (Family::Hmac(MacAlgorithm::HmacSha384), KeyUsage::GenerateVerifyMac) => {
            &[MacAlgorithm::HmacSha384]
        }
        (Family::Hmac(MacAlgorithm::HmacSha512), KeyUsage::GenerateVerifyMac) => {
            &[MacAlgorithm::HmacSha512]
        }
        _ => &[],
    }
}

/// The key agreement algorithms a key of `spec` and `usage` allows (`DescribeKey`'s
/// `KeyAgreementAlgorithms`).
pub fn key_agreement_algorithms(
    spec: KeySpec,
    usage: KeyUsage,
) -> &'static [KeyAgreementAlgorithm] {
    match usage {
        KeyUsage::KeyAgreement if usages(spec).contains(&usage) => &[KeyAgreementAlgorithm::Ecdh],
        _ => &[],
    }
}

/// `DescribeKey`'s deprecated `CustomerMasterKeySpec`: the key spec, for the specs that
/// enumeration has (it has no Ed25519 or ML-DSA value, so those keys omit it).
pub fn customer_master_key_spec(spec: KeySpec) -> Option<KeySpec> {
    match family(spec) {
        Family::Ed25519 | Family::MlDsa(_) => None,
        _ => Some(spec),
    }
}

/// Whether keys of `spec` rotate (only symmetric encryption keys do, as in AWS KMS).
pub(crate) fn rotates(spec: KeySpec) -> bool {
    spec == KeySpec::SymmetricDefault
}

/// The length of an HMAC key's material, in bytes (the spec's size).
pub(crate) fn hmac_key_len(alg: MacAlgorithm) -> usize {
    alg.mac_len()
}

/// The key usage of a new key of `spec` (`CreateKey`): the one given, which the spec must allow
/// (`Validation` otherwise); without one, `ENCRYPT_DECRYPT` where the spec allows it, else the
/// spec's only usage; an ECC NIST key, which has two, needs it given. `Origin` `EXTERNAL` is for
/// the specs [`check_importable`] allows.
pub(crate) fn check_create(
    spec: KeySpec,
    usage: Option<KeyUsage>,
    origin: Origin,
) -> Result<KeyUsage> {
    let allowed = usages(spec);
    let names = || {
        allowed
            .iter()
            .map(|u| u.as_str())
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let usage = match usage {
        Some(u) if allowed.contains(&u) => u,
        Some(u) => {
            return Err(Error::Validation(format!(
                "key usage {u} is not valid for key spec {spec}; use {}",
                names()
            )));
        }
        None if allowed.contains(&KeyUsage::EncryptDecrypt) => KeyUsage::EncryptDecrypt,
        None if allowed.len() == 1 => allowed[0],
        None => {
            return Err(Error::Validation(format!(
                "key spec {spec} needs a key usage: give KeyUsage {}",
                names()
            )));
        }
    };
    if origin == Origin::External {
        check_importable(spec)?;
    }
    Ok(usage)
}

/// Checks that keys of `spec` can be created for imported material (`Origin` `EXTERNAL`):
/// every spec but `ECC_NIST_EDWARDS25519` and `ML_DSA_*`, which AWS KMS does not import either
/// (`UnsupportedOperation`).
pub(crate) fn check_importable(spec: KeySpec) -> Result<()> {
    match family(spec) {
        Family::Ed25519 | Family::MlDsa(_) => Err(Error::UnsupportedOperation(format!(
            "importing key material (Origin EXTERNAL) is not supported for {spec} keys, as in AWS \
             KMS; create the {spec} key with Origin AWS_KMS, or import an RSA, ECC, HMAC or \
             SYMMETRIC_DEFAULT key"
        ))),
        _ => Ok(()),
    }
}

/// The hash of signing algorithm `alg`, if it hashes the message itself (`None`: ML-DSA).
pub(crate) const fn signing_hash(alg: SigningAlgorithm) -> Option<Hash> {
    match alg {
        S::RsassaPssSha256 | S::RsassaPkcs1V15Sha256 | S::EcdsaSha256 => Some(Hash::Sha256),
        S::RsassaPssSha384 | S::RsassaPkcs1V15Sha384 | S::EcdsaSha384 => Some(Hash::Sha384),
        S::RsassaPssSha512
        | S::RsassaPkcs1V15Sha512
        | S::EcdsaSha512
        | S::Ed25519Sha512
        | S::Ed25519PhSha512 => Some(Hash::Sha512),
        S::MlDsaShake256 => None,
    }
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_name(id: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(id)
}

/// Checks a `Sign` or `Verify` request on key `id` of `spec` and `usage` (whose usage the state
/// table already matched to `SIGN_VERIFY`): the algorithm is one the key allows
/// (`InvalidKeyUsage`), the message type suits it and the message has the right length
/// (`Validation`).
pub(crate) fn check_signing(
    id: u128,
    spec: KeySpec,
    usage: KeyUsage,
    alg: SigningAlgorithm,
    message_type: MessageType,
    message_len: usize,
) -> Result<()> {
    check_len("message", message_len, MAX_MESSAGE)?;
    if alg == S::Ed25519PhSha512 && family(spec) == Family::Ed25519 {
        return Err(Error::UnsupportedOperation(format!(
            "{alg} (Ed25519ph) is not supported: strongroom's crypto library (AWS-LC) has no \
             vetted Ed25519ph; sign the RAW message with ED25519_SHA_512"
        )));
    }
    let allowed = signing_algorithms(spec, usage);
    if !allowed.contains(&alg) {
        return Err(Error::InvalidKeyUsage(format!(
            "key {} ({spec}, {usage}) does not support signing algorithm {alg}; it supports {}",
            key_name(id),
            if allowed.is_empty() {
                "none".to_owned()
            } else {
                list(allowed)
            }
        )));
    }
    match (message_type, alg) {
        (MessageType::ExternalMu, S::MlDsaShake256) => Err(Error::UnsupportedOperation(
            "MessageType EXTERNAL_MU is not supported: strongroom's crypto library does not \
             expose ML-DSA signing of an external mu; sign the RAW message"
                .into(),
        )),
        (MessageType::ExternalMu, _) => Err(Error::Validation(format!(
            "MessageType EXTERNAL_MU is for ML-DSA keys only; use RAW or DIGEST with {alg}"
        ))),
        (MessageType::Raw, _) => Ok(()),
        (MessageType::Digest, S::Ed25519Sha512 | S::MlDsaShake256) => Err(Error::Validation(
            format!("{alg} signs RAW messages only; give MessageType RAW and the message itself"),
        )),
        (MessageType::Digest, _) => {
            let want = signing_hash(alg).map_or(0, Hash::len);
            if message_len != want {
                return Err(Error::Validation(format!(
                    "a DIGEST message for {alg} must be exactly {want} bytes (the hash's length), \
                     not {message_len}"
                )));
            }
            Ok(())
        }
    }
}

/// Checks a signature's length for `Verify`: 1 to [`MAX_SIGNATURE`] bytes.
pub(crate) fn check_signature_len(n: usize) -> Result<()> {
    check_len("signature", n, MAX_SIGNATURE)
}

/// Checks a `GenerateMac` or `VerifyMac` request on key `id`: a message of 1 to [`MAX_MESSAGE`]
/// bytes (`Validation`), the key's own MAC algorithm (`InvalidKeyUsage`).
pub(crate) fn check_mac(
    id: u128,
    spec: KeySpec,
    usage: KeyUsage,
    alg: MacAlgorithm,
    message_len: usize,
) -> Result<()> {
    check_len("message", message_len, MAX_MESSAGE)?;
    let allowed = mac_algorithms(spec, usage);
    if !allowed.contains(&alg) {
        return Err(Error::InvalidKeyUsage(format!(
            "key {} ({spec}) does not support MAC algorithm {alg}; it supports {}",
            key_name(id),
            if allowed.is_empty() {
                "none".to_owned()
            } else {
                list(allowed)
            }
        )));
    }
    Ok(())
}

/// Checks that key `id` of `spec` and `usage` allows encryption algorithm `alg`
/// (`InvalidKeyUsage`).
pub(crate) fn check_encryption(
    id: u128,
    spec: KeySpec,
    usage: KeyUsage,
    alg: EncryptionAlgorithm,
) -> Result<()> {
    let allowed = encryption_algorithms(spec, usage);
    if !allowed.contains(&alg) {
        return Err(Error::InvalidKeyUsage(format!(
            "key {} ({spec}, {usage}) does not support encryption algorithm {alg}; it supports {}",
            key_name(id),
            if allowed.is_empty() {
                "none".to_owned()
            } else {
                list(allowed)
            }
        )));
    }
    Ok(())
}

/// The largest plaintext RSA-OAEP encrypts under an RSA key of `bits` with `alg`: the modulus
/// length less twice the hash length less 2 (RSA_2048: 214 with SHA-1, 190 with SHA-256; AWS
/// KMS's limits).
pub(crate) fn rsa_max_plaintext(bits: usize, alg: EncryptionAlgorithm) -> usize {
    let hash = match alg {
        E::RsaesOaepSha1 => 20,
        _ => 32,
    };
    bits / 8 - 2 * hash - 2
}

/// Checks that an RSA-OAEP call (`Encrypt`, `Decrypt`, either half of `ReEncrypt`) has no
/// encryption context (`Validation`: RSA-OAEP ciphertext has no field for one, as AWS KMS says).
pub(crate) fn check_rsa_context(alg: EncryptionAlgorithm, has_context: bool) -> Result<()> {
    if has_context {
        return Err(Error::Validation(format!(
            "an encryption context is not allowed with {alg}; omit it"
        )));
    }
    Ok(())
}

/// Checks an RSA `Encrypt` (or `ReEncrypt` to an RSA key): no encryption context
/// ([`check_rsa_context`]) and a plaintext of 1 to [`rsa_max_plaintext`] bytes.
pub(crate) fn check_rsa_plaintext(
    bits: usize,
    alg: EncryptionAlgorithm,
    plaintext_len: usize,
    has_context: bool,
) -> Result<()> {
    check_rsa_context(alg, has_context)?;
    let max = rsa_max_plaintext(bits, alg);
    if plaintext_len == 0 || plaintext_len > max {
        return Err(Error::Validation(format!(
            "plaintext for {alg} under an RSA_{bits} key must be 1 to {max} bytes, not \
             {plaintext_len}"
        )));
    }
    Ok(())
}

/// The key spec of a data key pair of `spec`.
pub(crate) const fn data_key_pair_spec(spec: DataKeyPairSpec) -> KeySpec {
    match spec {
        DataKeyPairSpec::Rsa2048 => KeySpec::Rsa2048,
        DataKeyPairSpec::Rsa3072 => KeySpec::Rsa3072,
        DataKeyPairSpec::Rsa4096 => KeySpec::Rsa4096,
        DataKeyPairSpec::EccNistP256 => KeySpec::EccNistP256,
        DataKeyPairSpec::EccNistP384 => KeySpec::EccNistP384,
        DataKeyPairSpec::EccNistP521 => KeySpec::EccNistP521,
        DataKeyPairSpec::EccSecgP256k1 => KeySpec::EccSecgP256k1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [KeySpec; 16] = [
        KeySpec::SymmetricDefault,
        KeySpec::Rsa2048,
        KeySpec::Rsa3072,
        KeySpec::Rsa4096,
        KeySpec::EccNistP256,
        KeySpec::EccNistP384,
        KeySpec::EccNistP521,
        KeySpec::EccSecgP256k1,
        KeySpec::EccNistEdwards25519,
        KeySpec::MlDsa44,
        KeySpec::MlDsa65,
        KeySpec::MlDsa87,
        KeySpec::Hmac224,
        KeySpec::Hmac256,
        KeySpec::Hmac384,
        KeySpec::Hmac512,
    ];

    #[test]
    fn every_spec_and_usage_has_algorithms_of_exactly_one_kind() {
        for spec in ALL {
            for &usage in usages(spec) {
                let kinds = [
                    !encryption_algorithms(spec, usage).is_empty(),
                    !signing_algorithms(spec, usage).is_empty(),
                    !mac_algorithms(spec, usage).is_empty(),
                    !key_agreement_algorithms(spec, usage).is_empty(),
                ];
                assert_eq!(kinds.iter().filter(|k| **k).count(), 1, "{spec} {usage}");
            }
        }
    }

    #[test]
    fn create_defaults_and_refusals() {
        let ext = Origin::External;
        let own = Origin::AwsKms;
        use KeyUsage::*;
        assert_eq!(
            check_create(KeySpec::Rsa2048, None, own),
            Ok(EncryptDecrypt)
        );
        assert_eq!(
            check_create(KeySpec::Hmac256, None, own),
            Ok(GenerateVerifyMac)
        );
        assert_eq!(
            check_create(KeySpec::EccNistEdwards25519, None, own),
            Ok(SignVerify)
        );
        assert!(matches!(
            check_create(KeySpec::EccNistP256, None, own),
            Err(Error::Validation(_))
        ));
        assert_eq!(
            check_create(KeySpec::EccNistP256, Some(KeyAgreement), own),
            Ok(KeyAgreement)
        );
        assert!(matches!(
            check_create(KeySpec::EccSecgP256k1, Some(KeyAgreement), own),
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            check_create(KeySpec::SymmetricDefault, Some(SignVerify), own),
            Err(Error::Validation(_))
        ));
        assert_eq!(
            check_create(KeySpec::Rsa2048, Some(SignVerify), ext),
            Ok(SignVerify)
        );
        assert_eq!(
            check_create(KeySpec::EccNistP384, Some(KeyAgreement), ext),
            Ok(KeyAgreement)
        );
        assert_eq!(
            check_create(KeySpec::Hmac224, None, ext),
            Ok(GenerateVerifyMac)
        );
        for spec in [KeySpec::EccNistEdwards25519, KeySpec::MlDsa65] {
            assert!(matches!(
                check_create(spec, None, ext),
                Err(Error::UnsupportedOperation(_))
            ));
        }
        // The usage is checked first, whatever the origin.
        assert!(matches!(
            check_create(KeySpec::EccSecgP256k1, Some(KeyAgreement), ext),
            Err(Error::Validation(_))
        ));
        assert_eq!(
            check_create(KeySpec::SymmetricDefault, None, ext),
            Ok(EncryptDecrypt)
        );
    }

    #[test]
    fn importable_specs() {
        use KeySpec::*;
        for spec in [
            SymmetricDefault,
            Rsa2048,
            Rsa3072,
            Rsa4096,
            EccNistP256,
            EccNistP384,
            EccNistP521,
            EccSecgP256k1,
            Hmac224,
            Hmac256,
            Hmac384,
            Hmac512,
        ] {
            assert_eq!(check_importable(spec), Ok(()), "{spec}");
        }
        for spec in [EccNistEdwards25519, MlDsa44, MlDsa65, MlDsa87] {
            assert!(
                matches!(check_importable(spec), Err(Error::UnsupportedOperation(_))),
                "{spec}"
            );
        }
    }

    #[test]
    fn signing_checks() {
        use KeySpec::*;
        use KeyUsage::SignVerify as SV;
        use MessageType::*;
        assert!(check_signing(1, EccNistP256, SV, S::EcdsaSha256, Raw, 1).is_ok());
        assert!(check_signing(1, EccNistP256, SV, S::EcdsaSha256, Raw, MAX_MESSAGE).is_ok());
        assert!(matches!(
            check_signing(1, EccNistP256, SV, S::EcdsaSha256, Raw, MAX_MESSAGE + 1),
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            check_signing(1, EccNistP256, SV, S::EcdsaSha256, Raw, 0),
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            check_signing(1, EccNistP256, SV, S::EcdsaSha384, Raw, 5),
            Err(Error::InvalidKeyUsage(_))
        ));
        assert!(check_signing(1, EccNistP384, SV, S::EcdsaSha384, Digest, 48).is_ok());
        for n in [47, 49] {
            assert!(matches!(
                check_signing(1, EccNistP384, SV, S::EcdsaSha384, Digest, n),
                Err(Error::Validation(_))
            ));
        }
        assert!(matches!(
            check_signing(1, EccNistEdwards25519, SV, S::Ed25519PhSha512, Digest, 64),
            Err(Error::UnsupportedOperation(_))
        ));
        assert!(matches!(
            check_signing(1, EccNistEdwards25519, SV, S::Ed25519Sha512, Digest, 64),
            Err(Error::Validation(_))
        ));
        assert!(matches!(
            check_signing(1, MlDsa65, SV, S::MlDsaShake256, ExternalMu, 64),
            Err(Error::UnsupportedOperation(_))
        ));
        assert!(check_signing(1, Rsa3072, SV, S::RsassaPssSha512, Digest, 64).is_ok());
        assert!(matches!(
            check_signing(
                1,
                Hmac256,
                KeyUsage::GenerateVerifyMac,
                S::EcdsaSha256,
                Raw,
                3
            ),
            Err(Error::InvalidKeyUsage(_))
        ));
    }

    #[test]
    fn mac_and_encryption_checks() {
        use KeyUsage::*;
        assert!(
            check_mac(
                1,
                KeySpec::Hmac224,
                GenerateVerifyMac,
                MacAlgorithm::HmacSha224,
                1
            )
            .is_ok()
        );
        assert!(matches!(
            check_mac(
                1,
                KeySpec::Hmac224,
                GenerateVerifyMac,
                MacAlgorithm::HmacSha256,
                1
            ),
            Err(Error::InvalidKeyUsage(_))
        ));
        assert!(matches!(
            check_mac(
                1,
                KeySpec::Hmac224,
                GenerateVerifyMac,
                MacAlgorithm::HmacSha224,
                4097
            ),
            Err(Error::Validation(_))
        ));
        assert_eq!(rsa_max_plaintext(2048, E::RsaesOaepSha1), 214);
        assert_eq!(rsa_max_plaintext(2048, E::RsaesOaepSha256), 190);
        assert_eq!(rsa_max_plaintext(3072, E::RsaesOaepSha1), 342);
        assert_eq!(rsa_max_plaintext(3072, E::RsaesOaepSha256), 318);
        assert_eq!(rsa_max_plaintext(4096, E::RsaesOaepSha1), 470);
        assert_eq!(rsa_max_plaintext(4096, E::RsaesOaepSha256), 446);
        assert!(check_rsa_plaintext(2048, E::RsaesOaepSha256, 190, false).is_ok());
        assert!(check_rsa_plaintext(2048, E::RsaesOaepSha256, 191, false).is_err());
        assert!(check_rsa_plaintext(2048, E::RsaesOaepSha256, 0, false).is_err());
        assert!(check_rsa_plaintext(2048, E::RsaesOaepSha256, 5, true).is_err());
        assert!(matches!(
            check_encryption(1, KeySpec::Rsa2048, SignVerify, E::RsaesOaepSha256),
            Err(Error::InvalidKeyUsage(_))
        ));
        assert!(matches!(
            check_encryption(1, KeySpec::Rsa2048, EncryptDecrypt, E::SymmetricDefault),
            Err(Error::InvalidKeyUsage(_))
        ));
        assert!(
            check_encryption(
                1,
                KeySpec::SymmetricDefault,
                EncryptDecrypt,
                E::SymmetricDefault
            )
            .is_ok()
        );
        assert!(rotates(KeySpec::SymmetricDefault) && !rotates(KeySpec::Hmac256));
        assert_eq!(customer_master_key_spec(KeySpec::MlDsa44), None);
        assert_eq!(
            customer_master_key_spec(KeySpec::Rsa2048),
            Some(KeySpec::Rsa2048)
        );
    }
}
