//! Asymmetric key material (SPEC section 11) over AWS-LC (aws-lc-rs): generating a private key
//! as PKCS#8 DER, loading it for the key's spec and usage, and the operations on it: signing and
//! verifying, RSA-OAEP, ECDH, and the DER SubjectPublicKeyInfo. The key's spec and usage come from
//! `rules::key_specs`; this file only maps them to the library's algorithms. Private keys live in
//! AWS-LC's own memory, which it clears when freeing them.

use crate::model::algorithms::{EncryptionAlgorithm, MessageType, SigningAlgorithm};
use crate::model::key::{KeySpec, KeyUsage};
use crate::rules::key_specs::{Curve, Family, family};
use crate::{Error, Result};
use aws_lc_rs::agreement::{self, ECDH_P256, ECDH_P384, ECDH_P521};
use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{
    KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair, ParsedPublicKey,
    PqdsaKeyPair, PqdsaSigningAlgorithm, RsaEncoding, RsaKeyPair, VerificationAlgorithm,
};
use zeroize::Zeroizing;

/// The private half, loaded for the one use the key's usage allows.
enum Private {
    RsaSign(RsaKeyPair),
    RsaDecrypt(OaepPrivateDecryptingKey, OaepPublicEncryptingKey),
    Ecdsa(EcdsaKeyPair),
    Ecdh(agreement::PrivateKey),
    Ed25519(Ed25519KeyPair),
    MlDsa(PqdsaKeyPair),
}

/// An asymmetric key: its private half, its DER SubjectPublicKeyInfo, and for a signing key the
/// public key parsed once per signing algorithm the key allows (for `Verify`).
pub(crate) struct AsymmetricKey {
    private: Private,
    public_der: Vec<u8>,
    verifiers: Vec<(SigningAlgorithm, ParsedPublicKey)>,
}

fn lib_failed(what: &str) -> Error {
    Error::Io(format!(
        "the crypto library failed to {what}; retry, and report it if it persists"
    ))
}

fn corrupt() -> Error {
    Error::Corrupt(
        "a stored asymmetric private key does not parse for its key spec; restore the keystore \
         from a backup"
            .into(),
    )
}

fn ecdsa_signing(curve: Curve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
        Curve::Secp256k1 => &sig::ECDSA_P256K1_SHA256_ASN1_SIGNING,
    }
}

fn ecdh(curve: Curve) -> Option<&'static agreement::Algorithm> {
    match curve {
        Curve::P256 => Some(&ECDH_P256),
        Curve::P384 => Some(&ECDH_P384),
        Curve::P521 => Some(&ECDH_P521),
        Curve::Secp256k1 => None,
    }
}

fn ml_dsa(level: u8) -> &'static PqdsaSigningAlgorithm {
    match level {
        44 => &sig::ML_DSA_44_SIGNING,
        65 => &sig::ML_DSA_65_SIGNING,
        _ => &sig::ML_DSA_87_SIGNING,
    }
}

fn rsa_size(bits: usize) -> KeySize {
    match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        _ => KeySize::Rsa4096,
    }
}

/// The verification algorithm of `alg` (for a key of `spec`).
fn verification(alg: SigningAlgorithm) -> Option<&'static dyn VerificationAlgorithm> {
    use SigningAlgorithm as S;
    Some(match alg {
        S::RsassaPssSha256 => &sig::RSA_PSS_2048_8192_SHA256,
        S::RsassaPssSha384 => &sig::RSA_PSS_2048_8192_SHA384,
        S::RsassaPssSha512 => &sig::RSA_PSS_2048_8192_SHA512,
        S::RsassaPkcs1V15Sha256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        S::RsassaPkcs1V15Sha384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        S::RsassaPkcs1V15Sha512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        S::EcdsaSha256 | S::EcdsaSha384 | S::EcdsaSha512 => return None,
        S::Ed25519Sha512 => &sig::ED25519,
        S::Ed25519PhSha512 | S::MlDsaShake256 => return None,
    })
}

fn ecdsa_verification(curve: Curve) -> &'static dyn VerificationAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_ASN1,
        Curve::P384 => &sig::ECDSA_P384_SHA384_ASN1,
        Curve::P521 => &sig::ECDSA_P521_SHA512_ASN1,
        Curve::Secp256k1 => &sig::ECDSA_P256K1_SHA256_ASN1,
    }
}

fn ml_dsa_verification(level: u8) -> &'static dyn VerificationAlgorithm {
    match level {
        44 => &sig::ML_DSA_44,
        65 => &sig::ML_DSA_65,
        _ => &sig::ML_DSA_87,
    }
}

fn rsa_encoding(alg: SigningAlgorithm) -> Option<&'static dyn RsaEncoding> {
    use SigningAlgorithm as S;
    Some(match alg {
        S::RsassaPssSha256 => &sig::RSA_PSS_SHA256,
        S::RsassaPssSha384 => &sig::RSA_PSS_SHA384,
        S::RsassaPssSha512 => &sig::RSA_PSS_SHA512,
        S::RsassaPkcs1V15Sha256 => &sig::RSA_PKCS1_SHA256,
        S::RsassaPkcs1V15Sha384 => &sig::RSA_PKCS1_SHA384,
        S::RsassaPkcs1V15Sha512 => &sig::RSA_PKCS1_SHA512,
        _ => return None,
    })
}

fn digest_alg(alg: SigningAlgorithm) -> &'static digest::Algorithm {
    use SigningAlgorithm as S;
    match alg {
        S::RsassaPssSha256 | S::RsassaPkcs1V15Sha256 | S::EcdsaSha256 => &digest::SHA256,
        S::RsassaPssSha384 | S::RsassaPkcs1V15Sha384 | S::EcdsaSha384 => &digest::SHA384,
        _ => &digest::SHA512,
    }
}

fn oaep(alg: EncryptionAlgorithm) -> &'static OaepAlgorithm {
    match alg {
        EncryptionAlgorithm::RsaesOaepSha1 => &OAEP_SHA1_MGF1SHA1,
        _ => &OAEP_SHA256_MGF1SHA256,
    }
}

fn pkcs8(
    doc: std::result::Result<Pkcs8V1Der<'static>, aws_lc_rs::error::Unspecified>,
) -> Result<Zeroizing<Vec<u8>>> {
    let doc = doc.map_err(|_| lib_failed("encode a private key"))?;
    Ok(Zeroizing::new(doc.as_ref().to_vec()))
}

/// A fresh private key of `spec` (any asymmetric spec), as PKCS#8 v1 DER. RSA-4096 takes about a
/// second: callers generate before taking any lock.
pub(crate) fn generate(spec: KeySpec) -> Result<Zeroizing<Vec<u8>>> {
    let failed = || lib_failed(&format!("generate a {spec} key"));
    match family(spec) {
        Family::Rsa(bits) => {
            let k = RsaKeyPair::generate(rsa_size(bits)).map_err(|_| failed())?;
            pkcs8(k.as_der())
        }
        Family::Ecc(curve) => {
            let k = EcdsaKeyPair::generate(ecdsa_signing(curve)).map_err(|_| failed())?;
            let doc = k.to_pkcs8v1().map_err(|_| failed())?;
            Ok(Zeroizing::new(doc.as_ref().to_vec()))
        }
        Family::Ed25519 => {
            let k = Ed25519KeyPair::generate().map_err(|_| failed())?;
            let doc = k.to_pkcs8v1().map_err(|_| failed())?;
            Ok(Zeroizing::new(doc.as_ref().to_vec()))
        }
        Family::MlDsa(level) => {
            let k = PqdsaKeyPair::generate(ml_dsa(level)).map_err(|_| failed())?;
            let doc = k.to_pkcs8v1().map_err(|_| failed())?;
            Ok(Zeroizing::new(doc.as_ref().to_vec()))
        }
        Family::Symmetric | Family::Hmac(_) => Err(Error::Validation(format!(
            "{spec} is not an asymmetric key spec"
        ))),
    }
}

/// Imported private key material of a key of `spec` and `usage` (AWS KMS: a PKCS#8 private key,
/// RFC 5208): the key re-encoded as the PKCS#8 v1 DER that [`generate`] makes, so that the same
/// private key imported in another valid encoding is the same material. `None` unless `der` is a
/// PKCS#8 private key of the spec's family and size (an RSA modulus of the spec's bits with two
/// primes; a named-curve EC key on the spec's curve) that loads for `usage`.
pub(crate) fn import_private_key(
    spec: KeySpec,
    usage: KeyUsage,
    der: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    // AWS-LC's parser stops at the end of the key's SEQUENCE; bytes after it are not PKCS#8.
    if der_sequence_len(der)? != der.len() {
        return None;
    }
    let canonical = match family(spec) {
        Family::Rsa(bits) => {
            let k = RsaKeyPair::from_pkcs8(der).ok()?;
            if k.public_modulus_len() * 8 != bits {
                return None;
            }
            let doc = k.as_der().ok()?;
            Zeroizing::new(doc.as_ref().to_vec())
        }
        Family::Ecc(curve) => {
            let k = EcdsaKeyPair::from_pkcs8(ecdsa_signing(curve), der).ok()?;
            let doc = k.to_pkcs8v1().ok()?;
            Zeroizing::new(doc.as_ref().to_vec())
        }
        // Ed25519 and ML-DSA keys are not importable (`key_specs::check_importable`).
        Family::Ed25519 | Family::MlDsa(_) | Family::Symmetric | Family::Hmac(_) => return None,
    };
    // The key as every later use will load it.
    AsymmetricKey::load(spec, usage, &canonical).ok()?;
    Some(canonical)
}

/// The length of the DER SEQUENCE `der` starts with, header included (`None` if it does not
/// start with one).
fn der_sequence_len(der: &[u8]) -> Option<usize> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if tag != 0x30 {
        return None;
    }
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 || rest.len() < n {
        return None;
    }
    let len = rest[..n]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    Some(2 + n + len)
}

fn der_of(
    d: std::result::Result<
        aws_lc_rs::encoding::PublicKeyX509Der<'static>,
        aws_lc_rs::error::Unspecified,
    >,
) -> Result<Vec<u8>> {
    Ok(d.map_err(|_| corrupt())?.as_ref().to_vec())
}

impl AsymmetricKey {
    /// Loads PKCS#8 DER `der` as a key of `spec` used for `usage`. `Corrupt` if it does not parse
    /// as one.
    pub(crate) fn load(spec: KeySpec, usage: KeyUsage, der: &[u8]) -> Result<Self> {
        let (private, public_der) = match (family(spec), usage) {
            (Family::Rsa(bits), KeyUsage::EncryptDecrypt) => {
                let k = PrivateDecryptingKey::from_pkcs8(der).map_err(|_| corrupt())?;
                if k.key_size_bits() != bits {
                    return Err(corrupt());
                }
                let public: PublicEncryptingKey = k.public_key();
                let public_der = der_of(public.as_der())?;
                let enc = OaepPublicEncryptingKey::new(public).map_err(|_| corrupt())?;
                let dec = OaepPrivateDecryptingKey::new(k).map_err(|_| corrupt())?;
                (Private::RsaDecrypt(dec, enc), public_der)
            }
            (Family::Rsa(bits), _) => {
                let k = RsaKeyPair::from_pkcs8(der).map_err(|_| corrupt())?;
                if k.public_modulus_len() * 8 != bits {
                    return Err(corrupt());
                }
                let public_der = der_of(k.public_key().as_der())?;
                (Private::RsaSign(k), public_der)
            }
            (Family::Ecc(curve), KeyUsage::KeyAgreement) => {
                let alg = ecdh(curve).ok_or_else(corrupt)?;
                let k =
                    agreement::PrivateKey::from_private_key_der(alg, der).map_err(|_| corrupt())?;
                let public_der = der_of(k.compute_public_key().map_err(|_| corrupt())?.as_der())?;
                (Private::Ecdh(k), public_der)
            }
            (Family::Ecc(curve), _) => {
                let k =
                    EcdsaKeyPair::from_pkcs8(ecdsa_signing(curve), der).map_err(|_| corrupt())?;
                let public_der = der_of(k.public_key().as_der())?;
                (Private::Ecdsa(k), public_der)
            }
            (Family::Ed25519, _) => {
                let k = Ed25519KeyPair::from_pkcs8(der).map_err(|_| corrupt())?;
                let public_der = der_of(k.public_key().as_der())?;
                (Private::Ed25519(k), public_der)
            }
            (Family::MlDsa(level), _) => {
                let k = PqdsaKeyPair::from_pkcs8(ml_dsa(level), der).map_err(|_| corrupt())?;
                let public_der = der_of(k.public_key().as_der())?;
                (Private::MlDsa(k), public_der)
            }
            (Family::Symmetric | Family::Hmac(_), _) => return Err(corrupt()),
        };
        let mut verifiers = Vec::new();
        for &alg in crate::rules::key_specs::signing_algorithms(spec, usage) {
            let v = match family(spec) {
                Family::Ecc(curve) => ecdsa_verification(curve),
                Family::MlDsa(level) => ml_dsa_verification(level),
                _ => verification(alg).ok_or_else(corrupt)?,
            };
            verifiers.push((
                alg,
                ParsedPublicKey::new(v, &public_der).map_err(|_| corrupt())?,
            ));
        }
        Ok(AsymmetricKey {
            private,
            public_der,
            verifiers,
        })
    }

    /// The DER SubjectPublicKeyInfo.
    pub(crate) fn public_key_der(&self) -> &[u8] {
        &self.public_der
    }

    /// Signs `message` (a RAW message or a DIGEST of `alg`'s hash, already checked against the
    /// key by `rules::key_specs::check_signing`) with `alg`. ECDSA signatures are DER.
    pub(crate) fn sign(
        &self,
        alg: SigningAlgorithm,
        message_type: MessageType,
        message: &[u8],
    ) -> Result<Vec<u8>> {
        let failed = || lib_failed("sign");
        let digest = || Digest::import_less_safe(message, digest_alg(alg)).map_err(|_| failed());
        let raw = message_type == MessageType::Raw;
        match &self.private {
            Private::RsaSign(k) => {
                let enc = rsa_encoding(alg).ok_or_else(failed)?;
                let mut out = vec![0u8; k.public_modulus_len()];
                if raw {
                    k.sign(enc, &SystemRandom::new(), message, &mut out)
                } else {
                    k.sign_digest(enc, &digest()?, &mut out)
                }
                .map_err(|_| failed())?;
                Ok(out)
            }
            Private::Ecdsa(k) => {
                let s = if raw {
                    k.sign(&SystemRandom::new(), message)
                } else {
                    k.sign_digest(&digest()?)
                }
                .map_err(|_| failed())?;
                Ok(s.as_ref().to_vec())
            }
            Private::Ed25519(k) => Ok(k.try_sign(message).map_err(|_| failed())?.as_ref().to_vec()),
            Private::MlDsa(k) => {
                let mut out = vec![0u8; k.algorithm().signature_len()];
                let n = k.sign(message, &mut out).map_err(|_| failed())?;
                out.truncate(n);
                Ok(out)
            }
            Private::RsaDecrypt(..) | Private::Ecdh(_) => Err(failed()),
        }
    }

    /// Whether `signature` is `alg`'s valid signature of `message` under this key's public key.
    pub(crate) fn verify(
        &self,
        alg: SigningAlgorithm,
        message_type: MessageType,
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        let Some((_, key)) = self.verifiers.iter().find(|(a, _)| *a == alg) else {
            return false;
        };
        if message_type == MessageType::Raw {
            return key.verify_sig(message, signature).is_ok();
        }
        match Digest::import_less_safe(message, digest_alg(alg)) {
            Ok(d) => key.verify_digest_sig(&d, signature).is_ok(),
            Err(_) => false,
        }
    }

    /// RSA-OAEP encryption of `plaintext` (its length already checked) with `alg`.
    pub(crate) fn encrypt(&self, alg: EncryptionAlgorithm, plaintext: &[u8]) -> Result<Vec<u8>> {
        let Private::RsaDecrypt(_, k) = &self.private else {
            return Err(lib_failed("encrypt"));
        };
        let mut out = vec![0u8; k.ciphertext_size()];
        let n = k
            .encrypt(oaep(alg), plaintext, &mut out, None)
            .map_err(|_| lib_failed("encrypt"))?
            .len();
        out.truncate(n);
        Ok(out)
    }

    /// RSA-OAEP decryption of `ciphertext` with `alg` into a zeroized buffer; `None` for any
    /// ciphertext that does not decrypt (one answer for every failure: AWS-LC's OAEP check does
    /// not branch on secret data).
    pub(crate) fn decrypt(
        &self,
        alg: EncryptionAlgorithm,
        ciphertext: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let Private::RsaDecrypt(k, _) = &self.private else {
            return None;
        };
        if ciphertext.len() != k.key_size_bytes() {
            return None;
        }
        let mut out = Zeroizing::new(vec![0u8; k.key_size_bytes()]);
        let n = k.decrypt(oaep(alg), ciphertext, &mut out, None).ok()?.len();
        out.truncate(n);
        Some(out)
    }

    /// ECDH with the peer's public key (DER SubjectPublicKeyInfo on this key's curve): the raw
    /// shared secret (the x coordinate), or `None` if the peer's key is not a valid point of it.
    /// Only a SubjectPublicKeyInfo, as AWS KMS documents: AWS-LC would also take a bare point.
    pub(crate) fn agree(&self, peer_spki: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let Private::Ecdh(k) = &self.private else {
            return None;
        };
        if der_sequence_len(peer_spki) != Some(peer_spki.len()) {
            return None;
        }
        let peer = agreement::UnparsedPublicKey::new(k.algorithm(), peer_spki);
        agreement::agree(k, peer, (), |s| Ok(Zeroizing::new(s.to_vec()))).ok()
    }
}

/// The DER SubjectPublicKeyInfo of PKCS#8 private key `der` of `spec` (for data key pairs).
pub(crate) fn public_key_of(spec: KeySpec, der: &[u8]) -> Result<Vec<u8>> {
    Ok(AsymmetricKey::load(spec, KeyUsage::SignVerify, der)?.public_der)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn der_sequence_lengths() {
        assert_eq!(der_sequence_len(&[0x30, 0x03, 1, 2, 3]), Some(5));
        assert_eq!(der_sequence_len(&[0x30, 0x81, 0x87]), Some(3 + 0x87));
        assert_eq!(der_sequence_len(&[0x30, 0x82, 0x01, 0x00]), Some(4 + 256));
        for bad in [
            &[][..],
            &[0x30],
            &[0x04, 0x01, 0],
            &[0x30, 0x80],
            &[0x30, 0x82, 0x01],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
        ] {
            assert_eq!(der_sequence_len(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn imported_keys_are_canonical_and_of_their_spec() {
        let p256 = generate(KeySpec::EccNistP256).unwrap();
        let usage = KeyUsage::SignVerify;
        let got = import_private_key(KeySpec::EccNistP256, usage, &p256).unwrap();
        assert_eq!(got.as_slice(), p256.as_slice());
        assert!(import_private_key(KeySpec::EccNistP384, usage, &p256).is_none());
        assert!(import_private_key(KeySpec::EccSecgP256k1, usage, &p256).is_none());
        assert!(import_private_key(KeySpec::Rsa2048, usage, &p256).is_none());
        let mut longer = p256.to_vec();
        longer.push(0);
        assert!(import_private_key(KeySpec::EccNistP256, usage, &longer).is_none());
        assert!(import_private_key(KeySpec::EccNistP256, usage, &p256[..p256.len() - 1]).is_none());
        assert!(import_private_key(KeySpec::EccNistP256, KeyUsage::KeyAgreement, &p256).is_some());
        // Never importable, even given a valid key.
        let ed = generate(KeySpec::EccNistEdwards25519).unwrap();
        assert!(import_private_key(KeySpec::EccNistEdwards25519, usage, &ed).is_none());
        let rsa = generate(KeySpec::Rsa2048).unwrap();
        assert!(import_private_key(KeySpec::Rsa2048, usage, &rsa).is_some());
        assert!(import_private_key(KeySpec::Rsa3072, usage, &rsa).is_none());
        assert!(import_private_key(KeySpec::Rsa2048, KeyUsage::EncryptDecrypt, &rsa).is_some());
    }

    /// openssl makes a key and signs with it; the same key, loaded here from its PKCS#8, verifies
    /// openssl's signature through the path `Verify` takes, and openssl verifies ours.
    #[test]
    fn verifies_signatures_made_by_openssl() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n).to_str().unwrap().to_owned();
        let run = |args: &[&str]| {
            let o = Command::new("openssl").args(args).output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        };
        std::fs::write(p("m"), b"signed offline").unwrap();
        let cases: [(KeySpec, SigningAlgorithm, &[&str], &[&str]); 4] = [
            (
                KeySpec::EccNistP256,
                SigningAlgorithm::EcdsaSha256,
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                &["dgst", "-sha256"],
            ),
            (
                KeySpec::EccNistP384,
                SigningAlgorithm::EcdsaSha384,
                &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
                &["dgst", "-sha384"],
            ),
            (
                KeySpec::Rsa2048,
                SigningAlgorithm::RsassaPssSha256,
                &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                &[
                    "dgst",
                    "-sha256",
                    "-sigopt",
                    "rsa_padding_mode:pss",
                    "-sigopt",
                    "rsa_pss_saltlen:digest",
                ],
            ),
            (
                KeySpec::EccNistEdwards25519,
                SigningAlgorithm::Ed25519Sha512,
                &["-algorithm", "ED25519"],
                &["pkeyutl", "-rawin"],
            ),
        ];
        for (spec, alg, gen_args, sign_args) in cases {
            let mut g = vec!["genpkey"];
            g.extend(gen_args);
            let (pem, der, sig) = (p("k.pem"), p("k.der"), p("sig"));
            g.extend(["-out", pem.as_str()]);
            run(&g);
            run(&[
                "pkcs8", "-topk8", "-nocrypt", "-in", &pem, "-outform", "DER", "-out", &der,
            ]);
            let mut s = sign_args.to_vec();
            let m = p("m");
            if sign_args[0] == "dgst" {
                s.extend(["-sign", pem.as_str(), "-out", sig.as_str(), m.as_str()]);
            } else {
                s.extend([
                    "-sign",
                    "-inkey",
                    pem.as_str(),
                    "-in",
                    m.as_str(),
                    "-out",
                    sig.as_str(),
                ]);
            }
            run(&s);
            let key =
                AsymmetricKey::load(spec, KeyUsage::SignVerify, &std::fs::read(&der).unwrap())
                    .unwrap();
            let signature = std::fs::read(&sig).unwrap();
            assert!(
                key.verify(alg, MessageType::Raw, b"signed offline", &signature),
                "{spec} {alg}"
            );
            assert!(!key.verify(alg, MessageType::Raw, b"signed offlinE", &signature));
        }
    }
}
